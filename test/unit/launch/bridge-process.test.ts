// The bridge's output read a chunk at a time (readLines): the same lines as
// readline would give, wherever the chunks are cut.
import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { describe, it } from 'node:test'
import { readLines } from '../../../src/launch/bridge-process.js'

/** The lines readLines delivers for `chunks`, and how many deliveries there were. */
async function linesOf(chunks: Array<string | Buffer>): Promise<{ lines: string[]; calls: number }> {
  const stream = new PassThrough()
  const lines: string[] = []
  let calls = 0
  readLines(stream, (batch) => {
    calls++
    lines.push(...batch)
  })
  const ended = new Promise((resolve) => stream.on('end', resolve))
  for (const chunk of chunks) stream.write(chunk)
  stream.end()
  await ended
  return { lines, calls }
}

describe('readLines', () => {
  it('joins a line cut by a chunk boundary, and keeps empty lines', async () => {
    assert.deepEqual((await linesOf(['one\ntw', 'o\n\nthree\n'])).lines, ['one', 'two', '', 'three'])
  })
  it('takes \\r\\n, \\n and a lone \\r as breaks, also when \\r\\n is cut in two', async () => {
    assert.deepEqual((await linesOf(['a\r', '\nb\rc\r\n', 'd\n'])).lines, ['a', 'b', 'c', 'd'])
  })
  it('delivers the last line without a break at the end, and a last lone \\r as a break', async () => {
    assert.deepEqual((await linesOf(['x\ny'])).lines, ['x', 'y'])
    assert.deepEqual((await linesOf(['x\r'])).lines, ['x'])
  })
  it('decodes a UTF-8 character cut by a chunk boundary', async () => {
    const bytes = Buffer.from('naïve ✓\n')
    assert.deepEqual((await linesOf([bytes.subarray(0, 3), bytes.subarray(3, 8), bytes.subarray(8)])).lines, ['naïve ✓'])
  })
  it('a chunk of many lines is one delivery', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => `line ${i}`)
    const { lines, calls } = await linesOf([`${many.join('\n')}\n`])
    assert.deepEqual(lines, many)
    assert.equal(calls, 1)
  })
})

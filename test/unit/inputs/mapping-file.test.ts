// Mapping inputs given as files: only regular files inside the workspace, bounded in size, never
// a hang, and parsing linear in the number of keys.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { MAX_MAPPING_FILE_BYTES } from '../../../src/inputs/mapping-file.js'
import { parseMapping } from '../../../src/inputs/values.js'

function throwsMessage(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof Error, `not an Error: ${String(error)}`)
    assert.match(error.message, message)
    return true
  })
}

describe('mapping files', () => {
  let root = ''
  let workspace = ''
  before(() => {
    root = mkdtempSync(path.join(tmpdir(), 'mapping-file-test-'))
    workspace = path.join(root, 'ws')
    mkdirSync(path.join(workspace, 'conf'), { recursive: true })
    writeFileSync(path.join(root, 'outside.yaml'), 'secret: 1\n')
    writeFileSync(path.join(workspace, 'conf', 'ok.yaml'), 'a: 1\n')
    symlinkSync(path.join(root, 'outside.yaml'), path.join(workspace, 'link-out.yaml'))
    symlinkSync(path.join(workspace, 'conf', 'ok.yaml'), path.join(workspace, 'link-in.yaml'))
    symlinkSync('/dev/zero', path.join(workspace, 'zero.json'))
    execFileSync('mkfifo', [path.join(workspace, 'fifo.yaml')])
    mkdirSync(path.join(workspace, 'dir.json'))
    writeFileSync(path.join(workspace, 'big.json'), `{"a": "${'x'.repeat(MAX_MAPPING_FILE_BYTES)}"}`)
  })
  after(() => rmSync(root, { recursive: true, force: true }))

  it('reads a file inside the workspace, and a symlink that stays inside', () => {
    assert.deepEqual(parseMapping('conf/ok.yaml', workspace), { a: 1 })
    assert.deepEqual(parseMapping('link-in.yaml', workspace), { a: 1 })
  })
  it('refuses ../ out of the workspace, naming where it leads', () =>
    throwsMessage(
      () => parseMapping('../outside.yaml', workspace),
      /^file \.\.\/outside\.yaml is outside the workspace \(it resolves to .*outside\.yaml; GITHUB_WORKSPACE is /
    ))
  it('refuses an absolute path outside the workspace', () =>
    throwsMessage(() => parseMapping(path.join(root, 'outside.yaml'), workspace), /is outside the workspace/))
  it('refuses a workspace symlink that points outside', () =>
    throwsMessage(() => parseMapping('link-out.yaml', workspace), /^file link-out\.yaml is outside the workspace/))
  it('refuses /dev/zero behind a workspace symlink without reading it', () =>
    throwsMessage(() => parseMapping('zero.json', workspace), /^file zero\.json is outside the workspace/))
  it('refuses a FIFO at once (no writer needed, no hang)', () => {
    const started = Date.now()
    throwsMessage(() => parseMapping('fifo.yaml', workspace), /^file fifo\.yaml is not a regular file/)
    assert.ok(Date.now() - started < 5_000)
  })
  it('refuses a directory', () => throwsMessage(() => parseMapping('dir.json', workspace), /^file dir\.json is not a regular file/))
  it(`refuses a file over ${MAX_MAPPING_FILE_BYTES} bytes before reading it`, () =>
    throwsMessage(() => parseMapping('big.json', workspace), /^file big\.json is \d+ bytes; a mapping file may have at most 8388608 bytes/))

  it('50 000 keys parse in linear time (the pairwise duplicate check took 20 s)', () => {
    const keys = 50_000
    writeFileSync(
      path.join(workspace, 'many.json'),
      JSON.stringify(Object.fromEntries(Array.from({ length: keys }, (_, i) => [`k${i}`, i])))
    )
    const started = Date.now()
    const parsed = parseMapping('many.json', workspace)
    const seconds = (Date.now() - started) / 1000
    assert.equal(Object.keys(parsed).length, keys)
    assert.ok(seconds < 15, `took ${seconds}s`) // about 3 s on a busy 2-core machine
  })
  it('still refuses a duplicate key among many, naming it', () => {
    const text = `${Array.from({ length: 1000 }, (_, i) => `k${i}: ${i}`).join('\n')}\nk500: again\n`
    writeFileSync(path.join(workspace, 'dups.yaml'), text)
    throwsMessage(
      () => parseMapping('dups.yaml', workspace),
      /^file dups\.yaml is not valid JSON or YAML: Map keys must be unique; "k500" is repeated/
    )
  })
  it('finds duplicates in nested mappings', () =>
    throwsMessage(() => parseMapping('{"a": {"b": 1, "b": 2}}', workspace), /unique; "b" is repeated/))
})

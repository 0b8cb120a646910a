// A local job's output in the log, through the bridge's own reader, with the
// fake SDK: whole lines, long lines cut, bars collapsed; and for synchronous: false, in the log
// file the job writes to once the action has left.
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { startAction, TEST_KEY, waitFor } from '../helpers/action.js'
import { assertMixedOutput, numberedLine, printJob } from '../helpers/print-job.js'

const base = { api_key: TEST_KEY, job: 'ent/proj/ok:latest', resource: 'local-process' }

describe('a job that prints every kind of output', async () => {
  const run = await startAction({ inputs: { ...base, entry_point: printJob('python3', 'mixed') } })
  it('passes the step', () => assert.equal(run.code, 0, run.stdout))
  it('shows every line whole and in order, the long one cut, the bar by its last state', () => {
    const start = run.stdout.indexOf('::group::Launch')
    assertMixedOutput(run.stdout.slice(start, run.stdout.indexOf('::endgroup::', start)))
  })
  it('shows the job output before the step ends: no line comes after the result', () => {
    assert.ok(run.stdout.indexOf('last line without newline') < run.stdout.indexOf('::endgroup::', run.stdout.indexOf('::group::Launch')))
  })
})

describe('synchronous: false, a local job', async () => {
  const run = await startAction({
    inputs: { ...base, synchronous: 'false', run_id: 'detached-out', entry_point: printJob('python3', 'lines', '20000', '50') }
  })
  it('writes the job output to its log file after the action has left, every line whole', async () => {
    assert.equal(run.code, 0, run.stdout)
    const log = path.join(run.dir, 'wandb-launch-detached-out.log')
    const text = await waitFor(
      'the job to print its last line',
      () => {
        const t = existsSync(log) ? readFileSync(log, 'utf8') : ''
        return t.includes(`${numberedLine(19999, 50)}\n`) ? t : undefined
      },
      30_000
    )
    const numbered = text.split('\n').filter((l) => /^\d+$/.test(l))
    assert.equal(numbered.length, 20000)
    numbered.forEach((line, i) => assert.equal(line, numberedLine(i, 50)))
  })
})

// Linux: a job's descendant that left its process group (a session of its own) is ended with the
// job: the bridge is their child subreaper. Fake SDK.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { alive, jobDump, startAction, TEST_KEY, waitFor } from '../helpers/action.js'

type EscapingDump = { pid: number; escaped_pid: number }

describe("descendants that escaped the job's process group (Linux)", () => {
  it('cancel: the setsid grandchild is gone when the action exits', async () => {
    let dump: EscapingDump | undefined
    const run = await startAction({
      inputs: { api_key: TEST_KEY, resource: 'local-process', job: 'e/p/escaping:latest', run_id: 'escape1' },
      onStart: (child, dir) => {
        void (async () => {
          dump = (await waitFor('the job', () => jobDump(dir, 'escape1'))) as unknown as EscapingDump
          child.kill('SIGINT')
        })()
      }
    })
    assert.equal(run.code, 1, run.stdout)
    assert.equal(run.outputs.state, 'stopped')
    assert.ok(dump?.escaped_pid, 'the job started a grandchild in its own session')
    assert.ok(!alive(dump!.pid), 'the job is gone')
    assert.ok(!alive(dump!.escaped_pid), `the escaped grandchild ${dump!.escaped_pid} is gone`)
  })

  it('a job that ends by itself: what it left running is ended too', async () => {
    const run = await startAction({
      inputs: { api_key: TEST_KEY, resource: 'local-process', job: 'e/p/escaping-exit:latest', run_id: 'escape2' }
    })
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.state, 'finished')
    const dump = run.jobs.escape2 as unknown as EscapingDump
    assert.ok(dump.escaped_pid)
    assert.ok(!alive(dump.escaped_pid), `the escaped grandchild ${dump.escaped_pid} is gone`)
  })
})

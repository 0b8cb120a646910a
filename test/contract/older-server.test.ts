// An older W&B server (the backend's --missing-fields profile) with the real wandb SDK (0.30.0):
// it has none of the fields only W&B's app is believed to have (RunQueueItem.error and .runSpec)
// nor PushToRunQueueByNamePayload.runSpec, which the SDK's push itself falls back from. Queue mode,
// attach and cancel follow the run to its end and judge it; what the server cannot say is left
// out, in one plain line.
import assert from 'node:assert/strict'

import { after, before, describe, it } from 'node:test'
import { errors, startAction, type ActionRun } from '../helpers/action.js'
import { BACKEND_KEY, REAL_PYTHON, realSdkEnv, startBackend, type Backend, readOplog, type BackendOp } from '../helpers/backend.js'
import { startFaultProxy } from '../helpers/fault-proxy.js'

let backend: Backend
before(async () => {
  backend = await startBackend({ agentDelay: 0.5, missingFields: ['PushToRunQueueByNamePayload.runSpec'], env: { HARNESS_SLEEP: '30' } })
})
after(async () => backend.stop())

function act(inputs: Record<string, string>, cancelOn?: RegExp): Promise<ActionRun> {
  let signalled = false
  return startAction({
    fake: false,
    inputs: { python: REAL_PYTHON, base_url: backend.url, entity: 'ent', project: 'proj', ...inputs },
    env: { ...realSdkEnv(), WANDB_API_KEY: BACKEND_KEY, WANDB_LAUNCH_ACTION_POLL_SECONDS: '0.2,0.5' },
    onStdout: (text, child) => {
      if (cancelOn && !signalled && cancelOn.test(text)) {
        signalled = true
        child.kill('SIGTERM')
      }
    },
    timeoutMs: 60_000
  })
}

const oplog = (): BackendOp[] => readOplog(backend)
const agentOps = (item: string) => oplog().filter((op) => op.kind === 'agent' && op.item === item)
const reasonLines = (run: ActionRun) => run.stdout.split('\n').filter((l) => l.includes('does not report why a queue item failed'))

describe('an older W&B server (real SDK)', { concurrency: 2 }, () => {
  it('queue mode: the run is followed to its end and passes', async () => {
    const run = await act({ job: 'ent/proj/myjob:latest', queue: 'q', run_id: 'old-ok' })
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.state, 'finished')
    assert.deepEqual(
      agentOps(run.outputs.queue_item_id!).map((op) => op.to),
      ['CLAIMED', 'running', 'finished']
    )
    // the server refused the SDK's push with runSpec and the action's item query with error: both fell back
    const refused = oplog()
      .filter((op) => op.kind === 'graphql' && op.refused)
      .map((op) => `${op.op}: ${(op.refused as string[]).join(' ')}`)
    assert.ok(
      refused.some((r) => r.startsWith('pushToRunQueueByName: Cannot query field "runSpec" on type "PushToRunQueueByNamePayload".')),
      refused.join('\n')
    )
    assert.ok(
      refused.some((r) => r.startsWith('GetRunQueueItem: Cannot query field "error" on type "RunQueueItem".')),
      refused.join('\n')
    )
    assert.equal(reasonLines(run).length, 1, run.stdout)
  })

  it('a failed run fails the step, judged by its state', async () => {
    const run = await act({ job: 'ent/proj/failjob:latest', queue: 'q', run_id: 'old-fail' })
    assert.equal(run.code, 1, run.stdout)
    assert.equal(run.outputs.state, 'failed')
    assert.match(errors(run)[0] ?? '', /^W&B run old-fail failed \(/)
  })

  it('a failed item fails the step; the reason the server cannot give is left out in one line', async () => {
    const run = await act({ job: 'ent/proj/myjob:latest', queue: 'failing-queue', run_id: 'old-item-fail' })
    assert.equal(run.code, 1, run.stdout)
    assert.equal(run.outputs.state, 'failed')
    assert.deepEqual(errors(run), [
      `The queue item ${run.outputs.queue_item_id} on failing-queue failed before W&B run old-item-fail started: no reason given`
    ])
    assert.equal(reasonLines(run).length, 1, run.stdout)
  })

  it('attach to a queue item: waits for the agent and the run, then passes', async () => {
    const pushed = await act({ job: 'ent/proj/myjob:latest', queue: 'q', run_id: 'old-attach', synchronous: 'false' })
    assert.equal(pushed.code, 0, pushed.stdout)
    const run = await act({ attach: pushed.outputs.queue_item_id!, queue: 'q' })
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.run_id, 'old-attach')
    assert.equal(run.outputs.state, 'finished')
  })

  it('cancel while running stops the run: it ends killed', async () => {
    const run = await act({ job: 'ent/proj/slowjob:latest', queue: 'q', run_id: 'old-cancel' }, /W&B run old-cancel is running/)
    assert.equal(run.code, 1, run.stdout)
    assert.equal(run.outputs.state, 'killed')
    assert.deepEqual(errors(run), [`Cancelled: W&B run old-cancel was stopped (${backend.url}/ent/proj/runs/old-cancel), state killed.`])
  })

  it('cancel while pending removes the item', async () => {
    const run = await act({ job: 'ent/proj/myjob:latest', queue: 'stuck-queue', run_id: 'old-cancel-pending' }, /Queued on stuck-queue/)
    assert.equal(run.code, 1, run.stdout)
    assert.match(errors(run)[0] ?? '', /^Cancelled before an agent started the run: it was removed from the queue/)
    assert.deepEqual(
      agentOps(run.outputs.queue_item_id!).map((op) => op.event),
      ['item_deleted']
    )
  })

  it("a push sent twice: the duplicate check falls back to the SDK's fields and says what it cannot see", async () => {
    // a slow agent: both items are still pending when the action looks, and no run spec to tell them by
    const slow = await startBackend({ agentDelay: 4, missingFields: ['PushToRunQueueByNamePayload.runSpec'] })
    const proxy = await startFaultProxy(slow.url, { drop_response: { match: 'pushToRunQueueByName', times: 1 } })
    try {
      const run = await startAction({
        fake: false,
        inputs: {
          python: REAL_PYTHON,
          base_url: proxy.url,
          entity: 'ent',
          project: 'proj',
          job: 'ent/proj/myjob:latest',
          queue: 'q',
          run_id: 'old-twice'
        },
        env: { ...realSdkEnv(), WANDB_API_KEY: BACKEND_KEY, WANDB_LAUNCH_ACTION_POLL_SECONDS: '0.2,0.5' },
        timeoutMs: 90_000
      })
      assert.equal(run.code, 0, run.stdout)
      assert.equal(run.outputs.state, 'finished')
      const said = run.stdout.split('\n').filter((l) => l.includes("does not show a queue item's run spec"))
      assert.equal(said.length, 1, run.stdout)
      assert.match(said[0]!, /a second item of run old-twice from a push sent twice is seen only once an agent has claimed it/)
    } finally {
      await proxy.stop()
      await slow.stop()
    }
  })
})

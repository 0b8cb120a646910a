// Queue mode with the real wandb SDK (0.30.0) against a backend that scopes and refuses as the real
// server does (the default profile: only the schema the SDK shows): a queue that is not there,
// a queue whose resource config has template variables, a queue of another entity (a launch
// config's queue_entity), and a removal the server refuses. The oplog shows what the server got.
import assert from 'node:assert/strict'

import { after, before, describe, it } from 'node:test'
import { errors, startAction, type ActionRun } from '../helpers/action.js'
import { BACKEND_KEY, REAL_PYTHON, realSdkEnv, startBackend, type Backend, readOplog, type BackendOp } from '../helpers/backend.js'

let backend: Backend
before(async () => {
  backend = await startBackend({ agentDelay: 0.5, env: { HARNESS_SLEEP: '30' } })
})
after(async () => backend.stop())

function enqueue(inputs: Record<string, string>, cancelOn?: RegExp): Promise<ActionRun> {
  let signalled = false
  return startAction({
    fake: false,
    inputs: { python: REAL_PYTHON, base_url: backend.url, entity: 'ent', project: 'proj', job: 'ent/proj/myjob:latest', ...inputs },
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
const pushes = (runId: string) =>
  oplog().filter((op) => op.kind === 'graphql' && op.op === 'pushToRunQueueByName' && JSON.stringify(op.variables).includes(runId))
const agentOps = (item: string) => oplog().filter((op) => op.kind === 'agent' && op.item === item)

describe('queue mode against a server that scopes and refuses (real SDK)', { concurrency: 2 }, () => {
  it('a queue that is not there: "not found", nothing pushed', async () => {
    const run = await enqueue({ queue: 'no-such-queue', run_id: 'qs-nf' })
    assert.equal(run.code, 1, run.stdout)
    assert.deepEqual(errors(run), ['Queue no-such-queue was not found for entity ent. Nothing was queued.'])
    assert.deepEqual(pushes('qs-nf'), [])
    // the server answered null for it: the queue is looked up in the entity and project it belongs to
    const looked = oplog().filter((op) => op.op === 'LaunchActionRunQueue' && JSON.stringify(op.variables).includes('no-such-queue'))
    assert.ok(looked.length >= 1 && looked.every((op) => (op.null_roots as string[]).length === 0), JSON.stringify(looked))
  })

  it("template variables that fit the queue's schemas are pushed with the item; the run finishes", async () => {
    const run = await enqueue({ queue: 'tv-queue', run_id: 'qs-tv-ok', template_variables: 'gpus: 2\nsize: large' })
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.state, 'finished')
    const [push, ...more] = pushes('qs-tv-ok')
    assert.deepEqual(more, [])
    assert.deepEqual(JSON.parse(String((push!.variables as Record<string, unknown>).templateVariableValues)), { gpus: 2, size: 'large' })
  })

  it('template variables that do not fit are an error naming each one; nothing is pushed', async () => {
    const run = await enqueue({ queue: 'tv-queue', run_id: 'qs-tv-bad', template_variables: 'gpus: 9\nsize: huge\nzone: eu' })
    assert.equal(run.code, 1, run.stdout)
    const [message] = errors(run)
    assert.match(message ?? '', /^template_variables do not fit the queue \(nothing was queued\):/)
    assert.match(message ?? '', /\n {2}- gpus: must be at most 8 \(queue tv-queue's schema\)/)
    assert.match(message ?? '', /\n {2}- size: must be one of small, large \(queue tv-queue's schema\)/)
    assert.match(message ?? '', /\n {2}- zone: queue tv-queue has no template variable zone \(it has: gpus, size\)/)
    assert.deepEqual(pushes('qs-tv-bad'), [])
  })

  it("a launch config's queue_entity: pushed to, followed in and removed from that entity's queue; the run is the run entity's", async () => {
    const config = JSON.stringify({ queue_entity: 'team' })
    const run = await enqueue({ queue: 'q', run_id: 'qs-qe-ok', config })
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.state, 'finished')
    assert.equal(run.outputs.run_url, `${backend.url}/ent/proj/runs/qs-qe-ok`)
    const [push] = pushes('qs-qe-ok')
    assert.equal((push!.variables as Record<string, unknown>).entityName, 'team')
    // the item was read in team's queue (an item of another entity's queue is null there)
    const reads = oplog().filter(
      (op) => op.op === 'GetRunQueueItem' && (op.variables as Record<string, unknown>).itemId === run.outputs.queue_item_id
    )
    assert.ok(reads.length > 0)
    for (const op of reads) assert.equal((op.variables as Record<string, unknown>).entityName, 'team')

    const cancelled = await enqueue({ queue: 'stuck-queue', run_id: 'qs-qe-cancel', config }, /Queued on stuck-queue/)
    assert.equal(cancelled.code, 1, cancelled.stdout)
    assert.match(errors(cancelled)[0] ?? '', /^Cancelled before an agent started the run: it was removed from the queue/)
    assert.deepEqual(
      agentOps(cancelled.outputs.queue_item_id!).map((op) => op.event),
      ['item_deleted']
    )
  })

  it('a removal the server refuses (success: false): the action says the item was not removed', async () => {
    const run = await enqueue({ queue: 'keep-queue', run_id: 'qs-keep', queue_timeout: '2s' })
    assert.equal(run.code, 1, run.stdout)
    const item = run.outputs.queue_item_id!
    const [message] = errors(run)
    assert.match(
      message ?? '',
      new RegExp(
        `^No agent picked up queue item ${item} on keep-queue within the queue_timeout of 2\\.0s: removing it failed, remove it by hand\\.`
      )
    )
    assert.match(message ?? '', /W&B did not remove queue item \S+ from keep-queue/)
    assert.deepEqual(
      agentOps(item).map((op) => op.event),
      ['item_kept']
    )
  })

  it('a failed item on a server without RunQueueItem.error: the step fails, the reason left out in one plain line', async () => {
    const run = await enqueue({ queue: 'failing-queue', run_id: 'qs-fail' })
    assert.equal(run.code, 1, run.stdout)
    assert.equal(run.outputs.state, 'failed')
    assert.deepEqual(errors(run), [
      `The queue item ${run.outputs.queue_item_id} on failing-queue failed before W&B run qs-fail started: no reason given`
    ])
    const said = run.stdout.split('\n').filter((l) => l.includes('does not report why a queue item failed'))
    assert.equal(said.length, 1, run.stdout)
  })
})

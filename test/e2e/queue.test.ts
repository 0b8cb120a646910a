// Queue mode end to end: the bundled action with the fake SDK (test/fake-sdk), whose in-process
// server (wandb/_fake_server.py) has a simulated launch agent that takes items after
// FAKE_WANDB_AGENT_DELAY seconds.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { errors, startAction, TEST_KEY, type ActionRun } from '../helpers/action.js'

const base = { api_key: TEST_KEY, entity: 'ent', project: 'proj' }
const fastPolls = { WANDB_LAUNCH_ACTION_POLL_SECONDS: '0.05,0.2', FAKE_WANDB_AGENT_DELAY: '0.2' }

function enqueue(inputs: Record<string, string>, options: { env?: Record<string, string>; cancelOn?: RegExp } = {}): Promise<ActionRun> {
  let signalled = false
  return startAction({
    inputs: { ...base, ...inputs },
    env: { ...fastPolls, ...options.env },
    onStdout: (text, child) => {
      if (options.cancelOn && !signalled && options.cancelOn.test(text)) {
        signalled = true
        child.kill('SIGTERM')
      }
    },
    timeoutMs: 30_000
  })
}

const calls = (run: ActionRun, call: string) => run.calls.filter((c) => c.call === call)
/** Progress lines: "[elapsed] text". */
const progress = (run: ActionRun) => [...run.stdout.matchAll(/^\[[^\]]+\] (.*)$/gm)].map((m) => m[1])

describe('queue mode: a run that finishes', async () => {
  const run = await enqueue(
    {
      job: 'ent/proj/ok:latest',
      queue: 'q',
      priority: 'critical',
      project_queue: 'team-queues',
      run_id: 'q-ok-1',
      name: 'nightly',
      entry_point: 'python train.py',
      resource_args: '{"kubernetes": {"namespace": "ml"}}',
      config: 'overrides:\n  run_config:\n    lr: 0.1\n    db_password: pa55word-xyz\n'
    },
    { env: { FAKE_WANDB_AGENT_DELAY: '1' } }
  ) // running for 1 s: the poll after the claim reads the run, and sees it running

  it('passes the step', () => assert.equal(run.code, 0, run.stdout))
  it('sets run_id, queue_item_id, run_url, entity, project, state', () => {
    assert.equal(run.outputs.run_id, 'q-ok-1')
    assert.equal(run.outputs.queue_item_id, calls(run, 'push')[0]?.item)
    assert.equal(run.outputs.run_url, 'https://wandb.ai/ent/proj/runs/q-ok-1')
    assert.equal(run.outputs.entity, 'ent')
    assert.equal(run.outputs.project, 'proj')
    assert.equal(run.outputs.state, 'finished')
    assert.equal(run.outputs.timed_out, 'false')
    assert.equal(run.outputs.backend_id, undefined)
  })
  it('checks the job and the queue before it pushes', () => {
    const order = run.calls.map((c) => (c.call === 'graphql' ? `graphql:${c.op}` : c.call))
    const push = order.indexOf('push')
    assert.ok(order.indexOf('artifact') < push && order.indexOf('artifact') >= 0)
    assert.ok(order.indexOf('graphql:LaunchActionRunQueue') < push)
    assert.deepEqual(calls(run, 'graphql').find((c) => c.op === 'LaunchActionRunQueue')?.variables, {
      entityName: 'ent',
      projectName: 'team-queues',
      queueName: 'q'
    })
  })
  it('one public API object for the checks, the push and the following; the job checked once, before the push', () => {
    assert.equal(calls(run, 'public_api').length, 1)
    assert.deepEqual(
      calls(run, 'artifact').map((c) => c.name),
      ['ent/proj/ok:latest']
    )
  })
  it('calls launch_add once with the SDK argument names; resource left to the queue', () => {
    const [add, ...more] = calls(run, 'launch_add')
    assert.equal(more.length, 0)
    assert.equal(add!.job, 'ent/proj/ok:latest')
    assert.equal(add!.queue_name, 'q')
    assert.equal(add!.priority, 0)
    assert.equal(add!.project_queue, 'team-queues')
    assert.equal(add!.run_id, 'q-ok-1')
    assert.equal(add!.name, 'nightly')
    assert.deepEqual(add!.entry_point, ['python', 'train.py'])
    assert.deepEqual(add!.resource_args, { kubernetes: { namespace: 'ml' } })
    assert.equal(add!.resource, null)
    assert.deepEqual(add!.config, { overrides: { run_config: { lr: 0.1, db_password: 'pa55word-xyz' } } })
  })
  it("never uses the SDK's waits", () => {
    for (const wait of ['wait_until_running', 'wait_until_finished', 'run_wait_until_finished']) {
      assert.deepEqual(calls(run, wait), [])
    }
  })
  it('logs one line per change', () => {
    assert.deepEqual(progress(run), [
      `Queued on q as item ${run.outputs.queue_item_id}: waiting for an agent to pick it up`,
      'Picked up by an agent: W&B run q-ok-1 is starting',
      'W&B run q-ok-1 is running',
      'W&B run q-ok-1 finished'
    ])
  })
  it('prints the launch spec redacted, and masks the secret-looking value', () => {
    assert.match(run.stdout, /'run_config': \{'db_password': '\*\*\*', 'lr': '\*\*\*'\}/)
    assert.match(run.stdout, /'resource_args': \{'kubernetes': \{'namespace': '\*\*\*'\}\}/)
    assert.match(run.stdout, /'job': 'ent\/proj\/ok:latest'/)
    assert.match(run.stdout, /^::add-mask::pa55word-xyz$/m)
    assert.equal(run.stdout.split('pa55word-xyz').length, 2, 'only in the add-mask command')
  })
  it('writes a summary with the queue and the item', () => {
    assert.match(run.summary, /Queue<\/th><td>team-queues\/q/)
    assert.match(run.summary, new RegExp(`Queue item</th><td>${run.outputs.queue_item_id}`))
    assert.match(run.summary, /✅ finished/)
  })
})

describe('queue mode: runs that do not finish fail the step', () => {
  for (const [what, inputs, state] of [
    ['a failed run', { job: 'e/p/fail:latest', queue: 'q' }, 'failed'],
    ['a crashed run', { job: 'e/p/ok:latest', queue: 'crash-queue' }, 'crashed'],
    ['a killed run', { job: 'e/p/ok:latest', queue: 'kill-queue' }, 'killed'],
    ['a preempted run', { job: 'e/p/ok:latest', queue: 'preempt-queue' }, 'preempted']
  ] as const) {
    it(`${what}: the run, its state and URL are named`, async () => {
      const run = await enqueue({ ...inputs, run_id: `q-${state}` })
      assert.equal(run.code, 1, run.stdout)
      assert.equal(run.outputs.state, state)
      // the verdict, then (issue 13) the last lines of the run's output.log (test/e2e/follow.test.ts)
      const [annotation, ...more] = errors(run)
      assert.deepEqual(more, [])
      assert.equal(annotation?.split('\n')[0], `W&B run q-${state} ${state} (https://wandb.ai/ent/proj/runs/q-${state}).`)
      assert.match(annotation ?? '', /\nLast 20 lines of its output\.log:\n/)
      assert.match(run.summary, new RegExp(`❌ ${state}`))
      if (state === 'preempted') assert.ok(progress(run).includes('W&B run q-preempted is being preempted'))
    })
  }

  it('a failed queue item: the item error is the message', async () => {
    const run = await enqueue({ job: 'e/p/ok:latest', queue: 'failing-queue', run_id: 'q-item' })
    assert.equal(run.code, 1, run.stdout)
    assert.equal(run.outputs.state, 'failed')
    // the error, then (issue 13) its stage and files
    assert.deepEqual(errors(run), [
      `The queue item ${run.outputs.queue_item_id} on failing-queue failed before W&B run q-item started: fake agent: could not start e/p/ok:latest\nStage: agent\nFiles: /tmp/agent-item.log`
    ])
    assert.ok(progress(run).includes('The queue item failed before its run started: fake agent: could not start e/p/ok:latest'))
  })
})

describe('queue mode: waiting ends', () => {
  it('no agent within queue_timeout: the item is removed, the step fails', async () => {
    const run = await enqueue({ job: 'e/p/ok:latest', queue: 'stuck-queue', queue_timeout: '1s', run_id: 'q-stuck' })
    assert.equal(run.code, 1, run.stdout)
    assert.deepEqual(errors(run), [
      `No agent picked up queue item ${run.outputs.queue_item_id} on stuck-queue within the queue_timeout of 1.0s: it was removed from the queue.`
    ])
    assert.deepEqual(
      calls(run, 'delete_item').map((c) => [c.item, c.state]),
      [[run.outputs.queue_item_id, 'PENDING']]
    )
    assert.equal(run.outputs.timed_out, 'true')
    assert.equal(run.outputs.state, 'pending')
    assert.ok(run.seconds < 15, `${run.seconds}s: queue_timeout is 1 s`)
  })

  it('queue_timeout does not apply once an agent has the item', async () => {
    const run = await enqueue(
      { job: 'e/p/ok:latest', queue: 'q', queue_timeout: '1s', run_id: 'q-qt-ok' },
      { env: { FAKE_WANDB_AGENT_DELAY: '0.6' } }
    )
    assert.equal(run.code, 0, run.stdout)
    assert.deepEqual(calls(run, 'delete_item'), [])
  })

  it('cancel while pending removes the item', async () => {
    const run = await enqueue({ job: 'e/p/ok:latest', queue: 'stuck-queue', run_id: 'q-cp' }, { cancelOn: /Queued on stuck-queue/ })
    assert.equal(run.code, 1, run.stdout)
    assert.deepEqual(
      calls(run, 'delete_item').map((c) => c.item),
      [run.outputs.queue_item_id]
    )
    assert.deepEqual(errors(run), [
      `Cancelled before an agent started the run: it was removed from the queue (queue item ${run.outputs.queue_item_id} on stuck-queue, state pending).`
    ])
    assert.equal(run.outputs.run_id, 'q-cp')
  })

  it('cancel while running stops the run through the API: killed', async () => {
    const run = await enqueue({ job: 'e/p/forever:latest', queue: 'q', run_id: 'q-cr' }, { cancelOn: /W&B run q-cr is running/ })
    assert.equal(run.code, 1, run.stdout)
    assert.deepEqual(
      calls(run, 'stop_run').map((c) => [c.run, c.state]),
      [['q-cr', 'running']]
    )
    assert.deepEqual(calls(run, 'delete_item'), [])
    assert.equal(run.outputs.state, 'killed')
    assert.deepEqual(errors(run), ['Cancelled: W&B run q-cr was stopped (https://wandb.ai/ent/proj/runs/q-cr), state killed.'])
  })

  it('timeout while pending removes the item; while running stops the run', async () => {
    const [pending, running] = await Promise.all([
      enqueue({ job: 'e/p/ok:latest', queue: 'stuck-queue', timeout: '1s', run_id: 'q-tp' }),
      enqueue({ job: 'e/p/forever:latest', queue: 'q', timeout: '1s', run_id: 'q-tr' })
    ])
    assert.equal(pending.code, 1)
    assert.match(errors(pending)[0] ?? '', /^Timed out after 1\.0s before an agent started the run: it was removed from the queue/)
    assert.equal(calls(pending, 'delete_item').length, 1)
    assert.equal(pending.outputs.timed_out, 'true')
    assert.equal(running.code, 1)
    assert.match(errors(running)[0] ?? '', /^Timed out after 1\.0s: W&B run q-tr was stopped .*, state killed\.$/)
    assert.equal(calls(running, 'stop_run').length, 1)
    assert.equal(running.outputs.timed_out, 'true')
  })

  it('synchronous false returns once queued, with the item state', async () => {
    const run = await enqueue({ job: 'e/p/ok:latest', queue: 'stuck-queue', synchronous: 'false', run_id: 'q-async' })
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.state, 'pending')
    assert.equal(run.outputs.run_id, 'q-async')
    assert.ok(run.outputs.queue_item_id)
    assert.deepEqual(calls(run, 'delete_item'), [])
  })

  it('transient API errors are retried and logged once', async () => {
    const run = await enqueue({ job: 'e/p/ok:latest', queue: 'q', run_id: 'q-flaky' }, { env: { FAKE_WANDB_FLAKY: '3' } })
    assert.equal(run.code, 0, run.stdout)
    assert.deepEqual(
      progress(run).filter((l) => l?.startsWith('The W&B API failed')),
      ['The W&B API failed, retrying: HTTP 503: Service Unavailable']
    )
  })
})

describe('queue mode: nothing is pushed when', () => {
  it('the job does not exist', async () => {
    const run = await enqueue({ job: 'e/p/missing:latest', queue: 'q' })
    assert.equal(run.code, 1)
    assert.match(errors(run)[0] ?? '', /^Job missing:latest was not found in e\/p: .* Nothing was queued\.\nwandb said: /)
    assert.equal(run.outputs.state, 'not_launched')
    assert.deepEqual(calls(run, 'push'), [])
    assert.deepEqual(calls(run, 'launch_add'), [])
    assert.equal(run.outputs.queue_item_id, undefined)
  })
  it('the queue does not exist', async () => {
    const run = await enqueue({ job: 'e/p/ok:latest', queue: 'missing-queue', project_queue: 'teamproj' })
    assert.equal(run.code, 1)
    assert.deepEqual(errors(run), ['Queue missing-queue was not found for entity ent (project_queue teamproj). Nothing was queued.'])
    assert.deepEqual(calls(run, 'push'), [])
  })
  it('template variables do not fit the queue: every problem named', async () => {
    const run = await enqueue({
      job: 'e/p/ok:latest',
      queue: 'templated-queue',
      template_variables: '{"gpus": 16, "gpu_type": "v100", "zone": "eu"}'
    })
    assert.equal(run.code, 1)
    assert.deepEqual(errors(run), [
      'template_variables do not fit the queue (nothing was queued):\n' +
        "  - gpus: must be at most 8 (queue templated-queue's schema)\n" +
        "  - gpu_type: must be one of a100, h100 (queue templated-queue's schema)\n" +
        '  - zone: queue templated-queue has no template variable zone (it has: gpu_type, gpus, mem_gb)'
    ])
    assert.deepEqual(calls(run, 'push'), [])
  })
  it('launch_add fails after its push: the item it left is removed', async () => {
    const run = await enqueue({ job: 'e/p/ok:latest', queue: 'q' }, { env: { FAKE_WANDB_QUEUED_RUN_ERROR: 'HTTP 400: no such item view' } })
    assert.equal(run.code, 1)
    const [push] = calls(run, 'push')
    assert.ok(push)
    assert.deepEqual(
      calls(run, 'delete_item').map((c) => c.item),
      [push.item]
    )
    assert.match(errors(run)[0] ?? '', /^HTTP 400: no such item view \(the queue item \S+ it had pushed was removed again\)$/)
  })
})

describe('queue mode: template variables that fit', async () => {
  const run = await enqueue({
    job: 'e/p/ok:latest',
    queue: 'templated-queue',
    template_variables: 'gpus: "4"\ngpu_type: h100\nmem_gb: 64\n'
  })
  it('are converted by the schema and pushed', () => {
    assert.equal(run.code, 0, run.stdout)
    assert.deepEqual(calls(run, 'push')[0]?.template_variables, { gpus: 4, gpu_type: 'h100', mem_gb: 64 })
  })
})

describe('queue mode: input errors, all at once, nothing launched', () => {
  it('queue-only inputs without a queue', async () => {
    const run = await startAction({
      inputs: { ...base, job: 'e/p/ok:latest', priority: 'high', template_variables: 'a: 1', project_queue: 'p', queue_timeout: '5m' }
    })
    assert.equal(run.code, 1)
    assert.deepEqual(errors(run), [
      'Invalid inputs (nothing was launched):\n' +
        '  - priority: applies only to queue mode: it needs queue\n' +
        '  - template_variables: applies only to queue mode: it needs queue\n' +
        '  - project_queue: applies only to queue mode: it needs queue\n' +
        '  - queue_timeout: applies only to queue mode: it needs queue'
    ])
    assert.deepEqual(run.calls, [])
  })
  it('bad values, and queue_timeout without waiting', async () => {
    const run = await startAction({
      inputs: {
        ...base,
        job: 'e/p/ok:latest',
        queue: 'my queue',
        priority: 'urgent',
        template_variables: '{"gpus": [1, 2]}',
        queue_timeout: 'soon',
        synchronous: 'false'
      }
    })
    assert.equal(run.code, 1)
    assert.deepEqual(errors(run), [
      'Invalid inputs (nothing was launched):\n' +
        '  - queue: must be a queue name without spaces\n' +
        "  - priority: must be one of critical, high, medium, low, or launch_add's number for it, 0 (critical) to 3 (low)\n" +
        '  - template_variables: gpus must be a string or a number, got a list\n' +
        '  - queue_timeout: must be a positive duration: minutes (90) or with units (45m, 2h, 1h30m, 30s)'
    ])
    assert.deepEqual(run.calls, [])
  })
  it('queue_timeout with synchronous false', async () => {
    const run = await startAction({ inputs: { ...base, job: 'e/p/ok:latest', queue: 'q', queue_timeout: '5m', synchronous: 'false' } })
    assert.equal(run.code, 1)
    assert.deepEqual(errors(run), [
      'Invalid inputs (nothing was launched):\n  - queue_timeout: applies only while waiting for an agent: it needs synchronous: true'
    ])
  })
})

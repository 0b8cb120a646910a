// Faults with the real SDK (0.30.0): test/fault-proxy stands between the SDK and test/backend as
// base_url, and refuses connections, kills, hangs, delays or drops answers while the action runs.
// Each test asserts the bound: seconds from SIGINT (or the timeout) to the action's exit, items
// left on the queue, processes left behind. The simulated agent and the jobs talk to the backend
// directly, so runs go on.
import assert from 'node:assert/strict'
import type { ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { alive, errors, startAction, waitFor, type ActionRun } from '../helpers/action.js'
import { BACKEND_KEY, REAL_PYTHON, realSdkEnv, startBackend, type Backend, readOplog, type BackendOp } from '../helpers/backend.js'
import { startFaultProxy, type Faults, type FaultProxy } from '../helpers/fault-proxy.js'
import { processesWith } from '../helpers/procs.js'

/** The action's promise: from SIGINT or the timeout to its exit, whatever the backend does. */
const CANCEL_BOUND_SECONDS = 5
const measured: string[] = []

let backend: Backend
before(async () => {
  backend = await startBackend({ agentDelay: 0.5, env: { HARNESS_SLEEP: '60' } })
})
after(async () => {
  await backend.stop()
  for (const line of measured) console.log(line)
})

function oplog(b = backend): BackendOp[] {
  return readOplog(b)
}
const agentOps = (item: string, b = backend) => oplog(b).filter((op) => op.kind === 'agent' && op.item === item)

/** A backend that is down: refusing connections (nothing listens), closing them without an
 *  answer, or holding them without ever answering. */
const BACKEND_DOWN = [
  ['refused', { refuse: true }],
  ['dead', { dead: true }],
  ['hanging', { hang: true }]
] as const satisfies ReadonlyArray<readonly [string, Faults]>

interface Faulted {
  run: ActionRun
  /** Seconds from the signal (or the fault, for a timeout) to the action's exit. */
  seconds: number
  marker: string
  /** The proxy's request count when the faults were set. */
  requestsAtFault: number
}

/** With `refuse`, no request may have reached the proxy after the fault: the SDK met refused
 *  connections, not answers. */
async function assertRefusedAll(proxy: FaultProxy, what: string, requestsAtFault: number): Promise<void> {
  if (what === 'refused') assert.equal((await proxy.stats()).requests, requestsAtFault, 'every connection after the fault was refused')
}

/**
 * Runs the action through a fault proxy; once its output matches `when`, the faults are set and
 * then, unless `signal` is null, the signal is sent.
 */
async function withFault(
  proxy: FaultProxy,
  inputs: Record<string, string>,
  when: RegExp,
  faults: Faults,
  signal: NodeJS.Signals | null = 'SIGINT',
  env: Record<string, string> = {}
): Promise<Faulted> {
  const marker = `fault-test-${randomUUID()}`
  let from = 0
  let fired = false
  let requestsAtFault = -1
  const run = await startAction({
    fake: false,
    inputs: { python: REAL_PYTHON, base_url: proxy.url, entity: 'ent', project: 'proj', ...inputs },
    env: { ...realSdkEnv(), WANDB_API_KEY: BACKEND_KEY, WANDB_LAUNCH_ACTION_POLL_SECONDS: '0.2,0.5', FAULT_TEST_MARKER: marker, ...env },
    onStdout: (text, child: ChildProcess) => {
      if (fired || !when.test(text)) return
      fired = true
      void (async () => {
        await proxy.set(faults)
        requestsAtFault = (await proxy.stats()).requests
        from = Date.now()
        if (signal) child.kill(signal)
      })()
    },
    timeoutMs: 90_000
  })
  return { run, seconds: (Date.now() - from) / 1000, marker, requestsAtFault }
}

async function noneLeft(marker: string): Promise<string[]> {
  // wandb-core notices its parent is gone within about a second
  const end = Date.now() + 3_000
  let left = processesWith(marker)
  while (left.length && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100))
    left = processesWith(marker)
  }
  return left
}

describe('cancel with a backend that refuses, drops or hangs (real SDK)', { concurrency: 1 }, () => {
  let proxy: FaultProxy
  before(async () => {
    proxy = await startFaultProxy(backend.url)
  })
  after(async () => proxy.stop())

  for (const [what, faults] of BACKEND_DOWN) {
    it(`queue mode, run running, backend ${what}: SIGINT to exit within ${CANCEL_BOUND_SECONDS} s, state unconfirmed`, async () => {
      await proxy.set({})
      const runId = `fault-run-${what}`
      const f = await withFault(
        proxy,
        { job: 'ent/proj/slowjob:latest', queue: 'q', run_id: runId },
        new RegExp(`W&B run ${runId} is running`),
        faults
      )
      measured.push(`cancel to exit, queue mode, backend ${what}: ${f.seconds.toFixed(2)} s`)
      assert.equal(f.run.code, 1, f.run.stdout)
      assert.ok(f.seconds <= CANCEL_BOUND_SECONDS, `exited ${f.seconds}s after SIGINT`)
      assert.equal(f.run.outputs.state, 'unconfirmed')
      await assertRefusedAll(proxy, what, f.requestsAtFault)
      assert.match(
        errors(f.run)[0] ?? '',
        new RegExp(`^Cancelled: could not confirm the run was stopped: ${proxy.url}/ent/proj/runs/${runId}\\. `)
      )
      assert.match(f.run.summary, /could not confirm the run was stopped/)
      assert.deepEqual(await noneLeft(f.marker), [], 'no bridge or wandb-core is left')
      // the server never heard the stop: the run still runs there
      const stopped = agentOps(f.run.outputs.queue_item_id!).filter((op) => op.by === 'stopRun')
      assert.deepEqual(stopped, [])
    })

    it(`queue mode, item pending, backend ${what}: SIGINT to exit within ${CANCEL_BOUND_SECONDS} s, the item is said to be left`, async () => {
      await proxy.set({})
      const runId = `fault-pending-${what}`
      const f = await withFault(
        proxy,
        { job: 'ent/proj/myjob:latest', queue: 'stuck-queue', run_id: runId },
        /Queued on stuck-queue/,
        faults
      )
      measured.push(`cancel to exit, queue item pending, backend ${what}: ${f.seconds.toFixed(2)} s`)
      assert.equal(f.run.code, 1, f.run.stdout)
      assert.ok(f.seconds <= CANCEL_BOUND_SECONDS, `exited ${f.seconds}s after SIGINT`)
      assert.match(errors(f.run)[0] ?? '', /^Cancelled before an agent started the run: removing it failed, remove it by hand/)
      assert.deepEqual(
        agentOps(f.run.outputs.queue_item_id!).map((op) => op.event),
        [],
        'the item is still on the queue, as said'
      )
      await assertRefusedAll(proxy, what, f.requestsAtFault)
      assert.deepEqual(await noneLeft(f.marker), [])
    })
  }

  it(`queue mode, timeout while the backend hangs: exit within ${CANCEL_BOUND_SECONDS} s of the timeout`, async () => {
    await proxy.set({})
    const runId = 'fault-timeout'
    const f = await withFault(
      proxy,
      { job: 'ent/proj/myjob:latest', queue: 'stuck-queue', run_id: runId, timeout: '3s' },
      /Queued on stuck-queue/,
      { hang: true },
      null
    )
    const queuedAt = Date.now() - f.seconds * 1000
    // the timeout counts from the push, just before "Queued on": 3 s + the bound
    const afterTimeout = (Date.now() - queuedAt) / 1000 - 3
    measured.push(`timeout to exit, queue item pending, backend hanging: ${afterTimeout.toFixed(2)} s`)
    assert.equal(f.run.code, 1, f.run.stdout)
    assert.ok(afterTimeout <= CANCEL_BOUND_SECONDS, `exited ${afterTimeout}s after the timeout`)
    assert.equal(f.run.outputs.timed_out, 'true')
    assert.deepEqual(await noneLeft(f.marker), [])
  })

  for (const [what, faults] of BACKEND_DOWN) {
    it(`direct local-process, backend ${what}: SIGINT to exit within ${CANCEL_BOUND_SECONDS} s, the job is gone`, async () => {
      await proxy.set({})
      const runId = `fault-local-${what}`
      let job: { pid: number } | undefined
      let requestsAtFault = -1
      const marker = `fault-test-${randomUUID()}`
      let from = 0
      const run = await startAction({
        fake: false,
        inputs: {
          job: 'ent/proj/slowjob:latest',
          resource: 'local-process',
          python: REAL_PYTHON,
          base_url: proxy.url,
          entity: 'ent',
          project: 'proj',
          run_id: runId
        },
        env: { ...realSdkEnv(), WANDB_API_KEY: BACKEND_KEY, HARNESS_OUT_DIR: '{dir}/jobs', FAULT_TEST_MARKER: marker },
        onStart: (child, dir) => {
          void (async () => {
            const file = await waitFor(
              'the job to start',
              () => readdirSync(path.join(dir, 'jobs')).find((n) => n.startsWith('env-slowjob-')),
              60_000
            )
            job = await waitFor('its dump', () => {
              try {
                return JSON.parse(readFileSync(path.join(dir, 'jobs', file), 'utf8')) as { pid: number }
              } catch {
                return undefined
              }
            })
            await proxy.set(faults)
            requestsAtFault = (await proxy.stats()).requests
            from = Date.now()
            child.kill('SIGINT')
          })()
        },
        timeoutMs: 90_000
      })
      const seconds = (Date.now() - from) / 1000
      measured.push(`cancel to exit, direct local-process, backend ${what}: ${seconds.toFixed(2)} s`)
      assert.equal(run.code, 1, run.stdout)
      assert.ok(seconds <= CANCEL_BOUND_SECONDS, `exited ${seconds}s after SIGINT`)
      assert.equal(run.outputs.state, 'stopped')
      assert.ok(job && !alive(job.pid), 'the job is gone')
      await assertRefusedAll(proxy, what, requestsAtFault)
      assert.deepEqual(await noneLeft(marker), [])
    })
  }
})

describe('queue mode: the action killed outright (real SDK)', () => {
  it('the bridge notices, stops the run through the API and leaves', async () => {
    const marker = `fault-test-${randomUUID()}`
    const runId = 'fault-orphan'
    let killedAt = 0
    const run = await startAction({
      fake: false,
      inputs: {
        python: REAL_PYTHON,
        base_url: backend.url,
        entity: 'ent',
        project: 'proj',
        job: 'ent/proj/slowjob:latest',
        queue: 'q',
        run_id: runId
      },
      env: { ...realSdkEnv(), WANDB_API_KEY: BACKEND_KEY, WANDB_LAUNCH_ACTION_POLL_SECONDS: '0.2,0.5', FAULT_TEST_MARKER: marker },
      onStdout: (text, child) => {
        if (!killedAt && new RegExp(`W&B run ${runId} is running`).test(text)) {
          killedAt = Date.now()
          child.kill('SIGKILL') // as the runner does after its grace, with no signal for the bridge
        }
      },
      timeoutMs: 60_000
    })
    assert.equal(run.signal, 'SIGKILL')
    const item = run.outputs.queue_item_id!
    const stopped = await waitFor('stopRun from the orphaned bridge', () => agentOps(item).find((op) => op.by === 'stopRun'), 15_000)
    const seconds = (stopped.ts as number) - killedAt / 1000
    measured.push(`action SIGKILLed to stopRun, queue mode: ${seconds.toFixed(2)} s`)
    assert.equal(stopped.to, 'killed')
    assert.deepEqual(await noneLeft(marker), [], 'the bridge and wandb-core leave after it')
  })
})

describe('queue mode: a push whose answer was lost (real SDK)', () => {
  it('the SDK sends it again; the action removes the second item and follows one run', async () => {
    // a slow agent: both items are still pending when the action looks
    // the duplicate check reads the items' run specs: a server that has RunQueueItem.runSpec
    const slow = await startBackend({ agentDelay: 4, withUnverified: true })
    const proxy = await startFaultProxy(slow.url, { drop_response: { match: 'pushToRunQueueByName', times: 1 } })
    try {
      const runId = 'fault-lost-push'
      const run = await startAction({
        fake: false,
        inputs: {
          python: REAL_PYTHON,
          base_url: proxy.url,
          entity: 'ent',
          project: 'proj',
          job: 'ent/proj/myjob:latest',
          queue: 'q',
          run_id: runId
        },
        env: { ...realSdkEnv(), WANDB_API_KEY: BACKEND_KEY, WANDB_LAUNCH_ACTION_POLL_SECONDS: '0.2,0.5' },
        timeoutMs: 90_000
      })
      assert.equal(run.code, 0, run.stdout)
      assert.equal(run.outputs.state, 'finished')
      const ops = oplog(slow)
      const pushed = ops.filter((op) => op.kind === 'graphql' && op.op === 'pushToRunQueueByName')
      assert.equal(pushed.length, 2, 'the lost answer made the SDK push twice')
      assert.equal((await proxy.stats()).dropped, 1)
      const deleted = ops.filter((op) => op.kind === 'agent' && op.event === 'item_deleted').map((op) => op.item)
      const claimed = ops.filter((op) => op.kind === 'agent' && op.to === 'CLAIMED').map((op) => op.item)
      assert.equal(deleted.length, 1, 'one item was removed')
      assert.deepEqual(claimed, [run.outputs.queue_item_id], 'only the item followed was run')
      assert.match(
        run.stdout,
        /The push was sent twice \(its first answer was lost\): queue item \S+ for the same run fault-lost-push removed/
      )
    } finally {
      await proxy.stop()
      await slow.stop()
    }
  })
})

describe('queue mode with a flaky backend (real SDK)', () => {
  it('a fifth of the requests answered 503: the run is still followed to its end', async () => {
    const proxy = await startFaultProxy(backend.url, { error_rate: 0.2, seed: 7 })
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
          run_id: 'fault-flaky'
        },
        env: { ...realSdkEnv(), WANDB_API_KEY: BACKEND_KEY, WANDB_LAUNCH_ACTION_POLL_SECONDS: '0.2,0.5' },
        timeoutMs: 120_000
      })
      assert.equal(run.code, 0, run.stdout)
      assert.equal(run.outputs.state, 'finished')
      assert.ok((await proxy.stats()).errors > 0, 'the proxy did answer 503')
    } finally {
      await proxy.stop()
    }
  })
})

describe('queue mode: the backend down while the run is followed (real SDK)', () => {
  // The first failure is told at once, then once per report interval (a minute; 3 s here), not at
  // every poll and not never; once the backend is back, the run is followed again.
  it('is reported at once and then once per interval, with how long it has failed; the follow goes on after', async () => {
    const proxy = await startFaultProxy(backend.url)
    try {
      let fired = false
      const run = await startAction({
        fake: false,
        inputs: {
          python: REAL_PYTHON,
          base_url: proxy.url,
          entity: 'ent',
          project: 'proj',
          job: 'ent/proj/slowjob:latest',
          queue: 'q',
          run_id: 'fault-followed'
        },
        env: {
          ...realSdkEnv(),
          WANDB_API_KEY: BACKEND_KEY,
          WANDB_LAUNCH_ACTION_POLL_SECONDS: '0.2,0.5',
          WANDB_LAUNCH_ACTION_CALL_SECONDS: '1',
          WANDB_LAUNCH_ACTION_ERROR_REPORT_SECONDS: '3'
        },
        onStdout: (text, child: ChildProcess) => {
          if (fired || !/W&B run fault-followed is running/.test(text)) return
          fired = true
          void (async () => {
            await proxy.set({ refuse: true })
            await new Promise((r) => setTimeout(r, 7_000))
            await proxy.set({})
            await new Promise((r) => setTimeout(r, 3_000)) // the follow goes on: a poll or two
            child.kill('SIGINT')
          })()
        },
        timeoutMs: 90_000
      })
      const lines = run.stdout.split('\n')
      const reports = lines.filter((l) => /The W&B API failed, retrying: .*no answer from W&B within 1\.0s/.test(l))
      // polls every ~1.5 s (a 1 s call, then 0.5 s): at every poll would be 4 or more
      assert.ok(reports.length >= 2 && reports.length <= 3, `${reports.length} reports in 7 s:\n${reports.join('\n')}`)
      assert.doesNotMatch(reports[0]!, /failing for/)
      assert.match(reports[1]!, /\(failing for [3-5]s\)$/)
      const lastReport = lines.lastIndexOf(reports.at(-1)!)
      assert.ok(
        lines.slice(lastReport).some((l) => /W&B run fault-followed is running/.test(l)),
        'followed again once the backend answered'
      )
      assert.equal(run.outputs.run_id, 'fault-followed')
    } finally {
      await proxy.stop()
    }
  })
})

describe('cancel while the SDK logs in or fetches the job, slow backend (real SDK)', { concurrency: 1 }, () => {
  // Every request waits 8 s at the proxy: the SDK's login (wandb.Api's Viewer) and the job's
  // fetch each take longer than the runner's 7.5 s grace.
  const SLOW = 8
  /** Well under the bridge's watchdog (4.2 s), which would otherwise end the wait. */
  const NOTHING_TO_STOP_SECONDS = 3
  let proxy: FaultProxy
  before(async () => {
    proxy = await startFaultProxy(backend.url, { delay: SLOW })
  })
  after(async () => proxy.stop())

  /** SIGINT once the bridge waits on a GraphQL request and its output says where it is. */
  async function cancelWhileHeld(
    inputs: Record<string, string>,
    where: RegExp
  ): Promise<Omit<Faulted, 'requestsAtFault'> & { jobs: string }> {
    const marker = `fault-test-${randomUUID()}`
    const jobs = mkdtempSync(path.join(tmpdir(), 'fault-setup-jobs-'))
    let from = 0
    let stdout = ''
    const run = await startAction({
      fake: false,
      inputs: { python: REAL_PYTHON, base_url: proxy.url, entity: 'ent', project: 'proj', ...inputs },
      env: { ...realSdkEnv(), WANDB_API_KEY: BACKEND_KEY, HARNESS_OUT_DIR: jobs, FAULT_TEST_MARKER: marker },
      onStdout: (text) => void (stdout = text),
      onStart: (child) => {
        void (async () => {
          for (;;) {
            const held = (await proxy.stats()).waiting.some((r) => r.startsWith('POST /graphql'))
            if (held && where.test(stdout)) break
            if (child.exitCode !== null) return
            await new Promise((r) => setTimeout(r, 50))
          }
          from = Date.now()
          child.kill('SIGINT')
        })()
      },
      timeoutMs: 120_000
    })
    return { run, seconds: (Date.now() - from) / 1000, marker, jobs }
  }

  for (const [what, inputs, where] of [
    [
      'direct local-process, during the login',
      { job: 'ent/proj/myjob:latest', resource: 'local-process', run_id: 'setup-login' },
      /Loaded credentials/
    ],
    [
      'direct local-process, during the job fetch',
      { job: 'ent/proj/myjob:latest', resource: 'local-process', run_id: 'setup-fetch' },
      /Launching job: ent\/proj\/myjob/
    ],
    ['queue mode, during the login', { job: 'ent/proj/myjob:latest', queue: 'q', run_id: 'setup-queue' }, /Loaded credentials/]
  ] as const) {
    it(`${what}: SIGINT to exit within ${CANCEL_BOUND_SECONDS} s, nothing launched`, async () => {
      const f = await cancelWhileHeld(inputs, where)
      measured.push(`cancel to exit, ${what} (each request ${SLOW} s): ${f.seconds.toFixed(2)} s`)
      assert.ok(f.seconds > 0, `the signal was sent: ${f.run.stdout}`)
      assert.equal(f.run.code, 1, f.run.stdout)
      assert.ok(f.seconds <= CANCEL_BOUND_SECONDS, `exited ${f.seconds}s after SIGINT`)
      // nothing was launched, so nothing is waited for: not even the bridge's watchdog (4.2 s)
      assert.ok(f.seconds <= NOTHING_TO_STOP_SECONDS, `exited ${f.seconds}s after SIGINT: the cancel waited on the SDK's call`)
      assert.deepEqual(errors(f.run), ['Cancelled before the run was submitted: nothing was launched.'])
      assert.equal(f.run.outputs.state, 'not_launched')
      assert.equal(f.run.outputs.timed_out, 'false')
      assert.match(f.run.summary, /not_launched \(cancelled\)/)
      assert.deepEqual(await noneLeft(f.marker), [], 'no bridge or wandb-core is left')
      // what the SDK had sent before the cancel still reaches the server: nothing may start
      await new Promise((r) => setTimeout(r, (SLOW + 1) * 1000))
      assert.deepEqual(readdirSync(f.jobs), [], 'no job ran')
      const pushed = oplog().filter(
        (op) => op.kind === 'graphql' && String(op.op).startsWith('pushToRunQueue') && JSON.stringify(op).includes(inputs.run_id)
      )
      assert.deepEqual(pushed, [], 'nothing was queued')
    })
  }
})

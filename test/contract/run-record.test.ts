// Real W&B runs (ent/proj/metricjob calls wandb.init on the real SDK 0.30.0) launched through the
// action, then read back with the real SDK's public API: the run ends in W&B as the job ended,
// and the action's run_record says the same.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { type ActionRun } from '../helpers/action.js'
import { REAL_PYTHON, startBackend, type Backend } from '../helpers/backend.js'
import { launchAndKillMetricJob, launchMetricJob, readBack, type PublicRun } from '../helpers/metric-job.js'

const METRICS = { 'eval/acc': 0.93, loss: 0.25, lr: 0.001 }

function assertLoggedRun(run: PublicRun): void {
  assert.equal(run.state, 'finished')
  for (const [key, value] of Object.entries(METRICS)) assert.equal(run.summary[key], value, key)
  assert.equal(run.history.length, 5)
  assert.deepEqual(
    run.history.map((row) => row._step),
    [0, 1, 2, 3, 4]
  )
  assert.equal(run.history[4]!['eval/acc'], 0.93)
  for (let i = 1; i <= 5; i++) assert.match(run.log, new RegExp(`\\[metricjob\\] step ${i}/5 `))
}

describe('a real run in direct mode (local-process)', () => {
  let backend: Backend
  let run: ActionRun
  before(async () => {
    backend = await startBackend({ entrypoint: REAL_PYTHON })
    run = await launchMetricJob(
      backend,
      { resource: 'local-process' },
      'contract-metrics-1',
      { metrics: METRICS, steps: 5, seconds_per_step: 0.1 },
      { env: { HARNESS_OUT_DIR: '{dir}/jobs' } }
    )
  })
  after(async () => backend.stop())

  it('passes the step with state finished', () => {
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.state, 'finished')
  })
  it('W&B has the run finished, with the summary, 5 history rows and the printed lines', () => {
    assertLoggedRun(readBack(backend, 'contract-metrics-1'))
  })
  it("the job ran with a wandb-core of its own, not the launcher's", () => {
    const job = JSON.parse(readFileSync(path.join(run.dir, 'jobs', 'env-metricjob-contract-metrics-1.json'), 'utf8'))
    assert.equal(job.env.WANDB_RUN_ID, 'contract-metrics-1')
    // dumped after wandb.init, which names the service it started: "3-<pid of its starter>-..."
    assert.match(job.env.WANDB_SERVICE ?? '', new RegExp(`^3-${job.pid}-`))
  })
  it('reads the run back without a warning', () => assert.doesNotMatch(run.stdout, /::warning::/))
})

describe('a real run in queue mode', () => {
  let backend: Backend
  let run: ActionRun
  before(async () => {
    backend = await startBackend({ entrypoint: REAL_PYTHON, agentDelay: 0.5 })
    run = await launchMetricJob(
      backend,
      { queue: 'default' },
      'contract-metrics-q1',
      { metrics: METRICS, steps: 5 },
      { env: { WANDB_LAUNCH_ACTION_POLL_SECONDS: '0.2,0.5' } }
    )
  })
  after(async () => backend.stop())

  it('passes the step with state finished', () => {
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.state, 'finished')
  })
  it('W&B has the run finished, with the summary, 5 history rows and the printed lines', () => {
    assertLoggedRun(readBack(backend, 'contract-metrics-q1'))
  })
})

describe('a real run whose job is killed with SIGKILL mid-run', () => {
  let backend: Backend
  let run: ActionRun
  before(async () => {
    backend = await startBackend({ entrypoint: REAL_PYTHON, heartbeatTimeout: 600 })
    run = await launchAndKillMetricJob(backend, 'contract-killed-1')
  })
  after(async () => backend.stop())

  it('fails the step', () => {
    assert.equal(run.code, 1, run.stdout)
    assert.equal(run.outputs.state, 'failed')
    assert.doesNotMatch(run.stdout, /step 50\/50/)
  })
  it('W&B records the run as failed, not finished, by the time the step has ended', () => {
    assert.equal(readBack(backend, 'contract-killed-1', 'no-log').state, 'failed')
  })
})

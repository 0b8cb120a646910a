// Following a run (issue 13) with the real wandb SDK (0.30.0) and the local W&B backend: heartbeats
// of a queued run, why a run failed (a local run's exit code and output, a queued run's
// output.log, a failed item's error and stage), and attach to runs launched before. The backend's
// oplog shows what the action asked of the server (stopRun).
import assert from 'node:assert/strict'

import { after, before, describe, it } from 'node:test'
import { errors, startAction, type ActionRun } from '../helpers/action.js'
import { BACKEND_KEY, REAL_PYTHON, realSdkEnv, startBackend, type Backend, readOplog } from '../helpers/backend.js'

// quick: agents take items after 0.5 s; slowjob runs 30 s (to attach to, cancel and time out);
// jobs that run here (local-process) run with the real SDK's interpreter (metricjob)
let quick: Backend
// slow: an agent takes an item after 20 s, and its run then lasts 20 s
let slow: Backend
before(async () => {
  // with the fields W&B's app is believed to have (a failed item's error and stage)
  quick = await startBackend({ agentDelay: 0.5, entrypoint: REAL_PYTHON, withUnverified: true, env: { HARNESS_SLEEP: '30' } })
  slow = await startBackend({ agentDelay: 20 })
})
after(async () => {
  await quick?.stop()
  await slow?.stop()
})

function act(backend: () => Backend, inputs: Record<string, string>, options: { signalOn?: RegExp } = {}): Promise<ActionRun> {
  let signalled = false
  return startAction({
    fake: false,
    inputs: { python: REAL_PYTHON, base_url: backend().url, entity: 'ent', project: 'proj', ...inputs },
    env: { ...realSdkEnv(), WANDB_API_KEY: BACKEND_KEY, WANDB_LAUNCH_ACTION_POLL_SECONDS: '0.2,0.5' },
    onStdout: (text, child) => {
      if (options.signalOn && !signalled && options.signalOn.test(text)) {
        signalled = true
        child.kill('SIGINT')
      }
    },
    timeoutMs: 120_000
  })
}

const metricjob = (runConfig: Record<string, unknown>) =>
  JSON.stringify({ overrides: { run_config: { metrics: { 'eval/acc': 0.93 }, steps: 5, ...runConfig } } })
const heartbeats = (run: ActionRun) => [...run.stdout.matchAll(/^\[[^\]]+\] W&B run \S+ is running: (.*)$/gm)].map((m) => m[1] as string)
/** The simulated agent's record of runs that stopRun ended. */
const stoppedRuns = (backend: Backend) =>
  readOplog(backend)
    .filter((op) => op.kind === 'agent' && op.event === 'run_state' && op.to === 'killed' && op.by === 'stopRun')
    .map((op) => op.run)

describe('following runs with the real SDK', { concurrency: 4 }, () => {
  it('a queued run of 20 s with progress_interval 5s prints at least 3 heartbeats with the step and metric', async () => {
    const run = await act(() => slow, {
      job: 'ent/proj/metricjob:latest',
      queue: 'q',
      run_id: 'cbeat1',
      config: metricjob({}),
      progress_interval: '5s',
      watch_metrics: 'eval/acc'
    })
    assert.equal(run.code, 0, run.stdout)
    const beats = heartbeats(run)
    assert.ok(beats.length >= 3 && beats.length <= 5, `${beats.length} heartbeats:\n${run.stdout}`)
    // the backend's simulated agent writes the run's whole history at its start: step 4 of 0..4
    for (const beat of beats) assert.equal(beat, 'step 4, eval/acc=0.93')
    assert.match(run.stdout, /^\[[^\]]+\] W&B run cbeat1 finished$/m)
  })

  it('attach to a queue item whose run has not started yet: waits for the agent and the run, then passes', async () => {
    const pushed = await act(() => slow, {
      job: 'ent/proj/metricjob:latest',
      queue: 'q',
      run_id: 'cattach-wait',
      config: metricjob({}),
      synchronous: 'false'
    })
    assert.equal(pushed.code, 0, pushed.stdout)
    const run = await act(() => slow, { attach: pushed.outputs.queue_item_id!, queue: 'q', progress_interval: '0' })
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.run_id, 'cattach-wait')
    assert.equal(run.outputs.state, 'finished')
    assert.ok(run.seconds > 15, `${run.seconds}s`)
    assert.match(run.stdout, /Picked up by an agent: W&B run cattach-wait/)
  })

  it("a failing queued run: the annotation holds its output.log's last lines", async () => {
    const run = await act(() => quick, {
      job: 'ent/proj/metricjob:latest',
      queue: 'q',
      run_id: 'cqfail1',
      config: metricjob({ exit_code: 1 })
    })
    assert.equal(run.code, 1, run.stdout)
    const [annotation] = errors(run)
    assert.match(
      annotation ?? '',
      /^W&B run cqfail1 failed \(.*\)\.\nLast 5 lines of its output\.log:\n {2}\[metricjob\] step 1\/5 eval\/acc=0\.186\n/
    )
    assert.match(annotation ?? '', /\n {2}\[metricjob\] step 5\/5 eval\/acc=0\.93$/)
    assert.match(run.summary, /<details><summary>Last 5 lines of its output\.log/)
  })

  it('a failed item (failing-queue) shows its error and stage', async () => {
    const run = await act(() => quick, { job: 'ent/proj/myjob:latest', queue: 'failing-queue', run_id: 'cfq1' })
    assert.equal(run.code, 1, run.stdout)
    assert.match(
      errors(run)[0] ?? '',
      /failed before W&B run cfq1 started: simulated launch agent failure \(failing-queue\): could not start ent\/proj\/myjob:latest\nStage: agent$/
    )
    assert.match(run.summary, /<li>Stage: agent<\/li>/)
  })

  it('a local run that fails: the annotation has its exit code and last lines; attach to it fails with its state', async () => {
    const run = await act(() => quick, {
      job: 'ent/proj/metricjob:latest',
      resource: 'local-process',
      run_id: 'clfail1',
      config: metricjob({ exit_code: 3, seconds_per_step: 0.05 })
    })
    assert.equal(run.code, 1, run.stdout)
    const [annotation] = errors(run)
    assert.match(annotation ?? '', /^W&B run clfail1 failed .*\nExit code 3\nLast \d+ lines of its output:\n/)
    assert.match(annotation ?? '', /\n {2}\[metricjob\] run clfail1 exiting 3/)
    assert.doesNotMatch(annotation ?? '', /wandb: launch:/, "the job's own lines, not the SDK's before it")

    const attached = await act(() => quick, { attach: 'ent/proj/clfail1' })
    assert.equal(attached.code, 1, attached.stdout)
    assert.equal(attached.outputs.state, 'failed')
    assert.match(
      errors(attached)[0] ?? '',
      /^W&B run clfail1 failed \(.*\/ent\/proj\/runs\/clfail1\)\.\nLast \d+ lines of its output\.log:\n[\s\S]*exiting 3/
    )
  })

  it('attach to a finished run passes, with its outputs', async () => {
    const launched = await act(() => quick, { job: 'ent/proj/metricjob:latest', queue: 'q', run_id: 'cdone1', config: metricjob({}) })
    assert.equal(launched.code, 0, launched.stdout)
    const run = await act(() => quick, { attach: 'ent/proj/cdone1' })
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.state, 'finished')
    assert.equal(run.outputs.run_url, `${quick.url}/ent/proj/runs/cdone1`)
    // nothing to wait for: its end is the first state seen
    assert.deepEqual(
      [...run.stdout.matchAll(/^\[[^\]]+\] (.*)$/gm)].map((m) => m[1]),
      ['W&B run cdone1 finished']
    )
  })

  it('attach to a running run waits for it; SIGINT stops it (stopRun)', async () => {
    const pushed = await act(() => quick, { job: 'ent/proj/slowjob:latest', queue: 'q', run_id: 'crun1', synchronous: 'false' })
    assert.equal(pushed.code, 0, pushed.stdout)
    await new Promise((r) => setTimeout(r, 2000)) // the agent claims it after 0.5 s
    const run = await act(() => quick, { attach: 'ent/proj/crun1' }, { signalOn: /W&B run crun1 is running/ })
    assert.equal(run.code, 1, run.stdout)
    assert.equal(run.outputs.state, 'killed')
    assert.match(errors(run)[0] ?? '', /^Cancelled: W&B run crun1 was stopped/)
    assert.deepEqual(
      stoppedRuns(quick).filter((r) => r === 'ent/proj/crun1'),
      ['ent/proj/crun1']
    )
  })

  it('attach honours timeout: the run is stopped when it passes', async () => {
    const pushed = await act(() => quick, { job: 'ent/proj/slowjob:latest', queue: 'q', run_id: 'crun2', synchronous: 'false' })
    assert.equal(pushed.code, 0, pushed.stdout)
    await new Promise((r) => setTimeout(r, 2000))
    const run = await act(() => quick, { attach: 'ent/proj/crun2', timeout: '3s' })
    assert.equal(run.code, 1, run.stdout)
    assert.equal(run.outputs.timed_out, 'true')
    assert.equal(run.outputs.state, 'killed')
    assert.match(errors(run)[0] ?? '', /did not finish within the timeout of 3\.0s/)
    assert.deepEqual(
      stoppedRuns(quick).filter((r) => r === 'ent/proj/crun2'),
      ['ent/proj/crun2']
    )
  })
})

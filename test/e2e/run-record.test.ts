// W&B runs with the fake SDK: job `metrics` calls wandb.init and logs what its run config says.
// Afterwards the fake SDK's public API (run from the test, as a user would) says how W&B recorded
// the run, and the action's job summary shows W&B's state where it differs from the launcher's.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, it } from 'node:test'
import { errors, FAKE_SDK, jobDump, startAction, TEST_KEY, type ActionRun } from '../helpers/action.js'

const METRICS = { 'eval/acc': 0.93, loss: 0.25, lr: 0.001 }
const base = { api_key: TEST_KEY, entity: 'ent', project: 'proj' }

function config(runConfig: Record<string, unknown>): string {
  return JSON.stringify({ overrides: { run_config: runConfig } })
}

interface PublicRun {
  state: string
  summary: Record<string, unknown>
  history: Array<Record<string, unknown>>
  log: string | null
}

/** The run through the fake SDK's public API, from the run store the action's processes shared. */
function readBack(run: ActionRun, runId: string): PublicRun {
  const script = `
import json, sys, tempfile, wandb
run = wandb.Api().run("ent/proj/" + sys.argv[1])
names = [f.name for f in run.files()]
log = open(run.file("output.log").download(root=tempfile.mkdtemp()).name).read() if "output.log" in names else None
print(json.dumps({"state": run.state, "summary": dict(run.summary_metrics), "history": run.history(pandas=False), "log": log}))
`
  const r = spawnSync('python3', ['-c', script, runId], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: FAKE_SDK, FAKE_WANDB_RUNS_DIR: path.join(run.dir, 'runs') }
  })
  assert.equal(r.status, 0, r.stderr)
  return JSON.parse(r.stdout) as PublicRun
}

function assertLoggedRun(recorded: PublicRun): void {
  assert.equal(recorded.state, 'finished')
  assert.deepEqual(recorded.summary, METRICS)
  assert.deepEqual(
    recorded.history.map((row) => row._step),
    [0, 1, 2, 3, 4]
  )
  assert.equal(recorded.history[4]!['eval/acc'], 0.93)
  for (let i = 1; i <= 5; i++) assert.match(recorded.log ?? '', new RegExp(`\\[fake job metrics\\] step ${i}/5 `))
}

describe('a W&B run in direct mode (local-process)', async () => {
  const run = await startAction({
    inputs: {
      ...base,
      job: 'ent/proj/metrics:latest',
      resource: 'local-process',
      run_id: 'metrics-1',
      config: config({ metrics: METRICS, steps: 5 })
    }
  })
  it('passes the step with state finished, reading the run back without a warning', () => {
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.state, 'finished')
    assert.doesNotMatch(run.stdout, /::warning::/)
    assert.doesNotMatch(run.summary, /Recorded by/)
  })
  it('W&B has the run finished, with the summary, 5 history rows and the printed lines', () => {
    assertLoggedRun(readBack(run, 'metrics-1'))
  })
  it('the job got no WANDB_SERVICE: its wandb.init used a service of its own', () => {
    assert.equal(run.jobs['metrics-1']?.env.WANDB_RUN_ID, 'metrics-1')
    assert.equal(run.jobs['metrics-1']?.env.WANDB_SERVICE, undefined)
  })
})

describe('a W&B run in queue mode', async () => {
  const run = await startAction({
    inputs: { ...base, job: 'ent/proj/metrics:latest', queue: 'q', run_id: 'metrics-q1', config: config({ metrics: METRICS, steps: 5 }) },
    env: { WANDB_LAUNCH_ACTION_POLL_SECONDS: '0.1,0.2' }
  })
  it('passes the step with state finished', () => {
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.state, 'finished')
    assert.doesNotMatch(run.stdout, /::warning::/)
  })
  it('W&B has the run finished, with the summary, 5 history rows and the printed lines', () => {
    assertLoggedRun(readBack(run, 'metrics-q1'))
  })
})

describe('a W&B run whose job exits 3', async () => {
  const run = await startAction({
    inputs: {
      ...base,
      job: 'ent/proj/metrics:latest',
      resource: 'local-process',
      run_id: 'metrics-exit3',
      config: config({ metrics: METRICS, steps: 2, exit_code: 3 })
    }
  })
  it('fails the step, and W&B has the run failed', () => {
    assert.equal(run.code, 1)
    assert.equal(run.outputs.state, 'failed')
    assert.equal(readBack(run, 'metrics-exit3').state, 'failed')
  })
})

describe('a W&B run whose job is killed with SIGKILL mid-run', async () => {
  let killed = false
  let dir = ''
  const run = await startAction({
    inputs: {
      ...base,
      job: 'ent/proj/metrics:latest',
      resource: 'local-process',
      run_id: 'metrics-killed',
      config: config({ metrics: METRICS, steps: 100, seconds_per_step: 0.1 })
    },
    onStdout: (text) => {
      if (killed || !/\[fake job metrics\] step 2\/100/.test(text)) return
      killed = true
      process.kill(jobDump(dir, 'metrics-killed')!.pid, 'SIGKILL')
    },
    onStart: (_child, runnerTemp) => (dir = runnerTemp)
  })
  it('fails the step', () => {
    assert.equal(run.code, 1, run.stdout)
    assert.equal(run.outputs.state, 'failed')
    // the verdict, then (issue 13) why: the job was killed (test/e2e/follow.test.ts)
    const [annotation, ...more] = errors(run)
    assert.deepEqual(more, [])
    assert.match(
      annotation ?? '',
      /^W&B run metrics-killed failed \(https:\/\/wandb\.ai\/ent\/proj\/runs\/metrics-killed\)\.\nExit code -9 \(killed by signal 9\)\n/
    )
  })
  it('W&B records the run as failed, not finished, and keeps what was logged', () => {
    const recorded = readBack(run, 'metrics-killed')
    assert.equal(recorded.state, 'failed')
    assert.ok(recorded.history.length >= 2 && recorded.history.length < 100, `${recorded.history.length} rows`)
  })
  it('marked it failed through the public API (updateRunState), as the job was gone', () => {
    assert.deepEqual(
      run.calls.filter((c) => c.call === 'update_run_state').map((c) => [c.run, c.state, c.was]),
      [['metrics-killed', 'failed', 'running']]
    )
  })
})

describe('a cancelled W&B run', async () => {
  const run = await startAction({
    inputs: {
      ...base,
      job: 'ent/proj/metrics:latest',
      resource: 'local-process',
      run_id: 'metrics-cancel',
      config: config({ metrics: METRICS, steps: 100, seconds_per_step: 0.1 })
    },
    onStdout: (text, child) => {
      if (/\[fake job metrics\] step 2\/100/.test(text) && child.exitCode === null && !child.killed) child.kill('SIGINT')
    }
  })
  it('is stopped by the launcher, and W&B records it failed: the summary shows both', () => {
    assert.equal(run.code, 1, run.stdout)
    assert.equal(run.outputs.state, 'stopped')
    assert.equal(readBack(run, 'metrics-cancel').state, 'failed')
    assert.match(run.summary, /stopped \(cancelled\)/)
    assert.match(run.summary, /Recorded by W(&|&amp;)B<\/th><td>failed</)
  })
})

describe('a job that never calls wandb.init', async () => {
  const run = await startAction({ inputs: { ...base, job: 'ent/proj/ok:latest', resource: 'local-process', run_id: 'no-wandb-run' } })
  it('passes, and says in one line that W&B has no run, without a warning', () => {
    assert.equal(run.code, 0, run.stdout)
    const lines = run.stdout.split('\n').filter((l) => l.includes('W&B has no run'))
    assert.deepEqual(lines, ['W&B has no run ent/proj/no-wandb-run: the job did not call wandb.init, or wrote its run elsewhere'])
    assert.doesNotMatch(run.stdout, /::warning::/)
    assert.doesNotMatch(run.summary, /Recorded by/)
  })
})

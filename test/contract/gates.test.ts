// Gates on real W&B runs: ent/proj/metricjob logs its run config's metrics through the real SDK
// 0.30.0, the action reads the summary back through the public API, looks the baseline up by tag,
// adds tags, and judges the gates. Direct mode (local-process) and queue mode.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { after, before, describe, it } from 'node:test'
import { errors, type ActionRun } from '../helpers/action.js'
import { BACKEND_KEY, REAL_PYTHON, realSdkEnv, startBackend, type Backend } from '../helpers/backend.js'
import { launchMetricJob } from '../helpers/metric-job.js'

interface GateRowOutput {
  metric: string
  op: string
  threshold: number | null
  value: unknown
  baseline: unknown
  passed: boolean
  note?: string
}

function warnings(run: ActionRun): string[] {
  return [...run.stdout.matchAll(/^::warning::(.*)$/gm)].map((m) => m[1] as string)
}

function gates(run: ActionRun): GateRowOutput[] {
  return JSON.parse(run.outputs.gates ?? 'null') as GateRowOutput[]
}

/** The run's tags as the real SDK's public API reads them. */
function tagsOf(backend: Backend, runId: string): string[] {
  const r = spawnSync(
    REAL_PYTHON,
    ['-c', 'import json, sys, wandb\nprint(json.dumps(wandb.Api().run("ent/proj/" + sys.argv[1]).tags))', runId],
    {
      encoding: 'utf8',
      env: { ...process.env, ...realSdkEnv(), WANDB_BASE_URL: backend.url, WANDB_API_KEY: BACKEND_KEY, WANDB_SILENT: 'true' },
      timeout: 60_000
    }
  )
  assert.equal(r.status, 0, r.stderr)
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as string[]
}

function launch(backend: Backend, runId: string, acc: number, inputs: Record<string, string>): Promise<ActionRun> {
  const runConfig = { metrics: { 'eval/acc': acc, loss: 0.25 }, steps: 2, seconds_per_step: 0.05 }
  return launchMetricJob(backend, { resource: 'local-process', ...inputs }, runId, runConfig, {
    env: { WANDB_LAUNCH_ACTION_POLL_SECONDS: '0.2,0.5' }
  })
}

describe('gates on real runs in direct mode', () => {
  let backend: Backend
  before(async () => (backend = await startBackend({ entrypoint: REAL_PYTHON })))
  after(async () => backend.stop())

  let first: ActionRun
  it('eval/acc 0.93 passes eval/acc >= 0.9 and fails eval/acc >= 0.95: a red step, and the table says why', async () => {
    first = await launch(backend, 'gates-a', 0.93, { gates: 'eval/acc >= 0.9\neval/acc >= 0.95', tags: 'ci, main' })
    assert.equal(first.code, 1, first.stdout)
    assert.equal(first.outputs.state, 'finished')
    assert.equal(first.outputs.gates_passed, 'false')
    assert.deepEqual(
      gates(first).map((g) => [g.metric, g.op, g.threshold, g.value, g.passed]),
      [
        ['eval/acc', '>=', 0.9, 0.93, true],
        ['eval/acc', '>=', 0.95, 0.93, false]
      ]
    )
    assert.deepEqual(JSON.parse(first.outputs.metrics!), { 'eval/acc': 0.93 })
    assert.equal(JSON.parse(first.outputs.summary!)['eval/acc'], 0.93)
    assert.equal(JSON.parse(first.outputs.summary!).loss, 0.25)
    assert.match(errors(first)[0] ?? '', /W&B run gates-a finished .*, but 1 of 2 gates failed: eval\/acc 0\.93 >= 0\.95\./)
    assert.match(first.summary, /\| `eval\/acc` \| 0\.93 \| — \| {2}\| >= 0\.95 \| ❌ fail \|/)
    assert.match(first.summary, /\| `eval\/acc` \| 0\.93 \| — \| {2}\| >= 0\.9 \| ✅ pass \|/)
  })

  it('tags the run through the public API', () => {
    assert.deepEqual(tagsOf(backend, 'gates-a').sort(), ['ci', 'main'])
  })

  it('finds the baseline by tag: the newest finished run tagged main other than this one', async () => {
    const run = await launch(backend, 'gates-b', 0.925, {
      gates: 'eval/acc >= baseline - 0.01\nloss <= baseline',
      baseline: '{tags: main}',
      tags: 'main'
    })
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.gates_passed, 'true')
    const rows = gates(run)
    assert.equal(rows[0]!.baseline, 0.93)
    assert.ok(Math.abs(rows[0]!.threshold! - 0.92) < 1e-9, String(rows[0]!.threshold))
    assert.equal(rows[1]!.baseline, 0.25)
    assert.match(run.stdout, /Baseline: W&B run ent\/proj\/gates-a/)
    assert.match(run.summary, /\| `eval\/acc` \| 0\.925 \| 0\.93 \| -0\.005 \| >= 0\.92 \(baseline - 0\.01\) \| ✅ pass \|/)
    // now gates-b is the newest run tagged main: a worse run fails against it
    const worse = await launch(backend, 'gates-c', 0.9, { gates: 'eval/acc >= baseline - 0.01', baseline: '{tags: main}' })
    assert.equal(worse.code, 1, worse.stdout)
    assert.equal(gates(worse)[0]!.baseline, 0.925)
  })

  it('no run matches the baseline filters: "no baseline", following gate_missing', async () => {
    const run = await launch(backend, 'gates-d', 0.93, { gates: 'eval/acc >= baseline', baseline: '{tags: nobody-has-this}' })
    assert.equal(run.code, 1, run.stdout)
    assert.equal(gates(run)[0]!.note, 'no baseline')
    const lenient = await launch(backend, 'gates-e', 0.93, {
      gates: 'eval/acc >= baseline',
      baseline: '{tags: nobody-has-this}',
      gate_missing: 'pass'
    })
    assert.equal(lenient.code, 0, lenient.stdout)
  })

  it('gate_mode warn: a warning per failed gate, a green step, gates_passed false', async () => {
    const run = await launch(backend, 'gates-f', 0.93, { gates: 'eval/acc >= 0.95', gate_mode: 'warn' })
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.gates_passed, 'false')
    assert.deepEqual(warnings(run), ['Gate failed (gate_mode: warn): eval/acc 0.93 >= 0.95'])
  })

  it('a metric the run did not log fails with gate_missing fail, passes with gate_missing pass', async () => {
    const strict = await launch(backend, 'gates-g', 0.93, { gates: 'test/f1 >= 0.5' })
    assert.equal(strict.code, 1, strict.stdout)
    assert.deepEqual(gates(strict)[0], {
      metric: 'test/f1',
      op: '>=',
      threshold: 0.5,
      value: null,
      baseline: null,
      passed: false,
      note: 'not logged'
    })
    assert.deepEqual(JSON.parse(strict.outputs.metrics!), { 'test/f1': null })
    const lenient = await launch(backend, 'gates-h', 0.93, { gates: 'test/f1 >= 0.5', gate_missing: 'pass' })
    assert.equal(lenient.code, 0, lenient.stdout)
    assert.equal(lenient.outputs.gates_passed, 'true')
  })
})

describe('gates on a real run in queue mode', () => {
  let backend: Backend
  let run: ActionRun
  before(async () => {
    backend = await startBackend({ entrypoint: REAL_PYTHON, agentDelay: 0.5 })
    run = await launch(backend, 'gates-q1', 0.93, {
      resource: '',
      queue: 'default',
      gates: 'eval/acc >= 0.9\neval/acc >= 0.95',
      tags: 'queued-ci'
    })
  })
  after(async () => backend.stop())

  it('reads the summary back and fails the failed gate', () => {
    assert.equal(run.code, 1, run.stdout)
    assert.equal(run.outputs.state, 'finished')
    assert.equal(run.outputs.gates_passed, 'false')
    assert.deepEqual(
      gates(run).map((g) => g.passed),
      [true, false]
    )
    assert.equal(JSON.parse(run.outputs.summary!)['eval/acc'], 0.93)
  })
  it('tags the queued run', () => assert.deepEqual(tagsOf(backend, 'gates-q1'), ['queued-ci']))
})

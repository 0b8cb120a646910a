// Gates, baseline and tags end to end with the fake SDK: the fake `metrics` job logs its run
// config's metrics as a W&B run (test/fake-sdk/job.py), the bridge reads it back, looks the
// baseline up with Api.runs(path, filters, order) and tags the run; the report judges the gates.
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { errors, startAction, TEST_KEY, type ActionRun } from '../helpers/action.js'
import { eventEnv, GITHUB_TOKEN, startGitHubApi, type GitHubApi } from '../helpers/github-api.js'

const base = { api_key: TEST_KEY, resource: 'local-process', entity: 'ent', project: 'proj', job: 'ent/proj/metrics:latest' }

function config(acc: number): string {
  return JSON.stringify({ overrides: { run_config: { metrics: { 'eval/acc': acc, loss: 0.25 }, steps: 2 } } })
}

function gates(run: ActionRun): Array<Record<string, unknown>> {
  return JSON.parse(run.outputs.gates ?? 'null')
}

function warnings(run: ActionRun): string[] {
  return [...run.stdout.matchAll(/^::warning::(.*)$/gm)].map((m) => m[1] as string)
}

/** One W&B server for several action runs: they share the fake's run store. */
function sharedRuns(): Record<string, string> {
  return { FAKE_WANDB_RUNS_DIR: mkdtempSync(path.join(tmpdir(), 'fake-runs-')) }
}

describe('a run with eval/acc 0.93 against eval/acc >= 0.9 and eval/acc >= 0.95', () => {
  let api: GitHubApi
  let run: ActionRun
  before(async () => {
    api = await startGitHubApi()
    run = await startAction({
      inputs: {
        ...base,
        run_id: 'gate1',
        config: config(0.93),
        gates: 'eval/acc >= 0.9\neval/acc >= 0.95',
        comment: 'true',
        check_name: 'W&B eval'
      },
      env: eventEnv(api, 'pull_request'),
      github: { token: GITHUB_TOKEN }
    })
  })
  after(() => api.stop())

  it('fails the step naming the failed gate', () => {
    assert.equal(run.code, 1, run.stdout)
    assert.equal(run.outputs.state, 'finished')
    assert.deepEqual(errors(run), [
      'W&B run gate1 finished (https://wandb.ai/ent/proj/runs/gate1), but 1 of 2 gates failed: eval/acc 0.93 >= 0.95.'
    ])
  })
  it('sets summary, metrics, gates and gates_passed', () => {
    assert.equal(run.outputs.gates_passed, 'false')
    assert.deepEqual(JSON.parse(run.outputs.summary!)['eval/acc'], 0.93)
    assert.deepEqual(JSON.parse(run.outputs.metrics!), { 'eval/acc': 0.93 })
    assert.deepEqual(gates(run), [
      { metric: 'eval/acc', op: '>=', threshold: 0.9, value: 0.93, baseline: null, passed: true },
      { metric: 'eval/acc', op: '>=', threshold: 0.95, value: 0.93, baseline: null, passed: false }
    ])
  })
  it('shows the gates table in the job summary, the comment and the check run', async () => {
    const row = '| `eval/acc` | 0.93 | — |  | >= 0.95 | ❌ fail |'
    assert.ok(run.summary.includes(row), run.summary)
    const state = await api.state()
    assert.ok(state.comments[0]!.body.includes(row), state.comments[0]!.body)
    assert.match(state.comments[0]!.body, /### ❌ W&B Launch `ent\/proj\/metrics:latest`: failure/)
    const check = state.check_runs[0] as { conclusion: string; output: { summary: string } }
    assert.equal(check.conclusion, 'failure')
    assert.ok(check.output.summary.includes(row), check.output.summary)
  })
})

describe('gate_mode and gate_missing', () => {
  it('gate_mode warn: one warning per failed gate and a green step', async () => {
    const run = await startAction({ inputs: { ...base, config: config(0.93), gates: 'eval/acc >= 0.95\nloss < 0.3', gate_mode: 'warn' } })
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.gates_passed, 'false')
    assert.deepEqual(warnings(run), ['Gate failed (gate_mode: warn): eval/acc 0.93 >= 0.95'])
    assert.match(run.summary, /⚠️ fail \(warning\)/)
  })
  it('a metric the run did not log: red with gate_missing fail, green with pass', async () => {
    const strict = await startAction({ inputs: { ...base, config: config(0.93), gates: 'test/f1 >= 0.5' } })
    assert.equal(strict.code, 1, strict.stdout)
    assert.match(errors(strict)[0] ?? '', /1 of 1 gate failed: test\/f1 not logged >= 0\.5 \(not logged\)/)
    const lenient = await startAction({ inputs: { ...base, config: config(0.93), gates: 'test/f1 >= 0.5', gate_missing: 'pass' } })
    assert.equal(lenient.code, 0, lenient.stdout)
    assert.equal(lenient.outputs.gates_passed, 'true')
    assert.deepEqual(JSON.parse(lenient.outputs.metrics!), { 'test/f1': null })
  })
  it('a job that never called wandb.init: no summary, every gate fails, whatever gate_missing says', async () => {
    const run = await startAction({ inputs: { ...base, job: 'ent/proj/ok:latest', gates: 'eval/acc >= 0.5', gate_missing: 'pass' } })
    assert.equal(run.code, 1, run.stdout)
    assert.equal(run.outputs.summary, '')
    assert.match(gates(run)[0]!.note as string, /the run was not read back: W&B has no run/)
  })
  it('bad gates are input errors before anything is launched', async () => {
    const run = await startAction({ inputs: { ...base, gates: 'eval/acc => 0.9\nloss <', gate_mode: 'never' } })
    assert.equal(run.code, 1)
    assert.deepEqual(run.calls, [])
    assert.match(
      errors(run)[0] ?? '',
      /gates: line 1 "eval\/acc => 0\.9": unknown operator "=>": use one of .*; line 2 "loss <": has no value/
    )
    assert.match(errors(run)[0] ?? '', /gate_mode: must be fail or warn/)
    const noBaseline = await startAction({ inputs: { ...base, gates: 'loss < baseline' } })
    assert.deepEqual(noBaseline.calls, [])
    assert.match(errors(noBaseline)[0] ?? '', /gates: "loss < baseline" compares with baseline: set the baseline input/)
  })
})

describe('the baseline and the tags', () => {
  const env = sharedRuns()

  it('tags the run, and a later run finds it as its baseline by tag', async () => {
    const first = await startAction({ inputs: { ...base, run_id: 'main1', config: config(0.93), tags: 'ci, main' }, env })
    assert.equal(first.code, 0, first.stdout)
    const second = await startAction({
      inputs: { ...base, run_id: 'pr1', config: config(0.925), gates: 'eval/acc >= baseline - 0.01', baseline: '{tags: main}' },
      env
    })
    assert.equal(second.code, 0, second.stdout)
    assert.match(second.stdout, /Baseline: W&B run ent\/proj\/main1/)
    assert.deepEqual(gates(second)[0], { metric: 'eval/acc', op: '>=', threshold: 0.93 - 0.01, value: 0.925, baseline: 0.93, passed: true })
    assert.ok(second.summary.includes('| `eval/acc` | 0.925 | 0.93 | -0.005 | >= 0.92 (baseline - 0.01) | ✅ pass |'), second.summary)
  })
  it('attach: the run followed gets its baseline and its tags as a launched one', async () => {
    const launched = await startAction({ inputs: { ...base, run_id: 'att1', config: config(0.925) }, env })
    assert.equal(launched.code, 0, launched.stdout)
    const { job: _job, resource: _resource, ...account } = base
    const attached = await startAction({
      inputs: { ...account, attach: 'ent/proj/att1', gates: 'eval/acc >= baseline - 0.01', baseline: '{tags: main}', tags: 'attached' },
      env
    })
    assert.equal(attached.code, 0, attached.stdout)
    assert.match(attached.stdout, /Baseline: W&B run ent\/proj\/main1/)
    assert.equal(gates(attached)[0]!.baseline, 0.93)
    const later = await startAction({
      inputs: { ...base, config: config(0.93), gates: 'eval/acc >= baseline', baseline: '{tags: attached}' },
      env
    })
    assert.match(later.stdout, /Baseline: W&B run ent\/proj\/att1/)
  })
  it('a run path as the baseline', async () => {
    const run = await startAction({
      inputs: { ...base, config: config(0.9), gates: 'eval/acc >= baseline', baseline: 'ent/proj/main1' },
      env
    })
    assert.equal(run.code, 1, run.stdout)
    assert.equal(gates(run)[0]!.baseline, 0.93)
  })
  it('no run matches: "no baseline", following gate_missing', async () => {
    const run = await startAction({
      inputs: { ...base, config: config(0.9), gates: 'eval/acc >= baseline', baseline: '{tags: nobody}' },
      env
    })
    assert.equal(run.code, 1, run.stdout)
    assert.equal(gates(run)[0]!.note, 'no baseline')
    assert.match(run.stdout, /No baseline: no finished run other than this one matched the baseline filters/)
  })
  it('tags that cannot be added (no run in W&B) are one warning, the step stays green', async () => {
    const run = await startAction({ inputs: { ...base, job: 'ent/proj/ok:latest', tags: 'ci' } })
    assert.equal(run.code, 0, run.stdout)
    const w = warnings(run)
    assert.equal(w.length, 1, w.join('\n'))
    assert.match(w[0]!, /adding the tags ci to the run failed: .*a later workflow will not find this run by them/)
  })
})

describe('gates in queue mode', () => {
  it('reads the queued run back and judges its gates', async () => {
    const run = await startAction({
      inputs: { ...base, resource: '', queue: 'default', config: config(0.93), gates: 'eval/acc >= 0.9\neval/acc >= 0.95' },
      env: { FAKE_WANDB_AGENT_DELAY: '0.1' }
    })
    assert.equal(run.code, 1, run.stdout)
    assert.equal(run.outputs.state, 'finished')
    assert.deepEqual(
      gates(run).map((g) => g.passed),
      [true, false]
    )
    assert.equal(JSON.parse(run.outputs.summary!)['eval/acc'], 0.93)
  })
})

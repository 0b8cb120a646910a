// The comparison, the curves and promotion end to end with the fake SDK: a baseline run tagged
// main, then a run that watches two metrics (one gated) against it, reported in the job summary,
// the pull-request comment and the check run; promotion of the model a run logged.
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { errors, startAction, TEST_KEY, type ActionRun } from '../helpers/action.js'
import { eventEnv, GITHUB_TOKEN, startGitHubApi, type GitHubApi } from '../helpers/github-api.js'
import { mermaidBlocks, parseMermaid } from '../helpers/mermaid.js'

const base = { api_key: TEST_KEY, resource: 'local-process', entity: 'ent', project: 'proj', job: 'ent/proj/metrics:latest' }

function config(metrics: Record<string, number>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ overrides: { run_config: { metrics, steps: 5, ...extra } } })
}

function warnings(run: ActionRun): string[] {
  return [...run.stdout.matchAll(/^::warning::(.*)$/gm)].map((m) => m[1] as string)
}

const ACC_ROW = '| `eval/acc` | 0.925 | 0.93 | ▼ -0.005 | -0.538% | ✅ >= 0.92 |'
const LOSS_ROW = '| `train/loss` | 0.2 | 0.25 | ▼ -0.05 | -20% |  |'

describe('a run watching eval/acc (gated) and train/loss against a baseline run', () => {
  const env = { FAKE_WANDB_RUNS_DIR: mkdtempSync(path.join(tmpdir(), 'fake-runs-')) }
  let api: GitHubApi
  let run: ActionRun
  before(async () => {
    api = await startGitHubApi()
    const main = await startAction({
      inputs: { ...base, run_id: 'main1', config: config({ 'eval/acc': 0.93, 'train/loss': 0.25 }), tags: 'main' },
      env
    })
    assert.equal(main.code, 0, main.stdout)
    run = await startAction({
      inputs: {
        ...base,
        run_id: 'pr1',
        config: config({ 'eval/acc': 0.925, 'train/loss': 0.2 }),
        watch_metrics: 'eval/acc, train/loss',
        gates: 'eval/acc >= baseline - 0.01',
        baseline: '{tags: main}',
        comment: 'true',
        check_name: 'W&B eval'
      },
      env: { ...env, ...eventEnv(api, 'pull_request') },
      github: { token: GITHUB_TOKEN }
    })
  })
  after(() => api.stop())

  it('passes', () => assert.equal(run.code, 0, run.stdout))
  it('the job summary, the comment and the check run hold both rows', async () => {
    const state = await api.state()
    const check = state.check_runs[0] as { output: { summary: string } }
    for (const [where, text] of [
      ['summary', run.summary],
      ['comment', state.comments[0]!.body],
      ['check run', check.output.summary]
    ]) {
      assert.ok(text!.includes(ACC_ROW), `${where}:\n${text}`)
      assert.ok(text!.includes(LOSS_ROW), `${where}:\n${text}`)
      assert.match(text!, /2 metrics against the baseline run `ent\/proj\/main1`: 0 up, 2 down, 0 unchanged\./)
    }
  })
  it('the summary and the comment draw both curves, which Mermaid parses; the check run none', async () => {
    const state = await api.state()
    for (const text of [run.summary, state.comments[0]!.body]) {
      const blocks = mermaidBlocks(text)
      assert.equal(blocks.length, 2, text)
      for (const block of blocks) assert.equal(await parseMermaid(block), 'xychart')
      assert.match(blocks[0]!, /title "eval\/acc"/)
      assert.equal([...blocks[0]!.matchAll(/^ {2}line \[/gm)].length, 2, 'this run and the baseline')
    }
    assert.equal(mermaidBlocks((state.check_runs[0] as { output: { summary: string } }).output.summary).length, 0)
  })
})

describe('300 watched metrics', () => {
  it("keep the comment within GitHub's limit, the first rows shown and the rest collapsed", async () => {
    const api = await startGitHubApi()
    try {
      const metrics = Object.fromEntries(
        Array.from({ length: 300 }, (_, i) => [`group_${i % 7}/a_rather_long_metric_name_number_${i}_${'x'.repeat(120)}`, i / 3])
      )
      const run = await startAction({
        inputs: { ...base, config: config(metrics, { steps: 2 }), watch_metrics: Object.keys(metrics).join('\n'), comment: 'true' },
        env: eventEnv(api, 'pull_request'),
        github: { token: GITHUB_TOKEN }
      })
      assert.equal(run.code, 0, run.stdout)
      const body = (await api.state()).comments[0]!.body
      assert.ok(body.length <= 65_536, String(body.length))
      assert.match(body, /<summary>\d+ more metrics<\/summary>/)
      assert.match(body, /### ✅ W&B Launch/)
      assert.match(body, /<sub>CI \/ eval/, 'the footer is kept')
    } finally {
      await api.stop()
    }
  })
})

describe('promotion', () => {
  const train = { ...base, job: 'ent/proj/train-model:latest' }
  it('a run that passed its gates: its model is linked with the aliases, and the outputs say where', async () => {
    const run = await startAction({
      inputs: { ...train, gates: 'eval/acc >= 0.9', promote: 'wandb-registry-model/resnet:staging, candidate' }
    })
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.promoted_artifact, 'fake-org/wandb-registry-model/resnet:v0')
    assert.equal(run.outputs.promoted_version, 'v0')
    const links = run.calls.filter((c) => c.call === 'artifact_link')
    assert.deepEqual(
      links.map((c) => [c.artifact, c.target, c.aliases]),
      [['ent/proj/resnet:v0', 'wandb-registry-model/resnet', ['staging', 'candidate']]]
    )
    assert.match(run.summary, /Promoted.*resnet:v0.*fake-org\/wandb-registry-model\/resnet:v0/)
  })
  it('a failed gate: not linked, and the summary says why', async () => {
    const run = await startAction({ inputs: { ...train, gates: 'eval/acc >= 0.99', promote: 'wandb-registry-model/resnet:staging' } })
    assert.equal(run.code, 1)
    assert.deepEqual(
      run.calls.filter((c) => c.call === 'artifact_link'),
      []
    )
    assert.equal(run.outputs.promoted_artifact, '')
    assert.match(run.summary, /Not promoted: 1 of 1 gate failed/)
  })
  it('gate_mode warn: only with promote_in_warn_mode', async () => {
    const refused = await startAction({ inputs: { ...train, gates: 'eval/acc >= 0.9', gate_mode: 'warn', promote: 'best:ci' } })
    assert.equal(refused.code, 0)
    assert.deepEqual(
      refused.calls.filter((c) => c.call === 'artifact_link'),
      []
    )
    assert.match(refused.summary, /Not promoted: gate\\_mode is warn/)
    const asked = await startAction({
      inputs: { ...train, gates: 'eval/acc >= 0.9', gate_mode: 'warn', promote: 'best:ci', promote_in_warn_mode: 'true' }
    })
    assert.equal(asked.outputs.promoted_artifact, 'ent/proj/best:v0')
  })
  it('a run that logged no model: a warning, a green step', async () => {
    const run = await startAction({ inputs: { ...base, config: config({ 'eval/acc': 0.93 }), promote: 'best:ci' } })
    assert.equal(run.code, 0, run.stdout)
    assert.deepEqual(warnings(run), ['Not promoted: the run logged no model artifact (type model)'])
  })
  it('bad promote inputs are input errors before anything is launched', async () => {
    const run = await startAction({ inputs: { ...train, promote: 'a/b/c/d:x', promote_artifact: 'x/y', synchronous: 'false' } })
    assert.equal(run.code, 1)
    assert.deepEqual(run.calls, [])
    assert.match(errors(run)[0] ?? '', /promote: "a\/b\/c\/d" has 4 parts/)
    assert.match(errors(run)[0] ?? '', /promote_artifact: "x\/y" is not an artifact name/)
  })
})

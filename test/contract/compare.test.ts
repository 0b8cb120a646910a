// The comparison, the curves and promotion on real W&B runs: ent/proj/metricjob logs its run
// config's metrics (and, with models, model artifacts) through the real SDK 0.30.0; the action
// reads the sampled history and the logged artifacts back through the public API and links the
// model with Artifact.link. The pull-request comment goes to the local GitHub API.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { after, before, describe, it } from 'node:test'
import type { ActionRun } from '../helpers/action.js'
import { BACKEND_KEY, REAL_PYTHON, realSdkEnv, startBackend, type Backend } from '../helpers/backend.js'
import { eventEnv, GITHUB_TOKEN, startGitHubApi, type GitHubApi } from '../helpers/github-api.js'
import { mermaidBlocks, parseMermaid } from '../helpers/mermaid.js'
import { launchMetricJob } from '../helpers/metric-job.js'

function launch(
  backend: Backend,
  runId: string,
  runConfig: Record<string, unknown>,
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): Promise<ActionRun> {
  return launchMetricJob(
    backend,
    { resource: 'local-process', ...inputs },
    runId,
    { steps: 4, ...runConfig },
    {
      env: { WANDB_LAUNCH_ACTION_POLL_SECONDS: '0.2,0.5', ...env },
      github: { token: GITHUB_TOKEN },
      timeoutMs: 180_000
    }
  )
}

/** An artifact as the real SDK's public API reads it back: its path and aliases, or the error. */
function readArtifact(backend: Backend, name: string): { path?: string; aliases?: string[]; error?: string } {
  const script = [
    'import json, sys, wandb',
    'try:',
    '    a = wandb.Api().artifact(sys.argv[1])',
    '    name = a.name.partition(":")[0]',
    '    print(json.dumps({"path": f"{a.entity}/{a.project}/{name}:{a.version}", "aliases": sorted(a.aliases)}))',
    'except Exception as e:',
    '    print(json.dumps({"error": str(e)}))'
  ].join('\n')
  const r = spawnSync(REAL_PYTHON, ['-c', script, name], {
    encoding: 'utf8',
    env: { ...process.env, ...realSdkEnv(), WANDB_BASE_URL: backend.url, WANDB_API_KEY: BACKEND_KEY, WANDB_SILENT: 'true' },
    timeout: 60_000
  })
  assert.equal(r.status, 0, r.stderr)
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!)
}

describe('the comparison and the curves of real runs', () => {
  let backend: Backend
  let api: GitHubApi
  let run: ActionRun
  before(async () => {
    backend = await startBackend({ entrypoint: REAL_PYTHON })
    api = await startGitHubApi()
    const main = await launch(backend, 'cmp-main', { metrics: { 'eval/acc': 0.93, 'train/loss': 0.25 } }, { tags: 'main' })
    assert.equal(main.code, 0, main.stdout)
    run = await launch(
      backend,
      'cmp-pr',
      { metrics: { 'eval/acc': 0.925, 'train/loss': 0.2 } },
      { watch_metrics: 'eval/acc, train/loss', gates: 'eval/acc >= baseline - 0.01', baseline: '{tags: main}', comment: 'true' },
      eventEnv(api, 'pull_request')
    )
  })
  after(async () => {
    await api.stop()
    await backend.stop()
  })

  it('the summary and the comment hold both rows: values, baseline values, changes', async () => {
    assert.equal(run.code, 0, run.stdout)
    const comment = (await api.state()).comments[0]!.body
    for (const text of [run.summary, comment]) {
      assert.ok(text.includes('| `eval/acc` | 0.925 | 0.93 | ▼ -0.005 | -0.538% | ✅ >= 0.92 |'), text)
      assert.ok(text.includes('| `train/loss` | 0.2 | 0.25 | ▼ -0.05 | -20% |  |'), text)
    }
  })
  it('and two charts, this run and the baseline, that Mermaid parses', async () => {
    const comment = (await api.state()).comments[0]!.body
    for (const text of [run.summary, comment]) {
      const blocks = mermaidBlocks(text)
      assert.equal(blocks.length, 2, text)
      for (const block of blocks) {
        assert.equal(await parseMermaid(block), 'xychart')
        assert.equal([...block.matchAll(/^ {2}line \[/gm)].length, 2)
      }
      // metricjob logs final * i / 4 at steps 0..3: this run's eval/acc ends at 0.925
      assert.match(blocks[0]!, /^ {2}line \[0\.23125, .*, 0\.925\]$/m)
    }
  })
  it("300 logged metrics keep the comment under GitHub's limit", async () => {
    const metrics = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [`layer_${i}/a_long_metric_name_for_this_layer_${'x'.repeat(120)}`, i / 300])
    )
    const wide = await launch(
      backend,
      'cmp-wide',
      { metrics, steps: 2 },
      { watch_metrics: Object.keys(metrics).join('\n'), comment: 'true' },
      eventEnv(api, 'pull_request', { pr: 8 })
    )
    assert.equal(wide.code, 0, wide.stdout)
    const body = (await api.state()).comments.find((c) => c.issue === 8)!.body
    assert.ok(body.length <= 65_536, String(body.length))
    assert.match(body, /<summary>\d+ more metrics<\/summary>/)
    assert.equal(mermaidBlocks(body).length, 3, 'charts of the first three watched metrics')
  })
})

describe("promotion of a real run's model", () => {
  let backend: Backend
  before(async () => (backend = await startBackend({ entrypoint: REAL_PYTHON })))
  after(async () => backend.stop())

  it('a run that passes its gates and logged a model is linked with the aliases', async () => {
    const run = await launch(
      backend,
      'promo-ok',
      { metrics: { 'eval/acc': 0.93 }, models: ['resnet'] },
      { gates: 'eval/acc >= 0.9', promote: 'wandb-registry-model/resnet:staging, candidate' }
    )
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.promoted_version, 'v0')
    const linked = readArtifact(backend, run.outputs.promoted_artifact!)
    assert.deepEqual(linked.aliases, ['candidate', 'latest', 'staging'])
    assert.deepEqual(readArtifact(backend, 'wandb-registry-model/resnet:staging').path, linked.path)
  })
  it('one that fails a gate is not', async () => {
    const run = await launch(
      backend,
      'promo-no',
      { metrics: { 'eval/acc': 0.93 }, models: ['resnet'] },
      { gates: 'eval/acc >= 0.99', promote: 'proj/best-resnet:ci' }
    )
    assert.equal(run.code, 1, run.stdout)
    assert.equal(run.outputs.promoted_artifact, '')
    assert.match(readArtifact(backend, 'ent/proj/best-resnet:latest').error ?? '', /not found|could not find/i)
  })
})

// Provenance, reuse and attach's wait for a run (issue 20) with the real wandb SDK (0.30.0) and the
// local W&B backend: what a launched run carries, read back through the real SDK's public API;
// a second identical launch on the same commit that launches nothing; attach to a run that is not
// on W&B yet, and to one that never comes.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { after, before, describe, it } from 'node:test'
import { errors, startAction, type ActionRun } from '../helpers/action.js'
import { BACKEND_KEY, REAL_PYTHON, realSdkEnv, startBackend, type Backend } from '../helpers/backend.js'
import { launchMetricJob } from '../helpers/metric-job.js'

const SHA1 = '1'.repeat(40)
const SHA2 = '2'.repeat(40)
const METRICS = { 'eval/acc': 0.93 }
const POLL = { WANDB_LAUNCH_ACTION_POLL_SECONDS: '0.2,0.5' }

/** What a GitHub runner sets for a push to main, in workflow run `run`. */
function runner(sha: string, run = '7001', attempt = '1'): Record<string, string> {
  return {
    GITHUB_REPOSITORY: 'octo/models',
    GITHUB_SHA: sha,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_WORKFLOW: 'Train',
    GITHUB_JOB: 'train',
    GITHUB_RUN_ID: run,
    GITHUB_RUN_ATTEMPT: attempt,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_ACTOR: 'mona'
  }
}

interface Recorded {
  config: Record<string, unknown>
  raw: string[]
  notes: string | null
  state: string
}

/** The run as the real SDK's public API reads it: config (user keys), internal keys, notes. */
function recorded(backend: Backend, runId: string): Recorded {
  return python(
    backend,
    `
run = api.run("ent/proj/" + arg)
print(json.dumps({"config": run.config, "raw": sorted(run.rawconfig), "notes": run.notes, "state": run.state}))`,
    runId
  ) as Recorded
}

/** The IDs of the runs in ent/proj that match `filters`, through the public API's runs(). */
function matching(backend: Backend, filters: Record<string, unknown>): string[] {
  return python(
    backend,
    'print(json.dumps(sorted(r.id for r in api.runs("ent/proj", filters=json.loads(arg)))))',
    JSON.stringify(filters)
  ) as string[]
}

function python(backend: Backend, code: string, arg: string): unknown {
  const r = spawnSync(REAL_PYTHON, ['-c', `import json, sys, wandb\napi = wandb.Api()\narg = sys.argv[1]\n${code}`, arg], {
    encoding: 'utf8',
    env: { ...process.env, ...realSdkEnv(), WANDB_BASE_URL: backend.url, WANDB_API_KEY: BACKEND_KEY, WANDB_SILENT: 'true' },
    timeout: 60_000
  })
  assert.equal(r.status, 0, r.stderr)
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!)
}

function expectedGithub(sha: string, run = '7001'): Record<string, unknown> {
  return {
    repository: 'octo/models',
    sha,
    ref: 'refs/heads/main',
    event: 'push',
    workflow: 'Train',
    job: 'train',
    run_id: run,
    run_attempt: 1,
    run_url: `https://github.com/octo/models/actions/runs/${run}/attempts/1`,
    pull_request: null,
    head_sha: null,
    actor: 'mona'
  }
}

function act(backend: Backend, inputs: Record<string, string>, env: Record<string, string>, signalOn?: RegExp): Promise<ActionRun> {
  let signalled = false
  return startAction({
    fake: false,
    inputs: { python: REAL_PYTHON, base_url: backend.url, entity: 'ent', project: 'proj', ...inputs },
    env: { ...realSdkEnv(), WANDB_API_KEY: BACKEND_KEY, ...POLL, ...env },
    onStdout: (text, child) => {
      if (signalOn && !signalled && signalOn.test(text)) {
        signalled = true
        child.kill('SIGINT')
      }
    },
    timeoutMs: 120_000
  })
}

describe('provenance on the runs the action launches', { concurrency: 3 }, () => {
  let backend: Backend
  before(async () => {
    backend = await startBackend({ entrypoint: REAL_PYTHON, agentDelay: 0.5 })
  })
  after(async () => backend?.stop())

  it('direct mode: config.github beside the run config, the workflow run in the notes, found by a config.github filter', async () => {
    const run = await launchMetricJob(
      backend,
      { resource: 'local-process' },
      'cprov-d1',
      { metrics: METRICS, steps: 3 },
      { env: runner(SHA1) }
    )
    assert.equal(run.code, 0, run.stdout)
    assert.doesNotMatch(run.stdout, /::warning::/)
    const r = recorded(backend, 'cprov-d1')
    const { launch_key: key, ...github } = r.config.github as Record<string, unknown>
    assert.deepEqual(github, expectedGithub(SHA1))
    assert.match(String(key), /^[0-9a-f]{64}$/)
    // the user's hyperparameters as the job wrote them, nothing of ours among them
    assert.deepEqual(Object.keys(r.config).sort(), ['github', 'metrics', 'steps'])
    assert.deepEqual(r.config.metrics, METRICS)
    assert.ok(r.raw.includes('_wandb'), `the SDK's own keys are kept: ${r.raw.join(', ')}`)
    assert.equal(r.notes, 'Launched from GitHub Actions: https://github.com/octo/models/actions/runs/7001/attempts/1')
    assert.ok(matching(backend, { 'config.github.ref': 'refs/heads/main' }).includes('cprov-d1'))
    assert.deepEqual(matching(backend, { 'config.github.sha': SHA1, 'config.github.launch_key': key }), ['cprov-d1'])
  })

  it('queue mode: the agent starts the job, and the run carries the provenance all the same', async () => {
    const run = await launchMetricJob(
      backend,
      { queue: 'q' },
      'cprov-q1',
      { metrics: METRICS, steps: 3 },
      { env: { ...runner(SHA2, '7002'), ...POLL } }
    )
    assert.equal(run.code, 0, run.stdout)
    const r = recorded(backend, 'cprov-q1')
    const { launch_key: key, ...github } = r.config.github as Record<string, unknown>
    assert.deepEqual(github, expectedGithub(SHA2, '7002'))
    assert.match(String(key), /^[0-9a-f]{64}$/)
    assert.deepEqual(r.config.metrics, METRICS)
    assert.ok(r.raw.includes('_wandb'))
    assert.equal(r.notes, 'Launched from GitHub Actions: https://github.com/octo/models/actions/runs/7002/attempts/1')
  })

  it('provenance: false writes nothing', async () => {
    const run = await launchMetricJob(
      backend,
      { resource: 'local-process', provenance: 'false' },
      'cprov-off',
      { metrics: METRICS, steps: 2 },
      { env: runner(SHA1) }
    )
    assert.equal(run.code, 0, run.stdout)
    const r = recorded(backend, 'cprov-off')
    assert.equal(r.config.github, undefined)
    assert.equal(r.notes, null)
  })
})

describe('reuse: no second launch of the same inputs on the same commit', () => {
  let backend: Backend
  before(async () => {
    backend = await startBackend({ entrypoint: REAL_PYTHON })
  })
  after(async () => backend?.stop())
  const launch = (
    runId: string,
    sha: string,
    runConfig: Record<string, unknown>,
    more: Record<string, string> = {},
    workflowRun = '7001'
  ) => launchMetricJob(backend, { resource: 'local-process', reuse: 'true', ...more }, runId, runConfig, { env: runner(sha, workflowRun) })
  const runs = () => matching(backend, {})

  it('judges the finished run instead of launching; another commit, other inputs or a failed run launch anew', async () => {
    const first = await launch('creuse-a', SHA1, { metrics: METRICS, steps: 3 })
    assert.equal(first.code, 0, first.stdout)
    assert.match(first.stdout, /reuse: no finished or running run of this launch on commit 111111111111 in ent\/proj: launching/)

    // a re-run of the workflow (another run ID): nothing launched, the first run judged
    const again = await launch('creuse-b', SHA1, { metrics: METRICS, steps: 3 }, { gates: 'eval/acc >= 0.9' }, '7009')
    assert.equal(again.code, 0, again.stdout)
    assert.equal(again.outputs.run_id, 'creuse-a')
    assert.equal(again.outputs.state, 'finished')
    assert.equal(again.outputs.gates_passed, 'true')
    assert.equal(JSON.parse(again.outputs.summary ?? '{}')['eval/acc'], 0.93)
    assert.match(
      again.stdout,
      /reuse: W&B run creuse-a \(finished, launched by workflow run https:\/\/github\.com\/octo\/models\/actions\/runs\/7001\/attempts\/1\) ran the same launch inputs on commit 111111111111: it is judged instead of launching a new run/
    )
    assert.match(
      again.stdout,
      /Reused W&B run creuse-a, launched by workflow run https:\/\/github\.com\/octo\/models\/actions\/runs\/7001\/attempts\/1: the same launch inputs on this commit \(reuse: true\), so nothing was launched\. W&B run creuse-a finished/
    )
    assert.match(again.summary, /Reused/)
    assert.ok(!runs().includes('creuse-b'), 'no run creuse-b on W&B')
    // the run keeps the provenance of its own launch
    assert.equal((recorded(backend, 'creuse-a').config.github as Record<string, unknown>).run_id, '7001')

    const otherCommit = await launch('creuse-c', SHA2, { metrics: METRICS, steps: 3 })
    assert.equal(otherCommit.code, 0, otherCommit.stdout)
    assert.equal(otherCommit.outputs.run_id, 'creuse-c')
    const otherInputs = await launch('creuse-d', SHA1, { metrics: METRICS, steps: 4 })
    assert.equal(otherInputs.code, 0, otherInputs.stdout)
    assert.equal(otherInputs.outputs.run_id, 'creuse-d')

    const failed = await launch('creuse-e', SHA1, { metrics: METRICS, steps: 2, exit_code: 1 })
    assert.equal(failed.code, 1, failed.stdout)
    const afterFailure = await launch('creuse-f', SHA1, { metrics: METRICS, steps: 2, exit_code: 1 })
    assert.equal(afterFailure.outputs.run_id, 'creuse-f', 'an earlier failed run is launched again')
    assert.equal(afterFailure.outputs.state, 'failed')
    assert.deepEqual(runs(), ['creuse-a', 'creuse-c', 'creuse-d', 'creuse-e', 'creuse-f'])
  })
})

describe('reuse follows a run of the same launch still running', () => {
  let backend: Backend
  before(async () => {
    backend = await startBackend({ agentDelay: 0.5, env: { HARNESS_SLEEP: '8' } })
  })
  after(async () => backend?.stop())

  it("a second step on the same commit follows the first one's run to its end", async () => {
    const inputs = { job: 'ent/proj/slowjob:latest', queue: 'q', reuse: 'true' }
    let running!: () => void
    const seen = new Promise<void>((resolve) => (running = resolve))
    const first = startAction({
      fake: false,
      inputs: { python: REAL_PYTHON, base_url: backend.url, entity: 'ent', project: 'proj', run_id: 'clive-a', ...inputs },
      env: { ...realSdkEnv(), WANDB_API_KEY: BACKEND_KEY, ...POLL, ...runner(SHA1) },
      onStdout: (text) => {
        if (/W&B run clive-a is running/.test(text)) running()
      },
      timeoutMs: 120_000
    })
    await seen
    await new Promise((r) => setTimeout(r, 1500)) // its provenance is written once the run is seen
    const second = await act(backend, { run_id: 'clive-b', ...inputs }, runner(SHA1, '7003'))
    const firstRun = await first
    assert.equal(firstRun.code, 0, firstRun.stdout)
    assert.equal(second.code, 0, second.stdout)
    assert.equal(second.outputs.run_id, 'clive-a')
    assert.equal(second.outputs.state, 'finished')
    assert.match(
      second.stdout,
      /reuse: W&B run clive-a \(running, launched by workflow run https:\/\/github\.com\/octo\/models\/actions\/runs\/7001\/attempts\/1\)[^\n]*it is followed instead of launching a new run/
    )
    assert.deepEqual(matching(backend, {}), ['clive-a'])
  })
})

describe('attach waits for a run that is not on W&B yet', { concurrency: 3 }, () => {
  let backend: Backend
  // an agent takes an item 15 s after the push: the attaching step starts long before its run
  let slow: Backend
  before(async () => {
    backend = await startBackend({ agentDelay: 4 })
    slow = await startBackend({ agentDelay: 15 })
  })
  after(async () => {
    await backend?.stop()
    await slow?.stop()
  })

  it('attach right after an asynchronous launch follows the run to its end', async () => {
    const pushed = await act(slow, { job: 'ent/proj/myjob:latest', queue: 'q', run_id: 'cappear1', synchronous: 'false' }, runner(SHA1))
    assert.equal(pushed.code, 0, pushed.stdout)
    const run = await act(slow, { attach: 'ent/proj/cappear1', progress_interval: '1s' }, runner(SHA1, '7004'))
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.run_id, 'cappear1')
    assert.equal(run.outputs.state, 'finished')
    const waits = [
      ...run.stdout.matchAll(/W&B run cappear1 is not on W&B yet \(its job has not called wandb\.init\): waiting for it up to 10m 00s/g)
    ]
    assert.ok(waits.length >= 2, `said every progress interval while waiting:\n${run.stdout}`)
    // the launch left no provenance (its run did not exist yet): the attaching workflow's is written
    assert.equal((recorded(slow, 'cappear1').config.github as Record<string, unknown>).run_id, '7004')
  })

  it('attach to a run that never appears ends at queue_timeout, saying what to check', async () => {
    const run = await act(backend, { attach: 'ent/proj/cnever1', queue_timeout: '3s', progress_interval: '0' }, {})
    assert.equal(run.code, 1, run.stdout)
    assert.ok(run.seconds < 20, `${run.seconds}s`)
    assert.equal(run.outputs.state, 'not_launched')
    assert.equal(run.outputs.timed_out, 'false')
    assert.equal(run.outputs.run_id, undefined)
    assert.match(
      errors(run)[0] ?? '',
      /^W&B run ent\/proj\/cnever1 never started: it was not on W&B within 3\.0s \(queue_timeout; empty waits 10m\)\. Check that the step that launched it succeeded and that attach is its entity, project and run_id outputs/
    )
  })

  it('a cancel during the wait ends it at once, and so does timeout', async () => {
    const cancelled = await act(backend, { attach: 'ent/proj/cnever2', progress_interval: '1s' }, {}, /cnever2 is not on W&B yet/)
    assert.equal(cancelled.code, 1, cancelled.stdout)
    assert.ok(cancelled.seconds < 20, `${cancelled.seconds}s`)
    assert.match(errors(cancelled)[0] ?? '', /^Cancelled while waiting for W&B run ent\/proj\/cnever2 to appear: nothing was stopped\./)
    const timedOut = await act(backend, { attach: 'ent/proj/cnever3', timeout: '2s' }, {})
    assert.equal(timedOut.code, 1, timedOut.stdout)
    assert.equal(timedOut.outputs.timed_out, 'true')
    assert.match(errors(timedOut)[0] ?? '', /^W&B run ent\/proj\/cnever3 did not appear within the timeout of 2\.0s: nothing was stopped\./)
  })
})

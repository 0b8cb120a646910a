// ent/proj/metricjob (test/backend: a job that calls wandb.init on the real SDK 0.30.0 and logs
// what its run config says) launched through the action, and its run read back with the real
// SDK's public API.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { startAction, type ActionOptions, type ActionRun } from './action.js'
import { BACKEND_KEY, REAL_PYTHON, realSdkEnv, type Backend } from './backend.js'

/** What the real SDK's public API says about a run: state, summary, history rows, output.log. */
export interface PublicRun {
  state: string
  summary: Record<string, unknown>
  history: Array<Record<string, unknown>>
  log: string
}

export function readBack(backend: Backend, runId: string, what: 'log' | 'no-log' = 'log'): PublicRun {
  const script = `
import json, sys, tempfile, wandb
run = wandb.Api().run("ent/proj/" + sys.argv[1])
rows = run.history(pandas=False)
log = None
if sys.argv[2] == "log":
    log = open(run.file("output.log").download(root=tempfile.mkdtemp()).name).read()
print(json.dumps({"state": run.state, "summary": dict(run.summary_metrics), "history": rows, "log": log}))
`
  const r = spawnSync(REAL_PYTHON, ['-c', script, runId, what], {
    encoding: 'utf8',
    env: { ...process.env, ...realSdkEnv(), WANDB_BASE_URL: backend.url, WANDB_API_KEY: BACKEND_KEY, WANDB_SILENT: 'true' },
    timeout: 60_000
  })
  assert.equal(r.status, 0, r.stderr)
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as PublicRun
}

export interface MetricJobOptions {
  env?: Record<string, string>
  onStart?: ActionOptions['onStart']
  onStdout?: ActionOptions['onStdout']
  /** The interpreter of the action's SDK (the bridge); the job itself runs on the backend's entrypoint. */
  python?: string
  github?: ActionOptions['github']
  timeoutMs?: number
}

/** The action launching ent/proj/metricjob; `where` is a resource or a queue. */
export function launchMetricJob(
  backend: Backend,
  where: Record<string, string>,
  runId: string,
  runConfig: Record<string, unknown>,
  more: MetricJobOptions = {}
): Promise<ActionRun> {
  return startAction({
    fake: false,
    inputs: {
      job: 'ent/proj/metricjob:latest',
      python: more.python ?? REAL_PYTHON,
      base_url: backend.url,
      entity: 'ent',
      project: 'proj',
      run_id: runId,
      config: JSON.stringify({ overrides: { run_config: runConfig } }),
      ...where
    },
    env: { ...realSdkEnv(), WANDB_API_KEY: BACKEND_KEY, ...more.env },
    github: more.github,
    timeoutMs: more.timeoutMs ?? 120_000,
    onStart: more.onStart,
    onStdout: more.onStdout
  })
}

/**
 * metricjob launched on local-process and SIGKILLed once it has printed step 3: W&B's heartbeat
 * timeout is far beyond the test, so only the action can end the run early.
 */
export function launchAndKillMetricJob(
  backend: Backend,
  runId: string,
  more: Pick<MetricJobOptions, 'python' | 'env'> = {}
): Promise<ActionRun> {
  let dir = ''
  let killed = false
  return launchMetricJob(
    backend,
    { resource: 'local-process' },
    runId,
    { metrics: { 'eval/acc': 0.93 }, steps: 50, seconds_per_step: 0.2 },
    {
      ...more,
      env: { ...more.env, HARNESS_OUT_DIR: '{dir}/jobs' },
      onStart: (_child, runnerTemp) => (dir = runnerTemp),
      onStdout: (text) => {
        if (killed || !/\[metricjob\] step 3\/50/.test(text)) return
        killed = true
        const dump = path.join(dir, 'jobs', `env-metricjob-${runId}.json`)
        process.kill((JSON.parse(readFileSync(dump, 'utf8')) as { pid: number }).pid, 'SIGKILL')
      }
    }
  )
}

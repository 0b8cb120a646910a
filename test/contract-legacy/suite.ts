// A selection of the contract tier run with an older real wandb (0.17.3, 0.18.7) against the
// local backend: direct launch that passes and fails, queue mode, and two error paths. The
// virtualenvs are provided by scripts/test.mjs (scripts/real-sdk.mjs, provideWandbLegacy).
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { errors, ROOT, startAction, type ActionRun } from '../helpers/action.js'
import { BACKEND_KEY, REAL_PYTHON, realSdkEnv, startBackend, type Backend } from '../helpers/backend.js'
import { launchAndKillMetricJob, readBack } from '../helpers/metric-job.js'

export function legacySuite(version: string): void {
  const venv = path.join(ROOT, '.cache', `wandb-${version}`)
  const python = path.join(venv, 'bin', 'python')
  let backend: Backend
  before(async () => {
    backend = await startBackend({ agentDelay: 0.5 })
  })
  after(async () => backend.stop())

  function launch(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
    return startAction({
      fake: false,
      inputs: { python, base_url: backend.url, ...inputs },
      env: { ...realSdkEnv(venv), WANDB_API_KEY: BACKEND_KEY, WANDB_LAUNCH_ACTION_POLL_SECONDS: '0.2,0.5', ...env },
      timeoutMs: 90_000
    })
  }

  describe(`the real wandb ${version}`, { concurrency: 2 }, () => {
    it('a direct launch that finishes passes; the run goes where the job lives', async () => {
      const run = await launch({ job: 'ent/proj/myjob:latest', resource: 'local-process', run_id: `l-ok-${version}` })
      assert.equal(run.code, 0, run.stdout)
      assert.equal(run.outputs.wandb_version, version)
      assert.equal(run.outputs.state, 'finished')
      assert.equal(run.outputs.timed_out, 'false')
      assert.equal(run.outputs.run_url, `${backend.url}/ent/proj/runs/l-ok-${version}`)
      assert.match(run.stdout, /entity and project not given: the run goes where the job lives, ent\/proj/)
    })
    it('a direct launch that fails fails the step with state failed', async () => {
      const runId = `l-fail-${version}`
      const run = await launch({ job: 'ent/proj/failjob:latest', resource: 'local-process', run_id: runId })
      assert.equal(run.code, 1, run.stdout)
      assert.equal(run.outputs.state, 'failed')
      const [annotation, ...more] = errors(run)
      assert.deepEqual(more, [])
      // the verdict, then why: the job's exit code and its last lines (issue 13)
      assert.equal(annotation?.split('\n')[0], `W&B run ${runId} failed (${backend.url}/ent/proj/runs/${runId}).`)
      assert.match(annotation ?? '', /\nExit code 1\n/)
    })
    it('queue mode: the job check, the push and the follow work; the run finishes', async () => {
      const runId = `l-q-${version}`
      const run = await launch({ job: 'ent/proj/myjob:latest', queue: 'q', run_id: runId })
      assert.equal(run.code, 0, run.stdout)
      assert.equal(run.outputs.state, 'finished')
      assert.equal(run.outputs.run_url, `${backend.url}/ent/proj/runs/${runId}`)
      assert.ok(run.outputs.queue_item_id)
    })
    it('provenance and reuse: the queued run carries config.github, its own _wandb kept; a second identical launch reuses it', async () => {
      const runner = {
        GITHUB_REPOSITORY: 'octo/models',
        GITHUB_SHA: 'c'.repeat(40),
        GITHUB_REF: 'refs/heads/main',
        GITHUB_RUN_ID: '9001',
        GITHUB_RUN_ATTEMPT: '1'
      }
      const inputs = { job: 'ent/proj/myjob:latest', queue: 'q', reuse: 'true' }
      const first = await launch({ ...inputs, run_id: `l-prov-${version}` }, runner)
      assert.equal(first.code, 0, first.stdout)
      const second = await launch({ ...inputs, run_id: `l-prov2-${version}` }, { ...runner, GITHUB_RUN_ID: '9002' })
      assert.equal(second.code, 0, second.stdout)
      assert.equal(second.outputs.run_id, `l-prov-${version}`)
      assert.match(second.stdout, /so nothing was launched/)
      const read = spawnSync(
        REAL_PYTHON,
        [
          '-c',
          'import json, sys, wandb\nrun = wandb.Api().run(sys.argv[1])\nprint(json.dumps({"github": run.config.get("github"), "raw": sorted(run.rawconfig), "notes": run.notes}))',
          `ent/proj/l-prov-${version}`
        ],
        {
          encoding: 'utf8',
          env: { ...process.env, ...realSdkEnv(), WANDB_BASE_URL: backend.url, WANDB_API_KEY: BACKEND_KEY, WANDB_SILENT: 'true' }
        }
      )
      assert.equal(read.status, 0, read.stderr)
      const run = JSON.parse(read.stdout.trim().split('\n').at(-1)!)
      assert.equal(run.github.run_id, '9001')
      assert.equal(run.github.sha, 'c'.repeat(40))
      assert.ok(run.raw.includes('_wandb'), `the run's _wandb is kept: ${run.raw.join(', ')}`)
      assert.equal(run.notes, 'Launched from GitHub Actions: https://github.com/octo/models/actions/runs/9001/attempts/1')
    })
    it('an alias the job does not have: where it was looked for and the aliases it has', async () => {
      const run = await launch({ job: 'ent/proj/myjob:v7', resource: 'local-process' })
      assert.equal(run.code, 1, run.stdout)
      assert.match(
        errors(run)[0] ?? '',
        /^Job myjob:v7 was not found in ent\/proj: the job exists, but not with alias "v7"; its aliases: "v0", "latest"\. .*\nwandb said: Error accessing job ent\/proj\/myjob:v7/
      )
      assert.equal(run.outputs.state, 'not_launched')
      assert.equal(run.outputs.run_id, undefined)
    })
    it('a job killed mid-run: the step fails and W&B records the run failed (marked through GraphQL: this Run has no update_state)', async () => {
      // the job is metricjob on wandb 0.30.0 (the backend's entrypoint); the launcher is this version
      const jobs = await startBackend({ entrypoint: REAL_PYTHON, heartbeatTimeout: 600 })
      try {
        const runId = `l-killed-${version}`
        const run = await launchAndKillMetricJob(jobs, runId, { python, env: realSdkEnv(venv) })
        assert.equal(run.code, 1, run.stdout)
        assert.equal(run.outputs.wandb_version, version)
        assert.equal(run.outputs.state, 'failed')
        assert.equal(readBack(jobs, runId, 'no-log').state, 'failed')
      } finally {
        await jobs.stop()
      }
    })
    it('a rejected API key: which server, where the key came from', async () => {
      const run = await launch(
        { job: 'ent/proj/myjob:latest', resource: 'local-process' },
        { WANDB_API_KEY: '0123456789abcdef0123456789abcdef01234567' }
      )
      assert.equal(run.code, 1, run.stdout)
      assert.match(errors(run)[0] ?? '', new RegExp(`^The W&B server at ${backend.url} rejected the API key \\(from WANDB_API_KEY\\)`))
      assert.equal(run.outputs.state, 'not_launched')
      assert.match(run.summary, /rejected the API key/)
    })
  })
}

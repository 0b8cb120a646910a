// Cancelling with the real SDK: ent/proj/slowjob sleeps silently, so the SDK's own cancel()
// (a flag read when the job next prints) would never stop it.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { alive, errors, startAction, waitFor, type ActionRun } from '../helpers/action.js'
import { BACKEND_KEY, REAL_PYTHON, realSdkEnv, startBackend, type Backend } from '../helpers/backend.js'
import { processes } from '../helpers/procs.js'

const RUNNER_GRACE_SECONDS = 7.5

let backend: Backend
before(async () => {
  backend = await startBackend()
})
after(async () => backend.stop())

interface JobDump {
  pid: number
  env: Record<string, string>
}

function dumpOf(dir: string): JobDump | undefined {
  const jobs = path.join(dir, 'jobs')
  const name = readdirSync(jobs).find((f) => f.startsWith('env-slowjob-'))
  if (!name) return undefined
  try {
    return JSON.parse(readFileSync(path.join(jobs, name), 'utf8'))
  } catch {
    return undefined
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

describe('SIGINT while ent/proj/slowjob runs (real SDK)', () => {
  const times: number[] = []
  for (let i = 1; i <= 3; i++) {
    it(`run ${i}: the action exits within the runner's 7.5 s and no process of the job is left`, async () => {
      let signalledAt = 0
      let job: JobDump | undefined
      let keyOnCommandLines: string[] = []
      let groupWasThere = false
      const run: ActionRun = await startAction({
        fake: false,
        inputs: {
          job: 'ent/proj/slowjob:latest',
          resource: 'local-process',
          python: REAL_PYTHON,
          base_url: backend.url,
          entity: 'ent',
          project: 'proj'
        },
        env: { ...realSdkEnv(), WANDB_API_KEY: BACKEND_KEY, HARNESS_OUT_DIR: '{dir}/jobs', HARNESS_SLEEP: '120' },
        onStart: (child, dir) => {
          void (async () => {
            job = await waitFor('the job to start', () => dumpOf(dir), 30_000)
            keyOnCommandLines = processes()
              .filter((p) => p.cmdline.includes(BACKEND_KEY))
              .map((p) => `${p.pid}: ${p.cmdline}`)
            groupWasThere = groupAlive(job.pid)
            signalledAt = Date.now()
            child.kill('SIGINT')
          })()
        }
      })
      const seconds = (Date.now() - signalledAt) / 1000
      times.push(seconds)
      assert.deepEqual(keyOnCommandLines, [], 'the API key is on no command line while the job runs')
      assert.equal(run.code, 1, run.stdout)
      assert.ok(seconds < RUNNER_GRACE_SECONDS, `exited ${seconds}s after SIGINT`)
      assert.equal(run.outputs.state, 'stopped')
      assert.equal(run.outputs.run_id, job!.env.WANDB_RUN_ID)
      assert.match(errors(run)[0] ?? '', /^Cancelled: W&B run \w+ was stopped/)
      assert.ok(!alive(job!.pid), `job ${job!.pid} is gone`)
      assert.ok(groupWasThere, 'the job ran in a process group of its own')
      assert.ok(!groupAlive(job!.pid), 'its process group is empty')
    })
  }
  after(() => {
    const sorted = [...times].sort((a, b) => a - b)
    console.log(
      `signal to exit, real SDK: median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(2)}s of ${times.map((t) => t.toFixed(2)).join(', ')}`
    )
  })
})

// The action with the real wandb SDK (0.30.0) against the local W&B backend, resource
// local-process, on a machine with a docker client and no Docker daemon.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { alive, errors, startAction, waitFor, type ActionRun } from '../helpers/action.js'
import { BACKEND_KEY, REAL_PYTHON, realSdkEnv, startBackend, type Backend } from '../helpers/backend.js'
import { assertMixedOutput, printJob } from '../helpers/print-job.js'
import { processes } from '../helpers/procs.js'

let backend: Backend
before(async () => {
  backend = await startBackend()
})
after(async () => backend.stop())

function launch(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  return startAction({
    fake: false,
    inputs: { resource: 'local-process', python: REAL_PYTHON, base_url: backend.url, entity: 'ent', project: 'proj', ...inputs },
    env: { ...realSdkEnv(), WANDB_API_KEY: BACKEND_KEY, ...env },
    timeoutMs: 60_000
  })
}

/** The harness jobs write their dump where HARNESS_OUT_DIR points; RUNNER_TEMP is the test dir. */
function harnessEnv(
  run: ActionRun,
  job: string,
  runId: string
): { env: Record<string, string>; argv: string[]; pid: number; ppid: number } {
  return JSON.parse(readFileSync(path.join(run.dir, 'jobs', `env-${job}-${runId}.json`), 'utf8'))
}

describe('ent/proj/myjob with the real SDK', () => {
  let run: ActionRun
  before(async () => {
    run = await launch({ job: 'ent/proj/myjob:latest' }, { HARNESS_OUT_DIR: '{dir}/jobs' })
  })
  it('passes the step', () => assert.equal(run.code, 0, run.stdout))
  it('sets the outputs', () => {
    const id = run.outputs.run_id ?? ''
    assert.match(id, /^[0-9a-z]{8}$/)
    assert.equal(run.outputs.state, 'finished')
    assert.equal(run.outputs.entity, 'ent')
    assert.equal(run.outputs.project, 'proj')
    assert.equal(run.outputs.run_url, `${backend.url}/ent/proj/runs/${id}`)
    assert.equal(run.outputs.wandb_version, '0.30.0')
  })
  it('the job sees WANDB_RUN_ID equal to the run_id output', () => {
    const job = harnessEnv(run, 'myjob', run.outputs.run_id!)
    assert.equal(job.env.WANDB_RUN_ID, run.outputs.run_id)
    assert.equal(String(job.pid), run.outputs.backend_id)
  })
  it('never prints the API key, and keeps it off the job command line the SDK logs', () => {
    const printed = run.stdout.replace(`::add-mask::${BACKEND_KEY}`, '')
    assert.ok(!printed.includes(BACKEND_KEY))
    assert.ok(!run.stderr.includes(BACKEND_KEY))
    assert.match(run.stdout, /Launching run as a local-process with command (?!.*WANDB_API_KEY)/)
  })
  it('the job still gets the key, from its environment', () => {
    assert.match(harnessEnv(run, 'myjob', run.outputs.run_id!).env.WANDB_API_KEY ?? '', /redacted len=40/)
  })
  it('says in one line that W&B has no run (myjob never calls wandb.init), without a warning', () => {
    const lines = run.stdout.split('\n').filter((l) => l.includes('W&B has no run'))
    assert.deepEqual(lines, [`W&B has no run ent/proj/${run.outputs.run_id}: the job did not call wandb.init, or wrote its run elsewhere`])
    assert.doesNotMatch(run.stdout, /::warning::/)
  })
})

describe('ent/proj/failjob with the real SDK', () => {
  it('fails the step with state failed, naming the run and its URL', async () => {
    const run = await launch({ job: 'ent/proj/failjob:latest', run_id: 'contract-fail-1' })
    assert.equal(run.code, 1)
    assert.equal(run.outputs.state, 'failed')
    assert.equal(run.outputs.run_id, 'contract-fail-1')
    // the verdict, then (issue 13) the exit code and the job's last lines (test/contract/follow.test.ts)
    const [annotation, ...more] = errors(run)
    assert.deepEqual(more, [])
    assert.equal(
      annotation?.split('\n').slice(0, 2).join('\n'),
      `W&B run contract-fail-1 failed (${backend.url}/ent/proj/runs/contract-fail-1).\nExit code 1`
    )
  })
})

describe('SDK errors with the real SDK', () => {
  it('an unknown job fails the step with the SDK message, traceback only in debug', async () => {
    const run = await launch({ job: 'ent/proj/nosuchjob:latest' })
    assert.equal(run.code, 1)
    const [message] = errors(run)
    // the cause-and-fix line first (test/contract/errors.test.ts), then the SDK's message
    assert.match(
      message ?? '',
      /^Job nosuchjob:latest was not found in ent\/proj: .*\nwandb said: Error accessing job ent\/proj\/nosuchjob:latest: Job artifact ent\/proj\/nosuchjob:latest not found/
    )
    assert.ok(!/Traceback/.test(message ?? ''))
    assert.match(run.stdout, /::debug::Traceback/)
    assert.equal(run.outputs.run_id, undefined)
  })
  it('a wrong API key fails the step with the SDK message and does not print the key', async () => {
    const wrong = '0123456789abcdef0123456789abcdef01234567'
    const run = await launch({ job: 'ent/proj/myjob:latest', api_key: wrong })
    assert.equal(run.code, 1)
    assert.match(errors(run)[0] ?? '', /credentials|401|API key/i)
    assert.ok(!run.stdout.replace(`::add-mask::${wrong}`, '').includes(wrong))
  })
})

describe('synchronous: false with the real SDK (ent/proj/slowjob, local-process)', () => {
  it('returns while the job runs on; the job, the bridge and its wandb-core end when the job does', async () => {
    const run = await launch(
      { job: 'ent/proj/slowjob:latest', synchronous: 'false', run_id: 'contract-async-1' },
      { HARNESS_OUT_DIR: '{dir}/jobs', HARNESS_SLEEP: '3' }
    )
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.state, 'running')
    assert.equal(run.outputs.run_id, 'contract-async-1')
    const job = await waitFor('the job to start', () => {
      try {
        return harnessEnv(run, 'slowjob', 'contract-async-1')
      } catch {
        return undefined
      }
    })
    assert.ok(alive(job.pid), 'the job outlives the step')
    const log = path.join(run.dir, 'wandb-launch-contract-async-1.log')
    await waitFor('the job to end', () => (!alive(job.pid) ? true : undefined), 15_000)
    await waitFor('the bridge to leave', () => (!alive(job.ppid) ? true : undefined), 10_000)
    assert.match(readFileSync(log, 'utf8'), /\[harness job slowjob\] WANDB_RUN_ID=contract-async-1 exiting 0/)
  })
})

describe("the launcher's wandb-core with the real SDK", () => {
  // The bridge has the SDK start it early, beside the launch modules' import :
  // the launch must then use that one, not start a second.
  it('is one process for the whole launch', async () => {
    let dir = ''
    const running = startAction({
      fake: false,
      inputs: {
        resource: 'local-process',
        python: REAL_PYTHON,
        base_url: backend.url,
        entity: 'ent',
        project: 'proj',
        job: 'ent/proj/slowjob:latest',
        run_id: 'contract-one-core'
      },
      env: { ...realSdkEnv(), WANDB_API_KEY: BACKEND_KEY, HARNESS_OUT_DIR: '{dir}/jobs', HARNESS_SLEEP: '2' },
      onStart: (_child, runDir) => (dir = runDir),
      timeoutMs: 60_000
    })
    const cores = await waitFor(
      'the job to start',
      () => {
        try {
          const job = JSON.parse(readFileSync(path.join(dir, 'jobs', 'env-slowjob-contract-one-core.json'), 'utf8')) as { ppid: number }
          return processes()
            .filter((p) => p.ppid === job.ppid && p.cmdline.includes('wandb-core'))
            .map((p) => p.pid)
        } catch {
          return undefined
        }
      },
      20_000
    )
    const run = await running
    assert.equal(run.code, 0, run.stdout)
    assert.equal(cores.length, 1, `the bridge's wandb-core processes while the job ran: ${cores.join(', ') || 'none'}`)
  })
})

describe('job output with the real SDK', () => {
  it('reaches the log as the job printed it: every line whole, the long one cut, the bar by its last state', async () => {
    const run = await launch({ job: 'ent/proj/myjob:latest', entry_point: printJob(REAL_PYTHON, 'mixed') })
    assert.equal(run.code, 0, run.stdout)
    const start = run.stdout.indexOf('::group::Launch')
    assertMixedOutput(run.stdout.slice(start, run.stdout.indexOf('::endgroup::', start)))
  })
})

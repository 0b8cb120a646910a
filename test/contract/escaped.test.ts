// Linux, real SDK (0.30.0): a local-process job's descendant that left the job's process group
// (setsid) and ignores SIGTERM is ended with the job, on a cancel and when the job ends by itself:
// the bridge is the child subreaper of what the job starts. The fake SDK's
// twin is test/e2e/escaped.test.ts.
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startAction, waitFor, type ActionRun } from '../helpers/action.js'
import { BACKEND_KEY, REAL_PYTHON, realSdkEnv, startBackend, type Backend } from '../helpers/backend.js'
import { proc } from '../helpers/procs.js'

/** From the action's exit until the escaped grandchild must be gone. */
const GONE_WITHIN_MS = 2_000

let backend: Backend
before(async () => {
  backend = await startBackend()
})
after(async () => backend.stop())

/** The job (bash): a grandchild in a session of its own that ignores SIGTERM, then `rest`. Both
 *  write their PIDs to $ESCAPE_DIR; the grandchild keeps the job's stdout, as a careless job would. */
function escapingJob(rest: string): string {
  return [
    `setsid bash -c 'trap "" TERM; echo $$ > "$ESCAPE_DIR/grandchild.tmp"; mv "$ESCAPE_DIR/grandchild.tmp" "$ESCAPE_DIR/grandchild"; exec sleep 300' &`,
    'while [ ! -s "$ESCAPE_DIR/grandchild" ]; do sleep 0.05; done',
    'echo $$ > "$ESCAPE_DIR/job"',
    'echo "escaping job: grandchild $(cat "$ESCAPE_DIR/grandchild") started"',
    rest
  ].join('\n')
}

/** Gone or a zombie (a dead process its new parent has not reaped yet). */
function gone(pid: number): boolean {
  const p = proc(pid)
  return p === undefined || p.state === 'Z'
}

async function runEscaping(runId: string, rest: string, cancel: boolean): Promise<{ run: ActionRun; grandchild: number; job: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'escaped-'))
  const pidIn = (name: string) => (existsSync(path.join(dir, name)) ? Number(readFileSync(path.join(dir, name), 'utf8')) : undefined)
  const run = await startAction({
    fake: false,
    inputs: {
      job: 'ent/proj/myjob:latest',
      resource: 'local-process',
      entry_point: JSON.stringify(['bash', '-c', escapingJob(rest)]),
      python: REAL_PYTHON,
      base_url: backend.url,
      entity: 'ent',
      project: 'proj',
      run_id: runId
    },
    env: { ...realSdkEnv(), WANDB_API_KEY: BACKEND_KEY, ESCAPE_DIR: dir },
    onStart: (child) => {
      if (!cancel) return
      void waitFor('the job and its grandchild', () => pidIn('job'), 60_000).then(() => child.kill('SIGINT'))
    },
    timeoutMs: 90_000
  })
  const grandchild = pidIn('grandchild')
  const job = pidIn('job')
  assert.ok(grandchild && job, `the job started its grandchild: ${run.stdout.slice(-2000)}`)
  try {
    await waitFor(`the escaped grandchild ${grandchild} to be gone`, () => (gone(grandchild) ? true : undefined), GONE_WITHIN_MS)
  } finally {
    if (!gone(grandchild)) process.kill(grandchild, 'SIGKILL') // leave nothing behind on this machine
  }
  return { run, grandchild, job }
}

describe("descendants that escaped the job's process group, local-process (real SDK, Linux)", () => {
  it('cancel: the setsid grandchild that ignores SIGTERM is gone when the action exits', async () => {
    const { run, job } = await runEscaping('escaped-cancel', 'sleep 300', true)
    assert.equal(run.code, 1, run.stdout)
    assert.equal(run.outputs.state, 'stopped')
    assert.ok(gone(job), 'the job is gone')
  })

  it('a job that ends by itself: what it left running is ended too', async () => {
    const { run } = await runEscaping('escaped-exit', 'exit 0', false)
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.state, 'finished')
  })
})

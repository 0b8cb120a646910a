// Cancellation and timeout, end to end with the fake SDK: the runner sends SIGINT on a cancelled
// workflow, SIGTERM 7.5 s later, then kills the tree; children get no signal of their own.
import assert from 'node:assert/strict'
import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { alive, errors, jobDump, startAction, TEST_KEY, waitFor, type ActionRun } from '../helpers/action.js'

const RUNNER_GRACE_SECONDS = 7.5
/** The action's promise: from SIGINT or the timeout to its exit, whatever the backend does. */
const CANCEL_BOUND_SECONDS = 5

interface Cancelled {
  run: ActionRun
  /** Seconds from the first signal to the action's exit. */
  exitSeconds: number
  job?: { pid: number; pgid: number }
}

/** Starts the action, waits for the job to be running, then sends the signals. */
async function cancelWhileRunning(inputs: Record<string, string>, signals: NodeJS.Signals[], env = {}): Promise<Cancelled> {
  let signalledAt = 0
  let job: Cancelled['job']
  const run = await startAction({
    inputs: { api_key: TEST_KEY, resource: 'local-process', ...inputs },
    env,
    onStart: (child: ChildProcess, dir: string) => {
      void (async () => {
        if (inputs.resource && inputs.resource !== 'local-process') {
          // submitted: the run_id output is written before the action starts waiting
          await waitFor('the remote run', () => readFileSync(path.join(dir, 'output'), 'utf8').includes('run_id<<') || undefined)
        } else {
          job = await waitFor('the job to start', () => jobDump(dir, inputs.run_id!))
        }
        signalledAt = Date.now()
        for (const [i, signal] of signals.entries()) {
          if (i > 0) await new Promise((r) => setTimeout(r, 150))
          child.kill(signal)
        }
      })()
    }
  })
  return { run, job, exitSeconds: (Date.now() - signalledAt) / 1000 }
}

function assertStopped(c: Cancelled, runId: string): void {
  assert.equal(c.run.code, 1, c.run.stdout)
  assert.ok(c.exitSeconds < RUNNER_GRACE_SECONDS, `exited ${c.exitSeconds}s after the signal`)
  assert.equal(c.run.outputs.run_id, runId)
  assert.equal(c.run.outputs.state, 'stopped')
  assert.match(errors(c.run)[0] ?? '', new RegExp(`^Cancelled: W&B run ${runId} was stopped`))
  assert.match(c.run.summary, /stopped \(cancelled\)/)
}

describe('cancelling a local run that never ends', () => {
  // Repeated signals are tested below, during a cancel that lasts: here the cancel takes ~0.1 s, and a
  // signal that arrives as Node exits (its handlers already closed) would end it by that signal.
  for (const signals of [['SIGINT'], ['SIGTERM']] as NodeJS.Signals[][]) {
    it(`${signals.join(' + ')}: the SDK is asked to cancel, the job's process group is gone, outputs set`, async () => {
      const runId = `cx${signals.length}${signals[0]!.slice(3, 6).toLowerCase()}`
      const c = await cancelWhileRunning({ job: 'e/p/forever:latest', run_id: runId }, signals)
      assertStopped(c, runId)
      assert.equal(c.run.calls.filter((call) => call.call === 'cancel').length, 1)
      assert.ok(c.job && !alive(c.job.pid), 'the job process is gone')
      assert.throws(() => process.kill(-c.job!.pgid, 0), 'no process of the job group is left')
    })
  }

  it('SIGINT + SIGINT + SIGTERM while the cancel is still running: one cancel, nothing abandoned', async () => {
    // the stubborn job keeps the cancel busy for its grace period, so every signal lands inside it
    const c = await cancelWhileRunning({ job: 'e/p/stubborn:latest', run_id: 'stubborn3' }, ['SIGINT', 'SIGINT', 'SIGTERM'])
    assertStopped(c, 'stubborn3')
    assert.ok(c.exitSeconds > 2.5, `the cancel ran to its end (${c.exitSeconds}s)`)
    assert.equal(c.run.calls.filter((call) => call.call === 'cancel').length, 1)
    assert.match(c.run.stdout, /Received SIGINT again: still cancelling the run/)
    assert.throws(() => process.kill(-c.job!.pgid, 0))
  })
  it('a job that ignores SIGTERM is killed after the grace period, still within the window', async () => {
    const c = await cancelWhileRunning({ job: 'e/p/stubborn:latest', run_id: 'stubborn1' }, ['SIGINT'])
    assertStopped(c, 'stubborn1')
    assert.ok(c.exitSeconds > 2.5, `the grace period was honoured (${c.exitSeconds}s)`)
    assert.throws(() => process.kill(-c.job!.pgid, 0))
  })
})

describe('cancelling a remote run', () => {
  it('calls cancel() and reports the state after it', async () => {
    const c = await cancelWhileRunning({ job: 'e/p/forever:latest', run_id: 'remote1', resource: 'kubernetes' }, ['SIGINT'])
    assertStopped(c, 'remote1')
    assert.deepEqual(
      c.run.calls.filter((call) => call.call === 'cancel').map((call) => call.run),
      ['launch-remote1']
    )
  })
  it('a cancel() that raises is reported', async () => {
    const c = await cancelWhileRunning({ job: 'e/p/forever:latest', run_id: 'remote2', resource: 'kubernetes' }, ['SIGTERM'], {
      FAKE_WANDB_CANCEL_ERROR: 'Failed to delete Kubernetes Job launch-remote2'
    })
    assert.equal(c.run.code, 1)
    assert.match(errors(c.run)[0] ?? '', /The cancel reported: LaunchError: Failed to delete Kubernetes Job launch-remote2/)
  })
  for (const [how, hang] of [
    ['an API that never answers (kubernetes_asyncio)', 'async'],
    ["a blocking client (SageMaker's boto3, the Vertex client)", 'sync']
  ] as const) {
    it(`a cancel() that hangs, ${how}: exit within ${CANCEL_BOUND_SECONDS} s of SIGINT, state unconfirmed, said so`, async () => {
      const runId = `hang-${hang}`
      const c = await cancelWhileRunning({ job: 'e/p/forever:latest', run_id: runId, resource: 'kubernetes' }, ['SIGINT'], {
        FAKE_WANDB_CANCEL_HANG: hang
      })
      assert.equal(c.run.code, 1, c.run.stdout)
      assert.ok(c.exitSeconds <= CANCEL_BOUND_SECONDS, `exited ${c.exitSeconds}s after SIGINT`)
      assert.equal(c.run.outputs.state, 'unconfirmed')
      // the cancel's own deadline said so, not the bridge's last-resort watchdog
      assert.match(
        errors(c.run)[0] ?? '',
        new RegExp(
          `^Cancelled: could not confirm the run was stopped: \\S+/runs/${runId}\\. .*The cancel reported: KubernetesSubmittedRun\\.cancel\\(\\) did not return within 3\\.0s`
        )
      )
      assert.match(c.run.summary, /could not confirm the run was stopped/)
      assert.equal(c.run.calls.filter((call) => call.call === 'cancel').length, 1)
    })
  }
})

describe("cancelling a remote run whose runner's API stopped answering while it was followed", () => {
  // The cancel does not wait for the wait's get_status(); the run's cancel() then gets its answer.
  it('the cancel does not wait for it: the run is stopped within seconds of SIGINT', async () => {
    const c = await cancelWhileRunning({ job: 'e/p/forever:latest', run_id: 'status-hang', resource: 'kubernetes' }, ['SIGINT'], {
      FAKE_WANDB_STATUS_HANG: '1'
    })
    assert.equal(c.run.code, 1, c.run.stdout)
    // the bridge's last-resort watchdog would end it at 4.2 s, as unconfirmed
    assert.ok(c.exitSeconds < 3, `exited ${c.exitSeconds}s after SIGINT`)
    assert.equal(c.run.outputs.state, 'stopped')
    assert.equal(c.run.outputs.run_id, 'status-hang')
    assert.match(errors(c.run)[0] ?? '', /^Cancelled: W&B run status-hang was stopped/)
    assert.equal(c.run.calls.filter((call) => call.call === 'cancel').length, 1)
  })
  it('a poll without an answer is asked again (after a minute; 1 s here), said in the log', async () => {
    let asked = 0
    const run = await startAction({
      inputs: { api_key: TEST_KEY, resource: 'kubernetes', job: 'e/p/forever:latest', run_id: 'status-reask' },
      env: { FAKE_WANDB_STATUS_HANG: '1', WANDB_LAUNCH_ACTION_CALL_SECONDS: '1' },
      onStdout: (text, child) => {
        asked = text.match(/KubernetesSubmittedRun\.get_status\(\) did not answer within 1s: asking again/g)?.length ?? 0
        if (asked >= 2 && child.signalCode === null && !child.killed) child.kill('SIGINT')
      }
    })
    assert.equal(asked >= 2, true, run.stdout)
    assert.equal(run.outputs.state, 'stopped')
  })
  it('nor does the timeout: the run is stopped soon after it', async () => {
    const run = await startAction({
      inputs: { api_key: TEST_KEY, resource: 'kubernetes', job: 'e/p/forever:latest', run_id: 'status-hang-timeout', timeout: '2s' },
      env: { FAKE_WANDB_STATUS_HANG: '1' }
    })
    assert.equal(run.code, 1, run.stdout)
    assert.ok(run.seconds < 10, `${run.seconds}s for a 2 s timeout`)
    assert.equal(run.outputs.timed_out, 'true')
    assert.equal(run.outputs.state, 'stopped')
    assert.equal(run.calls.filter((call) => call.call === 'cancel').length, 1)
  })
})

describe('cancelling before the run exists', () => {
  it('exits promptly and starts nothing afterwards', async () => {
    let signalledAt = 0
    const run = await startAction({
      inputs: { api_key: TEST_KEY, resource: 'local-process', job: 'e/p/slow-fetch:latest', run_id: 'early1' },
      env: { FAKE_WANDB_FETCH_SECONDS: '30' },
      onStdout: (text, child) => {
        if (!signalledAt && text.includes('Launching job: e/p/slow-fetch')) {
          signalledAt = Date.now()
          child.kill('SIGINT')
        }
      }
    })
    const seconds = (Date.now() - signalledAt) / 1000
    assert.equal(run.code, 1)
    assert.ok(seconds < 3, `${seconds}s`)
    assert.deepEqual(errors(run), ['Cancelled before the run was submitted: nothing was launched.'])
    await new Promise((r) => setTimeout(r, 500))
    assert.equal(jobDump(run.dir, 'early1'), undefined)
    assert.equal(run.outputs.run_id, undefined)
  })
})

describe('timeout', () => {
  it('cancels the run when it passes, timed_out true, the step fails naming it', async () => {
    const run = await startAction({
      inputs: { api_key: TEST_KEY, resource: 'local-process', job: 'e/p/forever:latest', run_id: 'late1', timeout: '2s' }
    })
    assert.equal(run.code, 1)
    assert.equal(run.outputs.timed_out, 'true')
    assert.equal(run.outputs.state, 'stopped')
    assert.match(errors(run)[0] ?? '', /^W&B run late1 did not finish within the timeout of 2\.0s and was cancelled; state stopped/)
    assert.ok(run.seconds < 6, `${run.seconds}s`)
    const job = jobDump(run.dir, 'late1')!
    assert.ok(!alive(job.pid))
  })
  it('does not touch a run that ends in time', async () => {
    const run = await startAction({
      inputs: { api_key: TEST_KEY, resource: 'local-process', job: 'e/p/ok:latest', timeout: '1h30m' }
    })
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.timed_out, 'false')
  })
})

describe('the action killed outright (SIGKILL, no chance to cancel)', () => {
  it('the bridge notices, stops the run, and leaves no process behind', async () => {
    let job: { pid: number; pgid: number } | undefined
    await startAction({
      inputs: { api_key: TEST_KEY, resource: 'local-process', job: 'e/p/forever:latest', run_id: 'orphan1' },
      onStart: (child, dir) => {
        void (async () => {
          job = await waitFor('the job to start', () => jobDump(dir, 'orphan1'))
          child.kill('SIGKILL')
        })()
      }
    })
    await waitFor('the job to be stopped', () => (alive(job!.pid) ? undefined : true), 6_000)
    assert.throws(() => process.kill(-job!.pgid, 0))
  })
})

// A job or a server that tries to reach the runner (fake SDK): the job finds none of the runner's
// file-command paths or tokens, and nothing it or the server prints becomes a workflow command.
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { errors, startAction, TEST_KEY } from '../helpers/action.js'
import { obeyedCommands } from '../helpers/commands.js'

const RUNNER_ENV = {
  ACTIONS_RUNTIME_TOKEN: 'runtime-token-x',
  ACTIONS_RUNTIME_URL: 'http://127.0.0.1:9/runtime/',
  ACTIONS_CACHE_URL: 'http://127.0.0.1:9/cache/',
  ACTIONS_RESULTS_URL: 'http://127.0.0.1:9/results/',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-token-x',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/oidc',
  MY_SETTING: 'kept'
}

/** A forged command: one of the lines the job or the server printed, obeyed on its own. */
const forged = (stdout: string) => obeyedCommands(stdout).filter((c) => /^(::warning::|##\[error\])forged/.test(c))

/** Commands the action itself prints outside its log group. */
const OWN = /^::(stop-commands|add-mask|set-output|group|endgroup|error|warning|notice|debug)::|^::(error|warning|notice)[ :]/

describe('a hostile local job', () => {
  for (const resource of ['local-process', 'local-container']) {
    it(`${resource}: writes no file command and sees none of the runner's paths, tokens or inputs`, async () => {
      const run = await startAction({
        inputs: { api_key: TEST_KEY, resource, job: 'e/p/hostile:latest', run_id: `hostile-${resource}` },
        env: RUNNER_ENV
      })
      assert.equal(run.code, 0, run.stdout)
      const job = run.jobs[`hostile-${resource}`] as unknown as { runner_names: string[]; env: Record<string, string> }
      assert.deepEqual(job.runner_names, [], 'the job sees no runner file, token or INPUT_*')
      assert.equal(run.laterEnv, '', 'GITHUB_ENV is untouched')
      assert.equal(run.laterPath, '', 'GITHUB_PATH is untouched')
      assert.ok(!run.summary.includes('forged'), "the job summary is the action's")
      assert.equal(run.outputs.state, 'finished', "state is the action's")
      assert.deepEqual(
        obeyedCommands(run.stdout).filter((c) => !OWN.test(c)),
        []
      )
      assert.deepEqual(forged(run.stdout), [])
      assert.match(run.stdout, /warning::forged by the job/, 'the job did print it')
    })
  }

  it('the job keeps the rest of the environment (MY_SETTING reaches it)', async () => {
    const run = await startAction({
      inputs: { api_key: TEST_KEY, resource: 'local-process', job: 'e/p/ok:latest', run_id: 'keeps-env', config: 'overrides: {}' },
      env: { ...RUNNER_ENV, WANDB_MY_SETTING: 'kept-too' }
    })
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.jobs['keeps-env']!.env.WANDB_MY_SETTING, 'kept-too')
  })
})

describe("the job's standard input", () => {
  // Node's pipes are sockets; bash with a socket on stdin takes itself for a remote shell and runs
  // ~/.bashrc, which may put another python first on PATH. The bridge's request pipe is not the job's.
  it("is /dev/null: the job's bash -c runs no ~/.bashrc and keeps the step's PATH", async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'wandb-launch-home-'))
    writeFileSync(path.join(home, '.bashrc'), 'echo "bashrc ran"\nexport PATH=/from-bashrc:$PATH\n')
    const check =
      'import os, stat; print("stdin of the job:", "socket" if stat.S_ISSOCK(os.fstat(0).st_mode) else os.path.realpath("/proc/self/fd/0")); print("PATH of the job:", os.environ["PATH"].split(":")[0])'
    const run = await startAction({
      inputs: {
        api_key: TEST_KEY,
        resource: 'local-process',
        job: 'e/p/ok:latest',
        run_id: 'stdin-null',
        entry_point: `python3 -c '${check}'`
      },
      env: { HOME: home }
    })
    assert.equal(run.code, 0, run.stdout)
    assert.match(run.stdout, /stdin of the job: \/dev\/null/)
    assert.doesNotMatch(run.stdout, /bashrc ran/)
    assert.doesNotMatch(run.stdout, /PATH of the job: \/from-bashrc/)
    assert.match(run.stdout, /PATH of the job: \//, 'the job printed its PATH')
  })
})

describe('a hostile server', () => {
  it('an item state holding workflow commands is printed inert, in the log and after it', async () => {
    const run = await startAction({
      inputs: {
        api_key: TEST_KEY,
        entity: 'ent',
        project: 'proj',
        job: 'ent/proj/ok:latest',
        queue: 'hostile-queue',
        run_id: 'hostile-q',
        synchronous: 'false'
      },
      env: { FAKE_WANDB_AGENT_DELAY: '0.2' }
    })
    assert.equal(run.code, 0, run.stdout)
    assert.match(run.stdout, /forged by the server/, 'the text is shown')
    assert.deepEqual(forged(run.stdout), [])
    assert.deepEqual(errors(run), [])
  })

  it('a failed item whose state is hostile is not obeyed either (cancel while pending)', async () => {
    let signalled = false
    const run = await startAction({
      inputs: {
        api_key: TEST_KEY,
        entity: 'ent',
        project: 'proj',
        job: 'ent/proj/ok:latest',
        queue: 'hostile-queue',
        run_id: 'hostile-q2'
      },
      env: { FAKE_WANDB_AGENT_DELAY: '0.2', WANDB_LAUNCH_ACTION_POLL_SECONDS: '0.05,0.2' },
      onStdout: (text, child) => {
        if (!signalled && /Queued on hostile-queue/.test(text)) {
          signalled = true
          child.kill('SIGTERM')
        }
      }
    })
    assert.equal(run.code, 1, run.stdout)
    assert.deepEqual(forged(run.stdout), [])
  })
})

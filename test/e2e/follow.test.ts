// Following a run (issue 13), end to end with the fake SDK: progress and heartbeats of a queued
// run, why a run failed (the annotation and the summary), attach to a run launched before, and
// where an asynchronous local run's output goes. The fake server (wandb/_fake_server.py) gives
// every run a summary of 10 steps a second and an output.log; FAKE_WANDB_SEED stands for the runs
// and items an earlier job made.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { after, describe, it } from 'node:test'
import { alive, endJob, errors, jobDump, startAction, TEST_KEY, waitFor, type ActionRun } from '../helpers/action.js'

const base = { api_key: TEST_KEY, entity: 'ent', project: 'proj' }
const fastPolls = { WANDB_LAUNCH_ACTION_POLL_SECONDS: '0.05,0.2', FAKE_WANDB_AGENT_DELAY: '0.2' }

function follow(
  inputs: Record<string, string>,
  options: { env?: Record<string, string>; signalOn?: RegExp; seed?: object } = {}
): Promise<ActionRun> {
  let signalled = false
  return startAction({
    inputs: { ...base, ...inputs },
    env: {
      ...fastPolls,
      ...(options.seed ? { FAKE_WANDB_SEED: JSON.stringify(options.seed) } : {}),
      ...options.env
    },
    onStdout: (text, child) => {
      if (options.signalOn && !signalled && options.signalOn.test(text)) {
        signalled = true
        child.kill('SIGINT')
      }
    },
    timeoutMs: 30_000
  })
}

const calls = (run: ActionRun, call: string) => run.calls.filter((c) => c.call === call)
const heartbeats = (run: ActionRun) => [...run.stdout.matchAll(/^\[[^\]]+\] W&B run \S+ is running: (.*)$/gm)].map((m) => m[1] as string)
const seededRun = (name: string, state: string, plan: [number, string][] = [], job = 'seeded') => ({
  runs: [{ entity: 'ent', project: 'proj', name, state, plan, job }]
})

describe('a queued run: state changes and heartbeats', async () => {
  const run = await follow(
    {
      job: 'ent/proj/metrics:latest',
      queue: 'q',
      run_id: 'beat1',
      config: JSON.stringify({ overrides: { run_config: { metrics: { 'eval/acc': 0.9, loss: 0.1 }, steps: 5 } } }),
      progress_interval: '1s',
      watch_metrics: 'eval/acc, loss, never/logged'
    },
    { env: { FAKE_WANDB_RUN_SECONDS: '3.5' } }
  )
  it('passes', () => assert.equal(run.code, 0, run.stdout))
  it('prints a line at each state change with the elapsed time', () => {
    for (const text of [/Queued on q/, /Picked up by an agent/, /W&B run beat1 is running$/m, /W&B run beat1 finished/]) {
      assert.match(run.stdout, new RegExp(`^\\[\\d+(\\.\\d)?s\\] .*${text.source}`, 'm'), run.stdout)
    }
  })
  it('prints a heartbeat at most every progress_interval, with the step and the watched metrics', () => {
    const beats = heartbeats(run)
    assert.ok(beats.length >= 2 && beats.length <= 4, `${beats.length} heartbeats:\n${run.stdout}`)
    // the fake agent's metrics job has logged its whole history at its start, steps 0 to 4
    for (const beat of beats) assert.equal(beat, 'step 4, eval/acc=0.9, loss=0.1, never/logged=(not logged yet)')
  })
  it('a heartbeat costs no request of its own: one item or run read per poll', () => {
    assert.equal(calls(run, 'run_file').length, 0) // a finished run's output.log is not read
  })
})

describe('a kubernetes run (direct): state changes, heartbeats through the public API, output.log of a failure', async () => {
  const ok = await follow(
    { job: 'ent/proj/ok:latest', resource: 'kubernetes', run_id: 'k8sbeat', progress_interval: '1s', watch_metrics: 'loss' },
    { env: { FAKE_WANDB_RUN_SECONDS: '2.6' } }
  )
  it('passes, with a line per state and heartbeats carrying step and metric', () => {
    assert.equal(ok.code, 0, ok.stdout)
    assert.match(ok.stdout, /^\[[\d.]+s\] W&B run k8sbeat is running$/m)
    assert.match(ok.stdout, /^\[[\d.]+s\] W&B run k8sbeat finished$/m)
    const beats = heartbeats(ok)
    assert.ok(beats.length >= 1 && beats.length <= 3, ok.stdout)
    // the job has logged nothing on W&B yet
    for (const beat of beats) assert.equal(beat, 'no step logged yet, loss=(not logged yet)')
  })
  const failed = await follow({ job: 'ent/proj/fail:latest', resource: 'kubernetes', run_id: 'k8sfail' })
  it('a failed one: the annotation holds its output.log tail', () => {
    assert.equal(failed.code, 1)
    assert.match(
      errors(failed)[0] ?? '',
      /^W&B run k8sfail failed .*\nLast 20 lines of its output\.log:\n[\s\S]*RuntimeError: fake fail job failed/
    )
  })
})

describe('progress_interval 0: state changes only', async () => {
  const run = await follow(
    { job: 'ent/proj/ok:latest', queue: 'q', progress_interval: '0', watch_metrics: 'loss' },
    { env: { FAKE_WANDB_RUN_SECONDS: '1.5' } }
  )
  it('passes without heartbeats', () => {
    assert.equal(run.code, 0, run.stdout)
    assert.deepEqual(heartbeats(run), [])
  })
})

describe('a queued run that fails: its output.log tail in the annotation and the summary', async () => {
  const run = await follow({ job: 'ent/proj/fail:latest', queue: 'q', run_id: 'qfail1' })
  const [annotation] = errors(run)
  it('fails with the verdict first', () => {
    assert.equal(run.code, 1)
    assert.match(annotation ?? '', /^W&B run qfail1 failed \(https:\/\/wandb\.ai\/ent\/proj\/runs\/qfail1\)\.\n/)
  })
  it('the annotation has the last 20 lines of output.log, the error last', () => {
    const lines = (annotation ?? '').split('\n')
    assert.equal(lines[1], 'Last 20 lines of its output.log:')
    assert.equal(lines.length, 22, annotation)
    assert.match(lines.at(-1)!, /^ {2}RuntimeError: fake fail job failed/)
  })
  it('text from the job never becomes a workflow command or HTML', () => {
    assert.equal(errors(run).length, 1)
    assert.ok(!/^::error::not a command/m.test(run.stdout))
    assert.ok(run.summary.includes('::error::not a command &#60;b&#62;not html&#60;/b&#62;'), run.summary)
    assert.ok(!run.summary.includes('<b>not html'))
  })
  it('the summary holds all 33 lines in a collapsed block', () => {
    const block = /<details><summary>Last 33 lines of its output\.log<\/summary>\n\n<pre>([\s\S]*?)<\/pre>/.exec(run.summary)
    assert.ok(block, run.summary)
    assert.equal(block[1]!.split('\n').length, 33)
  })
  it('reads output.log once, after the end', () => {
    assert.equal(calls(run, 'run_file').length, 1)
    assert.equal(calls(run, 'file_download').length, 1)
  })
})

describe("a failing queue's item: its error, stage and files", async () => {
  const run = await follow({ job: 'ent/proj/ok:latest', queue: 'failing-queue', run_id: 'fq1' })
  const [annotation] = errors(run)
  it('fails naming the error, the stage and the files', () => {
    assert.equal(run.code, 1)
    assert.match(annotation ?? '', /failed before W&B run fq1 started: fake agent: could not start/)
    assert.match(annotation ?? '', /: fake agent: could not start ent\/proj\/ok:latest\nStage: agent\nFiles: \/tmp\/agent-item\.log$/)
    assert.match(
      run.summary,
      /could not start ent\/proj\/ok:latest<\/p>\n<ul><li>Stage: agent<\/li><li>Files: \/tmp\/agent-item\.log<\/li><\/ul>/
    )
  })
})

for (const [how, expected] of [
  ['missing', /No output\.log lines: W(&|&#38;)B has no output\.log for the run/],
  ['huge', /No output\.log lines: its output\.log is 300 MB, too large to fetch here/]
] as const) {
  describe(`a failed run whose output.log is ${how}`, async () => {
    const run = await follow({ job: 'ent/proj/fail:latest', queue: 'q' }, { env: { FAKE_WANDB_OUTPUT_LOG: how } })
    it('fails saying why there are no lines, in the annotation and the summary', () => {
      assert.equal(run.code, 1)
      assert.match(errors(run)[0] ?? '', expected)
      assert.match(run.summary, expected)
      assert.ok(!run.summary.includes('<details>'))
      assert.equal(calls(run, 'file_download').length, 0)
    })
  })
}

describe('a local run that fails: its exit code and last lines', async () => {
  const run = await follow({ job: 'ent/proj/fail:latest', resource: 'local-process', run_id: 'lfail1' })
  const [annotation] = errors(run)
  it('the annotation has the exit code and the job output', () => {
    assert.equal(run.code, 1)
    assert.match(annotation ?? '', /^W&B run lfail1 failed .*\nExit code 1\nLast \d+ lines of its output:\n/)
    assert.match(annotation ?? '', /\n {2}\[fake job fail\] WANDB_RUN_ID=lfail1/)
  })
  it("the lines are the job's own: none of the SDK's launch lines printed before it started", () => {
    assert.match(run.stdout, /wandb: launch: Launching run as a local-process/, 'the SDK did print them, in the log')
    assert.doesNotMatch(annotation ?? '', /wandb: launch:/)
    assert.doesNotMatch(run.summary, /wandb: launch:/)
  })
  it('so does the summary', () => assert.match(run.summary, /<li>Exit code 1<\/li>.*<details><summary>Last \d+ lines of its output/s))
})

describe('a run that finishes has no failure details', async () => {
  const run = await follow({ job: 'ent/proj/ok:latest', resource: 'local-process' })
  it('passes, nothing more in the summary', () => {
    assert.equal(run.code, 0)
    assert.ok(!run.summary.includes('<details>'))
  })
})

describe('attach to a run launched before', () => {
  it('a finished one passes, with its outputs (and needs no Docker daemon: nothing is launched here)', async () => {
    const run = await follow(
      { attach: 'ent/proj/done1', entity: '', project: '' },
      { seed: seededRun('done1', 'finished'), env: { FAKE_DOCKER_NO_DAEMON: '1' } }
    )
    assert.equal(run.code, 0, run.stdout)
    assert.match(run.stdout, /Follow W&B run ent\/proj\/done1/)
    assert.equal(run.outputs.state, 'finished')
    assert.equal(run.outputs.run_id, 'done1')
    assert.equal(run.outputs.run_url, 'https://wandb.ai/ent/proj/runs/done1')
    assert.equal(calls(run, 'launch_add').length + calls(run, 'launch').length, 0)
    assert.match(run.summary, /<th>Attached to<\/th><td><code>ent\/proj\/done1<\/code>/)
  })
  it('a failed one fails with its state and its output.log tail', async () => {
    const run = await follow({ attach: 'ent/proj/bad1' }, { seed: seededRun('bad1', 'failed') })
    assert.equal(run.code, 1)
    assert.equal(run.outputs.state, 'failed')
    assert.match(errors(run)[0] ?? '', /^W&B run bad1 failed .*\nLast 20 lines of its output\.log:\n[\s\S]*RuntimeError/)
  })
  it('a running one is waited for, with heartbeats', async () => {
    const run = await follow(
      { attach: 'ent/proj/run1', progress_interval: '1s', watch_metrics: 'eval/acc' },
      { seed: seededRun('run1', 'running', [[2.5, 'finished']]) }
    )
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.state, 'finished')
    assert.ok(run.seconds >= 2.5, `${run.seconds}s`)
    assert.ok(heartbeats(run).length >= 1, run.stdout)
  })
  it('a cancel (SIGINT) stops the run', async () => {
    const run = await follow({ attach: 'ent/proj/long1' }, { seed: seededRun('long1', 'running'), signalOn: /is running/ })
    assert.equal(run.code, 1)
    assert.deepEqual(
      calls(run, 'stop_run').map((c) => c.run),
      ['long1']
    )
    assert.equal(run.outputs.state, 'killed')
    assert.match(errors(run)[0] ?? '', /^Cancelled: W&B run long1 was stopped/)
  })
  it('timeout stops the run', async () => {
    const run = await follow({ attach: 'ent/proj/long2', timeout: '2s' }, { seed: seededRun('long2', 'running') })
    assert.equal(run.code, 1)
    assert.equal(run.outputs.timed_out, 'true')
    assert.deepEqual(
      calls(run, 'stop_run').map((c) => c.run),
      ['long2']
    )
    assert.match(errors(run)[0] ?? '', /did not finish within the timeout of 2\.0s/)
  })
  it('a run that is not on W&B is waited for up to queue_timeout, then an error naming it and what to check', async () => {
    const run = await follow({ attach: 'ent/proj/nosuch', queue_timeout: '2s' })
    assert.equal(run.code, 1)
    assert.equal(run.outputs.state, 'not_launched')
    assert.match(run.stdout, /W&B run nosuch is not on W&B yet \(its job has not called wandb\.init\): waiting for it up to 2\.0s/)
    assert.match(
      errors(run)[0] ?? '',
      /^W&B run ent\/proj\/nosuch never started: it was not on W&B within 2\.0s .*Check that the step that launched it succeeded/
    )
  })
  it('a queue item: waits for the agent, then for its run', async () => {
    const seed = {
      items: [
        {
          id: 'SXRlbTo5OQ==',
          queue: 'q',
          entity: 'ent',
          spec: { entity: 'ent', project: 'proj', job: 'ent/proj/ok:latest', run_id: 'itemrun1' }
        }
      ]
    }
    const run = await follow({ attach: 'SXRlbTo5OQ==', queue: 'q' }, { seed })
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.queue_item_id, 'SXRlbTo5OQ==')
    assert.equal(run.outputs.run_id, 'itemrun1')
    assert.equal(run.outputs.state, 'finished')
    assert.match(run.stdout, /Picked up by an agent: W&B run itemrun1/)
  })
  it('a failed queue item fails with its error', async () => {
    const seed = {
      items: [{ id: 'SXRlbTo5OA==', queue: 'q', state: 'FAILED', error: { message: 'image pull failed', stage: 'run', filePaths: [] } }]
    }
    const run = await follow({ attach: 'SXRlbTo5OA==', queue: 'q' }, { seed })
    assert.equal(run.code, 1)
    assert.match(errors(run)[0] ?? '', /: image pull failed\nStage: run$/)
  })
})

describe('synchronous false, local: where the output goes', async () => {
  const run = await follow({ job: 'e/p/forever:latest', resource: 'local-process', synchronous: 'false', run_id: 'async13' })
  after(() => endJob(run.dir, 'async13'))
  it('sets log_file, names it in the log and the summary, and warns once', async () => {
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.log_file, `${run.dir}/wandb-launch-async13.log`)
    assert.match(run.stdout, /The job's output goes to .*wandb-launch-async13\.log/)
    assert.match(run.summary, /Log file.*wandb-launch-async13\.log/)
    const warnings = [...run.stdout.matchAll(/^::warning::(.*)$/gm)]
    assert.equal(warnings.length, 1)
    assert.match(warnings[0]![1]!, /only as long as this GitHub job/)
    const job = await waitFor('the job to start', () => jobDump(run.dir, 'async13'))
    await waitFor('the log file', () => (existsSync(run.outputs.log_file!) ? true : undefined))
    assert.ok(alive(job.pid))
  })
})

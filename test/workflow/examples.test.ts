// Every workflow example in README.md and docs/, run step by step by the workflow emulator
// against the fake SDK: the action (named <owner>/wandb-launch-action@v1 there, this checkout
// here) loaded through action.yml, its outputs reaching the later steps. `pip install wandb`
// steps run real pip into a fresh virtualenv (what setup-python provides) from wheels of the
// fake SDK, with no index; the queue examples' queue gets the fake server's template variables.
// The jobs of one workflow run in order and share the fake server (its queue items in
// FAKE_WANDB_STATE, its runs in FAKE_WANDB_RUNS_DIR), a job that
// needs another sees its result; a repository_dispatch workflow gets DISPATCH as its event, naming
// a run that has finished.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { FAKE_SDK, ROOT, TEST_KEY } from '../helpers/action.js'
import { markdownJobs, runJob, type Job, type JobResult, type NeededJob } from '../helpers/workflow.js'
import { buildWheels, pipEnv, systemPython } from '../setup/setup-helpers.js'

const SELF = /^<owner>\/wandb-launch-action@v1$/
const DOCS = ['README.md', 'docs/queue-mode.md', 'docs/sdk-setup.md']
/** The payload a W&B automation's webhook sends through repository_dispatch, and the run it names. */
const DISPATCH = { action: 'wandb-run-ended', client_payload: { run_path: 'my-team/vision/x1y2z3w4' } }
const DISPATCHED_RUN = { runs: [{ entity: 'my-team', project: 'vision', name: 'x1y2z3w4', state: 'finished' }] }

let wheelDir = ''
/** The fake SDK as a wheel, the only package `pip install wandb` can find (built once). */
function wheels(): string {
  wheelDir ||= buildWheels(['0.30.0'])
  return wheelDir
}

/** A virtualenv as setup-python leaves one: python and pip on PATH (pip is the system's, aimed at it). */
function pythonEnvironment(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'workflow-python-'))
  execFileSync(systemPython(), ['-m', 'venv', '--without-pip', dir])
  const pip = `#!/bin/sh\nexec ${systemPython()} -m pip --python ${path.join(dir, 'bin', 'python')} "$@"\n`
  for (const name of ['pip', 'pip3']) {
    writeFileSync(path.join(dir, 'bin', name), pip)
    chmodSync(path.join(dir, 'bin', name), 0o755)
  }
  return path.join(dir, 'bin')
}

/** A workspace with the files of the user's repository that the examples name. */
function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'workflow-workspace-'))
  mkdirSync(path.join(dir, '.github', 'launch'), { recursive: true })
  writeFileSync(path.join(dir, '.github', 'launch', 'k8s.yaml'), 'namespace: ml\n')
  mkdirSync(path.join(dir, 'scripts'))
  writeFileSync(path.join(dir, 'scripts', 'report.py'), 'import sys\nprint("report", *sys.argv[1:])\n')
  return dir
}

function describeRun(run: JobResult): string {
  return run.steps.map((s) => `${s.name}: ${s.outcome}/${s.conclusion}\n${s.stdout}${s.stderr}`).join('\n')
}

for (const file of DOCS) {
  const markdown = readFileSync(path.join(ROOT, file), 'utf8')
  const jobs = await markdownJobs(markdown, SELF, file)

  describe(`the workflow examples in ${file}`, () => {
    it('are all run here: every yaml block uses the action', () => {
      const blocks = [...markdown.matchAll(/^```ya?ml\n/gm)].length
      assert.ok(jobs.length > 0, `no example in ${file}`)
      const tested = new Set(jobs.map((job) => job.workflow ?? job.source)).size
      assert.equal(tested, blocks, 'a yaml block that does not use the action is not tested')
    })

    const finished = new Map<string, NeededJob>() // by workflow and job id
    const servers = new Map<string, string>() // the fake server's folder, by workflow
    for (const job of jobs) {
      it(`${job.source} succeeds and hands the action's outputs on`, async () => {
        const needs = Object.fromEntries(
          job.needs.map((id) => {
            const done = finished.get(`${job.workflow} ${id}`)
            assert.ok(done, `${job.source} needs ${id}, which did not run before it`)
            return [id, done]
          })
        )
        const server = job.workflow ? (servers.get(job.workflow) ?? mkdtempSync(path.join(tmpdir(), 'workflow-server-'))) : undefined
        if (job.workflow && server) servers.set(job.workflow, server)
        const run = await runJob(job, {
          workspace: workspace(),
          secrets: { WANDB_API_KEY: TEST_KEY },
          self: SELF,
          fake: true,
          path: [pythonEnvironment(), path.join(FAKE_SDK, 'bin')], // the fake SDK's docker
          env: {
            ...pipEnv(wheels()),
            FAKE_WANDB_TEMPLATED_QUEUES: 'gpu-cluster',
            FAKE_WANDB_SEED: JSON.stringify(DISPATCHED_RUN),
            ...(server ? { FAKE_WANDB_STATE: path.join(server, 'items.json'), FAKE_WANDB_RUNS_DIR: path.join(server, 'runs') } : {})
          },
          needs,
          event: DISPATCH
        })
        assert.equal(run.result, 'success', describeRun(run))
        checkOutputsHandedOn(job, run)
        if (job.id) finished.set(`${job.workflow} ${job.id}`, { result: run.result, outputs: run.outputs })
      })
    }
  })
}

/** The action steps set their outputs; every later step that reads them ran and printed them. */
function checkOutputsHandedOn(job: Job, run: JobResult): void {
  const actionSteps = job.steps.flatMap((step, index) => (step.uses && SELF.test(step.uses) ? [index] : []))
  assert.ok(actionSteps.length > 0)
  for (const index of actionSteps) {
    const step = job.steps[index]!
    const result = run.steps[index]!
    assert.equal(result.outcome, 'success', describeRun(run))
    assert.match(result.outputs.run_id ?? '', /^[0-9a-z]{8}$/)
    const synchronous = String(step.with?.synchronous ?? 'true') === 'true'
    if (synchronous) assert.equal(result.outputs.state, 'finished')
    else assert.ok(['running', 'pending', 'starting', 'claimed'].includes(result.outputs.state ?? ''), result.outputs.state)
    assert.equal(
      result.outputs.run_url,
      `https://wandb.ai/${result.outputs.entity}/${result.outputs.project}/runs/${result.outputs.run_id}`
    )
  }
  job.steps.forEach((step, index) => {
    const text = `${step.run ?? ''} ${JSON.stringify(step.env ?? {})}`
    for (const [, id, name] of text.matchAll(/steps\.([\w-]+)\.outputs\.(\w+)/g)) {
      const from = run.steps.find((s) => s.id === id)
      assert.ok(from, `step ${index + 1} reads the outputs of ${id}, which is not a step`)
      const value = from.outputs[name as string] ?? ''
      assert.ok(value, `${id} set no output ${name}`)
      assert.equal(run.steps[index]!.outcome, 'success', `step ${index + 1} did not run: ${describeRun(run)}`)
      assert.ok(
        run.steps[index]!.stdout.includes(value),
        `step ${index + 1} did not see ${id}.outputs.${name} (${value}): ${run.steps[index]!.stdout}`
      )
    }
  })
}

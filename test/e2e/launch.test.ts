// The bundled action end to end, with the fake SDK (test/fake-sdk).
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { alive, endJob, errors, jobDump, startAction, TEST_KEY, waitFor } from '../helpers/action.js'

const base = { api_key: TEST_KEY, resource: 'local-process' }

describe('a run that finishes', async () => {
  const run = await startAction({ inputs: { ...base, job: 'ent/proj/ok:latest', entity: 'ent', project: 'proj' } })

  it('passes the step', () => assert.equal(run.code, 0, run.stdout))
  it('outputs the run ID, URL, state, entity, project, backend id and SDK version', () => {
    assert.match(run.outputs.run_id ?? '', /^[0-9a-z]{8}$/)
    assert.equal(run.outputs.run_url, `https://wandb.ai/ent/proj/runs/${run.outputs.run_id}`)
    assert.equal(run.outputs.state, 'finished')
    assert.equal(run.outputs.entity, 'ent')
    assert.equal(run.outputs.project, 'proj')
    assert.equal(run.outputs.timed_out, 'false')
    assert.equal(run.outputs.wandb_version, '0.30.0')
    assert.equal(Number(run.outputs.backend_id), run.jobs[run.outputs.run_id!]?.pid)
  })
  it('gives the job the run ID it reports', () => {
    assert.equal(run.jobs[run.outputs.run_id!]?.env.WANDB_RUN_ID, run.outputs.run_id)
  })
  it('calls launch() once, asynchronously, with the SDK argument names', () => {
    const launches = run.calls.filter((c) => c.call === 'launch')
    assert.equal(launches.length, 1)
    assert.equal(launches[0]!.job, 'ent/proj/ok:latest')
    assert.equal(launches[0]!.synchronous, false)
    assert.equal(launches[0]!.run_id, run.outputs.run_id)
    assert.equal(launches[0]!.api, 'LaunchApi')
  })
  it('builds no image and runs no pip freeze for local-process', () => {
    assert.deepEqual(
      run.calls.filter((c) => c.call === 'build_image' || c.call === 'validate_wandb_python_deps'),
      []
    )
  })
  it('streams the SDK log and the job output inside a group', () => {
    const start = run.stdout.indexOf('::group::Launch') // after the "Set up W&B SDK" group
    const group = run.stdout.slice(start, run.stdout.indexOf('::endgroup::', start))
    assert.match(group, /Launching job: ent\/proj\/ok:latest/)
    assert.match(group, /\[fake job ok\]/)
  })
  it('writes a job summary with the linked run, state, target, resource and duration', () => {
    assert.match(run.summary, new RegExp(`<a href="https://wandb.ai/ent/proj/runs/${run.outputs.run_id}">${run.outputs.run_id}</a>`))
    assert.match(run.summary, /finished/)
    assert.match(run.summary, /ent\/proj/)
    assert.match(run.summary, /local-process/)
    assert.match(run.summary, /Duration<\/th><td>\d/)
  })
  it('never calls the SDK wait, which can sleep 5 s for nothing', () =>
    assert.deepEqual(
      run.calls.filter((c) => c.call === 'wait'),
      []
    ))
})

describe('a run that fails', async () => {
  const run = await startAction({ inputs: { ...base, job: 'ent/proj/fail:v0', run_id: 'given-id_1' } })
  it('fails the step naming the run ID, the state and the URL', () => {
    assert.equal(run.code, 1)
    const [annotation, ...more] = errors(run)
    assert.deepEqual(more, [])
    // no entity or project given: the run goes where the job lives (ent/proj), not to the key's default entity
    // then why (issue 13): the exit code and the last lines (test/e2e/follow.test.ts)
    assert.match(annotation ?? '', /^W&B run given-id_1 failed \(https:\/\/wandb\.ai\/ent\/proj\/runs\/given-id_1\)\.\nExit code 1\n/)
  })
  it('still sets the outputs', () => {
    assert.equal(run.outputs.run_id, 'given-id_1')
    assert.equal(run.outputs.state, 'failed')
  })
  it('uses the given run ID', () => assert.equal(run.jobs['given-id_1']?.env.WANDB_RUN_ID, 'given-id_1'))
  it('says so in the summary', () => assert.match(run.summary, /❌ failed/))
})

describe('remote resources', () => {
  it('a preempted run fails the step', async () => {
    const run = await startAction({ inputs: { ...base, resource: 'kubernetes', job: 'e/p/preempt:latest', run_id: 'pre1' } })
    assert.equal(run.code, 1)
    assert.equal(run.outputs.state, 'preempted')
    assert.equal(run.outputs.backend_id, 'launch-pre1')
    assert.match(errors(run)[0] ?? '', /W&B run pre1 preempted/)
  })
  it('a finished remote run passes, and the image is built as the SDK does', async () => {
    const run = await startAction({
      inputs: { ...base, resource: 'kubernetes', docker_image: 'registry/img:1', run_id: 'k8s1' }
    })
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.state, 'finished')
    assert.deepEqual(run.calls.find((c) => c.call === 'remote_run')?.image, 'registry/img:1')
  })
})

describe('every input reaches launch() under its SDK name', async () => {
  const configFile = 'launch-config.yaml'
  const run = await startAction({
    inputs: {
      ...base,
      job: 'ent/proj/ok:latest',
      entry_point: `python train.py --note "two words" 'it''s'`,
      version: 'main',
      name: 'nightly',
      resource_args: '{"local-process": {}}',
      project: 'proj',
      entity: 'ent',
      config: configFile,
      synchronous: 'true',
      run_id: 'all1',
      repository: 'my-repo'
    },
    onStart: (_child, dir) => {
      // written before the action reads it: the action starts Node first
      writeFileSync(path.join(dir, configFile), 'overrides:\n  run_config: { epochs: 5 }\n')
    }
  })
  const launch = run.calls.find((c) => c.call === 'launch')!
  it('maps them all', () => {
    assert.deepEqual(launch.entry_point, ['python', 'train.py', '--note', 'two words', 'its'])
    assert.equal(launch.version, 'main')
    assert.equal(launch.name, 'nightly')
    assert.deepEqual(launch.resource_args, { 'local-process': {} })
    assert.equal(launch.project, 'proj')
    assert.equal(launch.entity, 'ent')
    assert.deepEqual(launch.config, { overrides: { run_config: { epochs: 5 } } })
    assert.equal(launch.run_id, 'all1')
    assert.equal(launch.repository, 'my-repo')
  })
})

describe('synchronous: false', async () => {
  const run = await startAction({ inputs: { ...base, job: 'e/p/forever:latest', synchronous: 'false', run_id: 'async1' } })
  after(() => endJob(run.dir, 'async1'))
  it('returns once submitted, outputs set, state running', () => {
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.run_id, 'async1')
    assert.equal(run.outputs.state, 'running')
    assert.ok(run.seconds < 15, `${run.seconds}s: it waited for a job that runs for ever`)
  })
  it('the summary does not call a running run done: no ✅', () => {
    assert.match(run.summary, /⏳ running/)
    assert.doesNotMatch(run.summary, /✅/)
  })
  it('leaves the job running in the background, in a process group of its own', async () => {
    const job = await waitFor('the job to start', () => jobDump(run.dir, 'async1'))
    assert.ok(alive(job.pid))
    assert.equal(job.pgid, job.pid)
  })
})

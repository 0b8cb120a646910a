// Failures before and around the launch, end to end with the fake SDK.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { COUNT_DIR } from '../setup/setup-helpers.js'
import { describe, it } from 'node:test'
import { errors, FAKE_SDK, startAction, TEST_KEY } from '../helpers/action.js'

describe('invalid inputs', async () => {
  const run = await startAction({
    inputs: {
      job: 'ent/proj/ok:latest',
      docker_image: 'img:1',
      resource: 'laptop',
      config: 'overrides: [unclosed',
      run_id: 'has space',
      synchronous: 'maybe',
      timeout: '5 minutes'
    },
    // every Python process that starts records itself (test/setup/fixtures/count)
    env: { WANDB_API_KEY: undefined, PYTHONPATH: `${COUNT_DIR}${path.delimiter}${FAKE_SDK}`, COUNT_PYTHON_FILE: '{dir}/pythons.jsonl' }
  })
  const [message] = errors(run)
  it('fail the step with every problem, each naming its input and what is accepted', () => {
    assert.equal(run.code, 1)
    for (const expected of [
      /job: job and docker_image were both given: give exactly one of the two/,
      /resource: must be one of local-container, local-process, kubernetes, sagemaker, gcp-vertex/,
      /config: inline value is not valid JSON or YAML/,
      /run_id: must be 1 to 128 characters/,
      /synchronous: must be true or false/,
      /timeout: must be a positive duration/,
      /api_key: is required/
    ]) {
      assert.match(message ?? '', expected)
    }
  })
  it('start no Python process: nothing is launched', () => {
    assert.ok(!existsSync(path.join(run.dir, 'pythons.jsonl')), 'no Python process started')
    assert.deepEqual(run.calls, [])
    assert.ok(!run.stdout.includes('::group::'))
  })
  it('still set state not_launched and timed_out false, and write the problems into the summary', () => {
    assert.deepEqual(run.outputs, {
      state: 'not_launched',
      timed_out: 'false',
      summary: '',
      metrics: '{}',
      gates: '[]',
      gates_passed: 'false',
      promoted_artifact: '',
      promoted_version: ''
    })
    assert.match(run.summary, /<h3>W&amp;B Launch<\/h3>/)
    assert.match(run.summary, /❌ not_launched/)
    assert.match(run.summary, /<p>Invalid inputs \(nothing was launched\):<br>.*<br> {2}- job: job and docker_image were both given/)
  })
})

describe('the SDK is missing or too old, and cannot be installed here (no package index)', () => {
  it('no wandb for the interpreter: the tested version is tried, and the failure says what was tried', async () => {
    const empty = path.join(FAKE_SDK, '..', 'no-such-packages')
    const run = await startAction({
      inputs: { api_key: TEST_KEY, job: 'e/p/ok:latest' },
      env: { PYTHONPATH: empty }
    })
    assert.equal(run.code, 1)
    assert.match(
      errors(run)[0] ?? '',
      /^wandb-launch: pip install failed: the package index has no release matching wandb==0\.30\.0 \(packages: wandb==0\.30\.0\); its last output:\n.*No matching distribution/s
    )
    assert.match(run.stdout, /::group::Set up W&B SDK/)
  })
  it('wandb older than 0.17: not used; nothing is launched with it', async () => {
    const run = await startAction({
      inputs: { api_key: TEST_KEY, job: 'e/p/ok:latest' },
      env: { FAKE_WANDB_VERSION: '0.16.6' }
    })
    assert.equal(run.code, 1)
    assert.match(errors(run)[0] ?? '', /no release matching wandb==0\.30\.0/)
    assert.deepEqual(run.calls, [])
  })
  it('a python input that does not exist', async () => {
    const run = await startAction({ inputs: { api_key: TEST_KEY, job: 'e/p/ok:latest', python: '/nowhere/python3' } })
    assert.equal(run.code, 1)
    assert.match(errors(run)[0] ?? '', /python: \/nowhere\/python3 does not exist; add actions\/setup-python/)
  })
  it('no Python on PATH at all', async () => {
    const run = await startAction({ inputs: { api_key: TEST_KEY, job: 'e/p/ok:latest' }, env: { PATH: '/nonexistent' } })
    assert.equal(run.code, 1)
    assert.match(errors(run)[0] ?? '', /Python was not found \(no python3 or python on PATH\)/)
  })
})

describe('SDK versions', () => {
  it('wandb 0.17-style SDK without wandb.sdk.launch.api: the internal Api is used', async () => {
    const run = await startAction({
      inputs: { api_key: TEST_KEY, job: 'e/p/ok:latest', resource: 'local-process' },
      env: { FAKE_WANDB_LEGACY_API: '1', FAKE_WANDB_VERSION: '0.17.3' }
    })
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.calls.find((c) => c.call === 'launch')?.api, 'Api')
    assert.equal(run.outputs.wandb_version, '0.17.3')
  })
})

describe('SDK errors', () => {
  it('a job that does not exist: where it was looked for, then the SDK message; the traceback is debug only', async () => {
    const run = await startAction({ inputs: { api_key: TEST_KEY, job: 'e/p/missing:latest', resource: 'local-process' } })
    assert.equal(run.code, 1)
    assert.deepEqual(errors(run), [
      "Job missing:latest was not found in e/p: no job of that name there, or the API key's user cannot see the project. Check the job input (entity/project/name:alias). Nothing was launched.\n" +
        'wandb said: Error accessing job e/p/missing:latest: Job artifact e/p/missing:latest not found on https://api.wandb.ai'
    ])
    assert.match(run.stdout, /^::debug::Traceback/m)
    assert.equal(run.outputs.state, 'not_launched')
    assert.equal(run.outputs.timed_out, 'false')
    assert.equal(run.outputs.run_id, undefined)
    assert.match(run.summary, /none: no run was started/)
    assert.match(run.summary, /Job missing:latest was not found in e\/p/)
  })
  it('kubernetes with no cluster configuration: what is missing and how to give it', async () => {
    const run = await startAction({
      inputs: { api_key: TEST_KEY, job: 'e/p/ok:latest', resource: 'kubernetes' },
      env: { FAKE_KUBE_NO_CONFIG: '1' }
    })
    assert.equal(run.code, 1)
    assert.match(
      errors(run)[0] ?? '',
      /^The kubernetes runner found no Kubernetes configuration \(kubeconfig or in-cluster service account\): give this runner cluster access before this step .*, or use queue: .*\nwandb said: Service host\/port is not set\.$/
    )
  })
  it('no Docker daemon for local-container, the default: said before any docker build; local-process or a queue avoid it', async () => {
    const run = await startAction({ inputs: { api_key: TEST_KEY, job: 'e/p/ok:latest' }, env: { FAKE_DOCKER_NO_DAEMON: '1' } })
    assert.equal(run.code, 1)
    const [message] = errors(run)
    assert.match(
      message ?? '',
      /^No Docker daemon is available on this runner, and resource was not given, so local-container \(the default\) was used, .*set resource: local-process .* or queue: .*\n`docker info` failed: Cannot connect to the Docker daemon/
    )
    assert.deepEqual(
      run.calls.filter((c) => c.call === 'build_image' || c.call === 'launch'),
      []
    )
    assert.equal(run.outputs.state, 'not_launched')
  })
  it('a rejected API key: the SDK message, and the key is not printed', async () => {
    const run = await startAction({ inputs: { api_key: 'bad-key', job: 'e/p/ok:latest', resource: 'local-process' } })
    assert.equal(run.code, 1)
    assert.match(errors(run)[0] ?? '', /Failed to verify credentials/)
  })
})

describe('the API key', async () => {
  const run = await startAction({
    inputs: { job: 'e/p/ok:latest', resource: 'local-container', run_id: 'key1' },
    env: { WANDB_API_KEY: TEST_KEY }
  })
  it('is masked, and printed nowhere else', () => {
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.stdout.split(TEST_KEY).length - 1, 1, 'only in ::add-mask::')
    assert.match(run.stdout, new RegExp(`^::add-mask::${TEST_KEY}$`, 'm'))
    assert.ok(!run.summary.includes(TEST_KEY))
    assert.ok(!Object.values(run.outputs).some((v) => v.includes(TEST_KEY)))
  })
  it('reaches a local-container job through the environment, not the docker command line', () => {
    const docker = run.calls.find((c) => c.call === 'docker')
    assert.ok(docker, 'docker run was called')
    const argv = docker.argv as string[]
    assert.ok(!argv.join(' ').includes(TEST_KEY))
    assert.ok(argv.includes('WANDB_API_KEY'), 'docker takes -e WANDB_API_KEY from its environment')
    assert.match(run.jobs.key1?.env.WANDB_API_KEY ?? '', /redacted len=40/)
  })
})

describe('reporting never crashes the action', () => {
  it('an unwritable job summary is a warning; the verdict stands', async () => {
    const run = await startAction({
      inputs: { api_key: TEST_KEY, job: 'e/p/ok:latest', resource: 'local-process' },
      env: { GITHUB_STEP_SUMMARY: '{dir}' } // a directory: writing it fails
    })
    assert.equal(run.code, 0, run.stdout)
    assert.match(run.stdout, /^::warning::Could not write the job summary/m)
    assert.equal(run.outputs.state, 'finished')
  })
  it('workflow commands printed by the job are not obeyed', async () => {
    const run = await startAction({
      inputs: { api_key: TEST_KEY, job: 'e/p/ok:latest', resource: 'local-process', entry_point: `python3 -c "print('::error::forged')"` }
    })
    assert.equal(run.code, 0, run.stdout)
    const token = /^::stop-commands::(.+)$/m.exec(run.stdout)?.[1]
    assert.ok(token, 'commands are stopped while the SDK and the job print')
    const forged = run.stdout.indexOf('::error::forged')
    assert.ok(forged > run.stdout.indexOf(`::stop-commands::${token}`))
    assert.ok(forged < run.stdout.indexOf(`::${token}::`), 'and resumed only after')
  })
})

import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import { canonicalJson, githubProvenance, launchKey, pullRequestOf } from '../../../src/launch/provenance.js'

const RUNNER = {
  GITHUB_REPOSITORY: 'octo/models',
  GITHUB_SHA: 'a'.repeat(40),
  GITHUB_REF: 'refs/heads/main',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_WORKFLOW: 'Train',
  GITHUB_JOB: 'train',
  GITHUB_RUN_ID: '987654321',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_ACTOR: 'mona'
}

describe('githubProvenance', () => {
  it('records every runner variable, and the attempt in the run URL', () => {
    assert.deepEqual(githubProvenance(RUNNER, {}, 'k'.repeat(64)), {
      repository: 'octo/models',
      sha: 'a'.repeat(40),
      ref: 'refs/heads/main',
      event: 'push',
      workflow: 'Train',
      job: 'train',
      run_id: '987654321',
      run_attempt: 2,
      run_url: 'https://github.com/octo/models/actions/runs/987654321/attempts/2',
      pull_request: null,
      head_sha: null,
      actor: 'mona',
      launch_key: 'k'.repeat(64)
    })
  })

  it('takes the pull request and its head commit from the event payload', () => {
    const event = { pull_request: { number: 42, head: { sha: 'b'.repeat(40) } } }
    const p = githubProvenance({ ...RUNNER, GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/42/merge' }, event, null)
    assert.equal(p?.pull_request, 42)
    assert.equal(p?.head_sha, 'b'.repeat(40))
    assert.equal(p?.launch_key, null)
  })

  it('is nothing off a runner, and leaves out what the runner did not say', () => {
    assert.equal(githubProvenance({}, undefined, 'k'), undefined)
    assert.equal(githubProvenance({ GITHUB_REPOSITORY: 'o/r' }, undefined, 'k'), undefined)
    const p = githubProvenance(
      { GITHUB_REPOSITORY: 'o/r', GITHUB_SHA: 'c'.repeat(40), GITHUB_SERVER_URL: 'https://ghe.example/' },
      null,
      null
    )
    assert.equal(p?.run_url, null)
    assert.equal(p?.run_attempt, null)
    const q = githubProvenance(
      { GITHUB_REPOSITORY: 'o/r', GITHUB_SHA: 'c'.repeat(40), GITHUB_SERVER_URL: 'https://ghe.example/', GITHUB_RUN_ID: '5' },
      null,
      null
    )
    assert.equal(q?.run_url, 'https://ghe.example/o/r/actions/runs/5')
  })

  it('ignores a malformed pull request in the payload', () => {
    assert.equal(pullRequestOf({ pull_request: { number: '42' } }), undefined)
    assert.equal(pullRequestOf('text'), undefined)
    assert.deepEqual(pullRequestOf({ pull_request: { number: 7, head: { sha: 'not a sha' } } }), { number: 7, headSha: null })
  })
})

describe('launchKey', () => {
  const launch = {
    job: 'team/proj/train:latest',
    entry_point: ['python', 'train.py'],
    resource: 'kubernetes',
    resource_args: { kubernetes: { namespace: 'ml', replicas: 2 } },
    entity: 'team',
    project: 'proj',
    config: { overrides: { run_config: { lr: 0.1, layers: [64, 32] } } },
    run_id: 'ab12cd34',
    name: 'nightly'
  }

  it('is the SHA-256 of the canonical JSON, versioned', () => {
    const expected = createHash('sha256')
      .update(canonicalJson({ v: 1, launch: { ...launch, run_id: undefined, name: undefined } }))
      .digest('hex')
    assert.equal(launchKey({ launch }), expected)
    assert.match(launchKey({ launch }), /^[0-9a-f]{64}$/)
  })

  it('does not depend on key order, the run ID or the run name', () => {
    const reordered = {
      name: 'other name',
      run_id: 'zz99yy88',
      config: { overrides: { run_config: { layers: [64, 32], lr: 0.1 } } },
      project: 'proj',
      entity: 'team',
      resource_args: { kubernetes: { replicas: 2, namespace: 'ml' } },
      resource: 'kubernetes',
      entry_point: ['python', 'train.py'],
      job: 'team/proj/train:latest'
    }
    assert.equal(launchKey({ launch: reordered }), launchKey({ launch }))
  })

  it('changes with every input that changes what runs, and with the queue', () => {
    const base = launchKey({ launch })
    const changed = [
      { ...launch, job: 'team/proj/train:v2' },
      { ...launch, entry_point: ['python', 'train.py', '--fast'] },
      { ...launch, resource: 'local-process' },
      { ...launch, resource_args: { kubernetes: { namespace: 'ml', replicas: 3 } } },
      { ...launch, config: { overrides: { run_config: { lr: 0.2, layers: [64, 32] } } } },
      { ...launch, config: { overrides: { run_config: { lr: 0.1, layers: [32, 64] } } } },
      { ...launch, entity: 'other' },
      { ...launch, project: 'other' },
      { ...launch, version: 'main' },
      { ...launch, docker_image: 'python:3.12' }
    ].map((l) => launchKey({ launch: l }))
    assert.equal(new Set([base, ...changed]).size, changed.length + 1)
    const q = launchKey({ launch, queue: { name: 'gpu' } })
    assert.notEqual(q, base)
    assert.notEqual(launchKey({ launch, queue: { name: 'gpu', template_variables: { gpus: 4 } } }), q)
    assert.notEqual(launchKey({ launch, queue: { name: 'gpu', project_queue: 'p' } }), q)
    assert.equal(launchKey({ launch, queue: { name: 'gpu', project_queue: undefined } }), q)
  })
})

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps arrays in order', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: 'é"' } }), '{"a":{"c":"é\\"","d":[3,{"x":2,"y":1}]},"b":1}')
    assert.equal(canonicalJson({ a: undefined, b: null }), '{"b":null}')
  })

  it('refuses what JSON cannot say', () => {
    assert.throws(() => canonicalJson({ a: Number.NaN }), /no JSON form/)
  })
})

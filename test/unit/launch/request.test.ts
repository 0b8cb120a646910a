import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Inputs } from '../../../src/inputs/inputs.js'
import { RESOURCES, type Resource } from '../../../src/inputs/resources.js'
import { buildRequest } from '../../../src/launch/request.js'
import { isLocal } from '../../../src/inputs/resources.js'
import { minimalInputs } from '../../helpers/inputs.js'

const API_KEY = 'wandb-secret-0123456789abcdef'
const LOG = '/tmp/wandb-launch-detached.log'

function minimal(overrides: Partial<Inputs> = {}): Inputs {
  return minimalInputs({ apiKey: API_KEY, ...overrides })
}

function full(overrides: Partial<Inputs> = {}): Inputs {
  return minimal({
    job: 'team/proj/trainer:v3',
    dockerImage: undefined,
    entryPoint: ['python', 'train.py', '--lr', '0.1'],
    version: '1.2',
    name: 'nightly',
    resource: 'kubernetes',
    resourceArgs: { kubernetes: { namespace: 'ml' } },
    project: 'proj',
    entity: 'team',
    config: { overrides: { run_config: { lr: 0.1 } } },
    runId: 'my-run',
    runIdGenerated: false,
    repository: 'ghcr.io/team/images',
    python: '/usr/bin/python3',
    timeoutSeconds: 900,
    ...overrides
  })
}

/** Every key of an object, nested, for "never undefined" checks. */
function undefinedPaths(value: unknown, at = ''): string[] {
  if (value === null || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([k, v]) => (v === undefined ? [`${at}${k}`] : undefinedPaths(v, `${at}${k}.`)))
}

describe('buildRequest', () => {
  it('a minimal request has only the given fields', () => {
    const request = buildRequest(minimal())
    assert.deepEqual(request, {
      launch: { resource: 'local-container', docker_image: 'python:3.12', run_id: 'ab12cd34' },
      synchronous: true,
      progress: { interval_seconds: 60, metrics: [] }
    })
    assert.deepEqual(undefinedPaths(request), [])
    assert.ok(!('timeout_seconds' in request))
    assert.ok(!('detached_log' in request))
    assert.ok(!('job' in request.launch))
  })

  it('uses the SDK argument names for every field', () => {
    assert.deepEqual(buildRequest(full()), {
      launch: {
        job: 'team/proj/trainer:v3',
        entry_point: ['python', 'train.py', '--lr', '0.1'],
        version: '1.2',
        name: 'nightly',
        resource: 'kubernetes',
        resource_args: { kubernetes: { namespace: 'ml' } },
        project: 'proj',
        entity: 'team',
        config: { overrides: { run_config: { lr: 0.1 } } },
        run_id: 'my-run',
        repository: 'ghcr.io/team/images'
      },
      synchronous: true,
      timeout_seconds: 900,
      progress: { interval_seconds: 60, metrics: [] }
    })
  })

  it('attach: no launch arguments, the run to follow, progress and timeout', () => {
    assert.deepEqual(
      buildRequest(
        minimal({
          dockerImage: undefined,
          attach: { kind: 'run', entity: 'e', project: 'p', runId: 'r1' },
          runId: 'r1',
          timeoutSeconds: 60,
          progressSeconds: 5,
          watchMetrics: ['acc']
        })
      ),
      {
        launch: { run_id: 'r1' },
        attach: { run_path: 'e/p/r1' },
        synchronous: true,
        timeout_seconds: 60,
        progress: { interval_seconds: 5, metrics: ['acc'] },
        attach_wait_seconds: 600,
        curves: { metrics: ['acc'], samples: 200 }
      }
    )
    // the end of an attached run is judged as a launched one's: baseline and tags too
    const judged = buildRequest(
      minimal({
        dockerImage: undefined,
        attach: { kind: 'run', entity: 'e', project: 'p', runId: 'r1' },
        baseline: { filters: { tags: 'main' } },
        tags: ['ci']
      })
    )
    assert.deepEqual([judged.baseline, judged.tags], [{ filters: { tags: 'main' } }, ['ci']])
    assert.deepEqual(
      buildRequest(
        minimal({
          dockerImage: undefined,
          attach: { kind: 'queue_item', itemId: 'SXRlbQ==' },
          entity: 'e',
          project: 'p',
          queue: { name: 'q', timeoutSeconds: 30 }
        })
      ).attach,
      { queue_item_id: 'SXRlbQ==' }
    )
  })

  it('curves: the first three watched metrics of a run that is waited on', () => {
    assert.deepEqual(buildRequest(minimal({ watchMetrics: ['a', 'b', 'c', 'd'] })).curves, { metrics: ['a', 'b', 'c'], samples: 200 })
    assert.equal(buildRequest(minimal({ watchMetrics: ['a'], synchronous: false })).curves, undefined)
    assert.equal(buildRequest(minimal()).curves, undefined)
  })

  it('passes docker_image under its SDK name', () => {
    const request = buildRequest(full({ job: undefined, dockerImage: 'ghcr.io/team/train:1' }))
    assert.equal(request.launch.docker_image, 'ghcr.io/team/train:1')
    assert.ok(!('job' in request.launch))
  })

  const optional: [keyof Inputs, string][] = [
    ['entryPoint', 'entry_point'],
    ['version', 'version'],
    ['name', 'name'],
    ['resourceArgs', 'resource_args'],
    ['project', 'project'],
    ['entity', 'entity'],
    ['config', 'config'],
    ['repository', 'repository']
  ]
  for (const [input, arg] of optional) {
    it(`omits ${arg} when ${input} is undefined`, () => {
      const request = buildRequest(full({ [input]: undefined }))
      assert.ok(!(arg in request.launch), JSON.stringify(request.launch))
      assert.deepEqual(undefinedPaths(request), [])
      assert.equal(Object.keys(request.launch).length, 10)
    })
  }

  it('omits timeout_seconds when there is no timeout', () =>
    assert.ok(!('timeout_seconds' in buildRequest(full({ timeoutSeconds: undefined })))))

  it('does not take the values it does not need (python, base_url, runIdGenerated)', () => {
    const text = JSON.stringify(buildRequest(full()))
    assert.ok(!text.includes('/usr/bin/python3'), text)
    assert.ok(!text.includes('api.wandb.ai'), text)
    assert.ok(!text.includes('runIdGenerated'), text)
  })

  const shapes: [string, Inputs][] = [
    ['a minimal request', minimal()],
    ['a full request', full()],
    ['an asynchronous local request', minimal({ synchronous: false })]
  ]
  for (const [what, inputs] of shapes) {
    it(`never contains the API key: ${what}`, () => {
      const text = JSON.stringify(buildRequest(inputs, LOG))
      assert.ok(!text.includes(API_KEY), text)
      assert.ok(!/api_?key/i.test(text), text)
    })
  }
})

describe('buildRequest detached_log', () => {
  const cases: [Resource, boolean, boolean][] = RESOURCES.flatMap((resource) =>
    [true, false].map((synchronous): [Resource, boolean, boolean] => [
      resource,
      synchronous,
      (resource === 'local-container' || resource === 'local-process') && !synchronous
    ])
  )
  for (const [resource, synchronous, expected] of cases) {
    it(`${resource}, synchronous ${synchronous}: ${expected ? 'set' : 'omitted'}`, () => {
      const request = buildRequest(minimal({ resource, synchronous }), LOG)
      assert.equal(request.synchronous, synchronous)
      if (expected) assert.equal(request.detached_log, LOG)
      else assert.ok(!('detached_log' in request), JSON.stringify(request))
    })
  }
  it('omitted when no log path is given', () =>
    assert.ok(!('detached_log' in buildRequest(minimal({ synchronous: false }))), 'detached_log'))
})

describe('buildRequest after the run: baseline and tags', () => {
  it('passes the baseline and the tags for the bridge (after_run/finish.py)', () => {
    const request = buildRequest(minimal({ baseline: { filters: { tags: 'main' } }, tags: ['ci', 'main'] }))
    assert.deepEqual(request.baseline, { filters: { tags: 'main' } })
    assert.deepEqual(request.tags, ['ci', 'main'])
    assert.deepEqual(buildRequest(minimal({ baseline: { path: 'e/p/r' } })).baseline, { path: 'e/p/r' })
  })
  it('leaves both out when not given', () => {
    const request = buildRequest(minimal())
    assert.ok(!('baseline' in request) && !('tags' in request), JSON.stringify(request))
  })
})

describe('isLocal', () => {
  const expected: Record<Resource, boolean> = {
    'local-container': true,
    'local-process': true,
    kubernetes: false,
    sagemaker: false,
    'gcp-vertex': false
  }
  for (const resource of RESOURCES) {
    it(`${resource} -> ${expected[resource]}`, () => assert.equal(isLocal(resource), expected[resource]))
  }
})

// Queue mode's requests with the real wandb SDK (0.30.0), counted in the local backend's oplog
// (a backend of its own: no other test's requests in it): nothing set up again after the push,
// and while waiting one request per poll at the default cadence.
import assert from 'node:assert/strict'

import { after, before, describe, it } from 'node:test'
import { startAction } from '../helpers/action.js'
import { BACKEND_KEY, REAL_PYTHON, realSdkEnv, startBackend, type Backend, readOplog } from '../helpers/backend.js'

const SET_UP_QUERIES = ['GetDefaultEntity', 'Viewer', 'ServerFeaturesQuery', 'ArtifactMembershipByName']

let backend: Backend
before(async () => {
  backend = await startBackend({ agentDelay: 2, env: { HARNESS_SLEEP: '12' } })
})
after(async () => backend.stop())

describe('queue mode requests with the real SDK', () => {
  it('asks nothing again after the push, and polls a running run once per poll, every 5 s', async () => {
    const run = await startAction({
      fake: false,
      inputs: {
        python: REAL_PYTHON,
        base_url: backend.url,
        entity: 'ent',
        project: 'proj',
        job: 'ent/proj/slowjob:latest',
        queue: 'q',
        run_id: 'cq-req-1'
      },
      env: { ...realSdkEnv(), WANDB_API_KEY: BACKEND_KEY },
      timeoutMs: 90_000
    })
    assert.equal(run.code, 0, run.stdout)
    const ops = readOplog(backend)
    const graphql = ops.filter((op) => op.kind === 'graphql').map((op) => String(op.op))
    const push = graphql.indexOf('pushToRunQueueByName')
    assert.ok(push >= 0, graphql.join(' '))
    assert.deepEqual(
      graphql.slice(push + 1).filter((op) => SET_UP_QUERIES.includes(op)),
      [],
      graphql.join(' ')
    )
    // the run runs ~12 s once claimed (2 s after the push) and ends 2 s later: at a poll every 5 s,
    // a handful of polls; the old backoff's first 2 s polls, or two requests per poll, give more
    const afterPush = graphql.slice(push + 1)
    assert.ok(afterPush.length <= 8, `${afterPush.length} requests after the push: ${afterPush.join(' ')}`)
  })
})

// Issue 9's failures with the real wandb SDK (0.30.0) against the local backend: each gives one
// line naming the cause and the fix, then the SDK's own message, in the annotation and the
// summary; the outputs say that nothing ran (state not_launched, timed_out false, no run_id).
import assert from 'node:assert/strict'

import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { errors, startAction, type ActionRun } from '../helpers/action.js'
import { BACKEND_KEY, REAL_PYTHON, realSdkEnv, startBackend, type Backend, readOplog } from '../helpers/backend.js'

let backend: Backend
before(async () => {
  // the API key's default entity is alice: a run must still go where its job lives
  backend = await startBackend({ viewerEntity: 'alice', agentDelay: 0.5 })
})
after(async () => backend.stop())

function launch(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  return startAction({
    fake: false,
    inputs: { python: REAL_PYTHON, base_url: backend.url, ...inputs },
    env: { ...realSdkEnv(), WANDB_API_KEY: BACKEND_KEY, WANDB_LAUNCH_ACTION_POLL_SECONDS: '0.2,0.5', ...env },
    timeoutMs: 90_000
  })
}

/** The backend behind a proxy that answers 503 to every artifact query (the job's fetch). */
async function failingArtifacts(): Promise<{ url: string; close: () => Promise<void> }> {
  const target = new URL(backend.url)
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const text = body.toString()
      if (/rtifact/.test(text) && !/UseArtifact/.test(text)) {
        res.writeHead(503, { 'content-length': '0' }).end()
        return
      }
      const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) }
      const forward = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      })
      forward.on('error', () => res.writeHead(502).end())
      forward.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) }
}

/** What a later step sees when nothing ran, and the summary says the same as the annotation. */
function assertNotLaunched(run: ActionRun, line: RegExp): void {
  assert.equal(run.code, 1, run.stdout)
  assert.equal(errors(run).length, 1)
  assert.match(errors(run)[0] ?? '', line)
  assert.equal(run.outputs.state, 'not_launched')
  assert.equal(run.outputs.timed_out, 'false')
  assert.equal(run.outputs.run_id, undefined)
  assert.equal(run.outputs.run_url, undefined)
  assert.match(run.summary, /❌ not_launched/)
  assert.match(run.summary, /none: no run was started/)
  const first = (errors(run)[0] ?? '').split('\n')[0]!.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
  assert.ok(run.summary.includes(first), `the summary has the cause-and-fix line:\n${run.summary}`)
}

describe('failures with the real SDK', { concurrency: 2 }, () => {
  it('a rejected API key: the server, where the key came from, then the SDK message', async () => {
    const run = await launch(
      { job: 'ent/proj/myjob:latest', resource: 'local-process' },
      { WANDB_API_KEY: '0123456789abcdef0123456789abcdef01234567' }
    )
    assertNotLaunched(
      run,
      new RegExp(
        `^The W&B server at ${backend.url} rejected the API key \\(from WANDB_API_KEY\\): check that the secret holds a current key for this server .*\\n` +
          `wandb said: Failed to verify credentials with ${backend.url}`
      )
    )
  })

  it('an unreachable base_url: a connection failure, told before the SDK would have given up', async () => {
    const run = await launch({ job: 'ent/proj/myjob:latest', resource: 'local-process', base_url: 'http://127.0.0.1:1' })
    assertNotLaunched(
      run,
      /^Could not connect to the W&B server at http:\/\/127\.0\.0\.1:1 \(connection refused\): check base_url .*\ncould not reach http:\/\/127\.0\.0\.1:1: connection refused$/
    )
    // not the SDK's verdict after its 20 s wait ("the service process is busy"): the probe's, at once
    assert.ok(!run.stdout.includes('busy'), run.stdout)
  })

  it('server errors while the job is fetched: said to be the server\'s, never "not found"', async () => {
    const proxy = await failingArtifacts()
    try {
      const run = await launch({ job: 'ent/proj/myjob:latest', resource: 'local-process', base_url: proxy.url })
      assertNotLaunched(
        run,
        new RegExp(
          `^The W&B server at ${proxy.url} kept answering with server errors( \\(HTTP 503\\))? after retries: this is a problem on the server's side, not in the inputs; re-run the step later .*\nwandb said: Error accessing job`
        )
      )
      assert.doesNotMatch(errors(run)[0]!.split('\n')[0]!, /not found/)
    } finally {
      await proxy.close()
    }
  })

  it('an unknown job: where it was looked for, and jobs with a close name', async () => {
    const run = await launch({ job: 'ent/proj/myjb:latest', resource: 'local-process' })
    assertNotLaunched(
      run,
      /^Job myjb:latest was not found in ent\/proj: jobs there with a close name: "myjob"\. Check the job input \(entity\/project\/name:alias\)\. Nothing was launched\.\nwandb said: Error accessing job ent\/proj\/myjb:latest: Job artifact ent\/proj\/myjb:latest not found/
    )
    assert.match(run.stdout, /::debug::Traceback/)
  })

  it('an unknown job in queue mode: the same line, and nothing is pushed', async () => {
    const run = await launch({ job: 'ent/proj/nosuchjob:latest', queue: 'q' })
    assertNotLaunched(
      run,
      /^Job nosuchjob:latest was not found in ent\/proj: no job of that name there, or the API key's user cannot see the project\. .*Nothing was queued\.\nwandb said: /
    )
    assert.equal(run.outputs.queue_item_id, undefined)
  })

  it('local-container by default with no Docker daemon: said at once, with local-process and queue as the ways out', async () => {
    const run = await launch({ job: 'ent/proj/myjob:latest' })
    assertNotLaunched(
      run,
      /^No Docker daemon is available on this runner, and resource was not given, so local-container \(the default\) was used, which builds and runs the job with Docker: set resource: local-process .* or queue: .*\. Nothing was launched\.\n`docker info` failed: /
    )
    assert.ok(!/docker build|Step \d+\/\d+|Building/i.test(run.stdout), 'no docker build was started')
  })

  it("entity and project not given: the run goes where the job lives, not to the key's default entity", async () => {
    const run = await launch({ job: 'ent/proj/myjob:latest', resource: 'local-process', run_id: 'home-direct' })
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.entity, 'ent')
    assert.equal(run.outputs.run_url, `${backend.url}/ent/proj/runs/home-direct`)
    assert.equal(run.stdout.split('the run goes where the job lives, ent/proj').length - 1, 1, 'said once')
  })

  it("in queue mode too: the spec and the queue lookup use the job's entity", async () => {
    const run = await launch({ job: 'ent/proj/myjob:latest', queue: 'q', run_id: 'home-queue' })
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.run_url, `${backend.url}/ent/proj/runs/home-queue`)
    const push = readOplog(backend).find((op) => op.op === 'pushToRunQueueByName' && JSON.stringify(op.variables).includes('home-queue'))
    assert.equal((push?.variables as Record<string, unknown> | undefined)?.entityName, 'ent')
  })
})

// The pull-request comment and the check run, against the local GitHub REST API
// (test/github-api): the bundled action with the fake SDK, pointed there with GITHUB_API_URL.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { errors, startAction, TEST_KEY, type ActionRun } from '../helpers/action.js'
import { eventEnv, GITHUB_TOKEN, HEAD_SHA, startGitHubApi, withGitHubApi, type GitHubApi } from '../helpers/github-api.js'

const base = { api_key: TEST_KEY, resource: 'local-process', entity: 'ent', project: 'proj' }
const MARKER = /^<!-- wandb-launch-action:[0-9a-f]{16} -->\n/

function warnings(run: ActionRun): string[] {
  return [...run.stdout.matchAll(/^::warning::(.*)$/gm)].map((m) => m[1] as string)
}

function launch(
  api: GitHubApi,
  inputs: Record<string, string>,
  env: Record<string, string> = eventEnv(api, 'pull_request')
): Promise<ActionRun> {
  return startAction({ inputs: { ...base, ...inputs }, env, github: { token: GITHUB_TOKEN } })
}

describe('the pull-request comment', () => {
  let api: GitHubApi
  before(async () => (api = await startGitHubApi()))
  after(() => api.stop())

  it('is posted as the run starts, then edited with the verdict; a second run edits the same comment', async () => {
    const first = await launch(api, { job: 'ent/proj/ok:latest', comment: 'true', run_id: 'pr1' })
    assert.equal(first.code, 0, first.stdout)
    assert.deepEqual(warnings(first), [])
    const writes = api.writes()
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      ['POST /repos/octo/models/issues/7/comments', 'PATCH /repos/octo/models/issues/comments/1001']
    )
    assert.ok(writes.every((w) => w.auth))
    const running = String(writes[0]!.body!.body)
    assert.match(running, MARKER)
    assert.match(running, /⏳ Running on local-process: W&B run \[pr1\]\(https:\/\/wandb\.ai\/ent\/proj\/runs\/pr1\)/)
    const ended = String(writes[1]!.body!.body)
    assert.equal(ended.split('\n')[0], running.split('\n')[0], 'the same marker')
    assert.match(ended, /### ✅ W&B Launch `ent\/proj\/ok:latest`: passed/)
    assert.match(ended, /finished/)
    assert.match(ended, /\[logs\]\(https:\/\/github\.com\/octo\/models\/actions\/runs\/4242\)/)

    const second = await launch(api, { job: 'ent/proj/ok:latest', comment: 'true', run_id: 'pr2' })
    assert.equal(second.code, 0, second.stdout)
    const state = await api.state()
    assert.equal(state.comments.length, 1, 'edited in place, not duplicated')
    assert.match(state.comments[0]!.body, /runs\/pr2/)
    assert.deepEqual(
      api
        .writes()
        .slice(2)
        .map((w) => `${w.method} ${w.path}`),
      ['PATCH /repos/octo/models/issues/comments/1001', 'PATCH /repos/octo/models/issues/comments/1001']
    )
  })

  it('a failed run says so, and the token is never printed', async () => {
    const run = await launch(api, { job: 'ent/proj/fail:latest', comment: 'true', run_id: 'prf' }, eventEnv(api, 'pull_request', { pr: 8 }))
    assert.equal(run.code, 1)
    const comment = (await api.state()).comments.find((c) => c.issue === 8)!
    assert.match(comment.body, /### ❌ W&B Launch `ent\/proj\/fail:latest`: failure/)
    assert.match(comment.body, /W&#38;B run prf failed/)
    assert.doesNotMatch(run.stdout + run.stderr, new RegExp(GITHUB_TOKEN))
  })

  it('two matrix entries (different launch inputs) make two comments; comment_key makes its own', async () => {
    const env = eventEnv(api, 'pull_request', { pr: 9 })
    const runs = await Promise.all([
      launch(api, { job: 'ent/proj/ok:latest', comment: 'true', config: '{overrides: {run_config: {model: a}}}' }, env),
      launch(api, { job: 'ent/proj/ok:latest', comment: 'true', config: '{overrides: {run_config: {model: b}}}' }, env)
    ])
    for (const run of runs) assert.equal(run.code, 0, run.stdout)
    assert.equal((await api.state()).comments.filter((c) => c.issue === 9).length, 2)
    const keyed = await launch(
      api,
      { job: 'ent/proj/ok:latest', comment: 'true', comment_key: 'model a', config: '{overrides: {run_config: {model: a}}}' },
      env
    )
    assert.equal(keyed.code, 0)
    const comments = (await api.state()).comments.filter((c) => c.issue === 9)
    assert.equal(comments.length, 3)
    assert.match(comments[2]!.body, /<sub>CI \/ eval \/ model a/)
  })

  it('on push: the pull requests whose head is the commit; none: nothing is posted', async () => {
    const sha = 'aaaabbbbccccddddeeeeffff0000111122223333'
    await withGitHubApi({ prForSha: { [sha]: [21, 22] } }, async (pushApi) => {
      const run = await launch(pushApi, { job: 'ent/proj/ok:latest', comment: 'true' }, eventEnv(pushApi, 'push', { sha }))
      assert.equal(run.code, 0, run.stdout)
      assert.deepEqual((await pushApi.state()).comments.map((c) => c.issue).sort(), [21, 22])
      const other = await launch(
        pushApi,
        { job: 'ent/proj/ok:latest', comment: 'true' },
        eventEnv(pushApi, 'push', { sha: 'ffff' + sha.slice(4) })
      )
      assert.equal(other.code, 0)
      assert.match(other.stdout, /No pull request for this push event: no comment is posted/)
      assert.equal((await pushApi.state()).comments.length, 2)
      const manual = await launch(pushApi, { job: 'ent/proj/ok:latest', comment: 'true' }, eventEnv(pushApi, 'workflow_dispatch'))
      assert.equal(manual.code, 0)
      assert.equal((await pushApi.state()).comments.length, 2)
      assert.deepEqual(warnings(manual), [])
    })
  })
})

describe('GitHub failures never fail a run that passed', () => {
  it('no permission (403): one warning naming the permission, a green step and the job summary', async () => {
    await withGitHubApi({ forbid: ['comments', 'checks'] }, async (api) => {
      const run = await launch(api, { job: 'ent/proj/ok:latest', comment: 'true', check_name: 'W&B eval' })
      assert.equal(run.code, 0, run.stdout)
      assert.deepEqual(errors(run), [])
      const w = warnings(run)
      assert.equal(w.length, 2, w.join('\n'))
      assert.match(w[0]!, /Could not comment on the pull request \(403 Resource not accessible by integration.*pull-requests: write/)
      assert.match(w[1]!, /Could not report the check run W&B eval \(403 .*checks: write/)
      assert.match(run.summary, /finished/)
      // one try each: a permission is not retried, and not tried again at the end
      assert.deepEqual(
        api.writes().map((r) => `${r.method} ${r.status}`),
        ['POST 403', 'POST 403']
      )
    })
  })

  it('a secondary rate limit is retried after retry-after', async () => {
    await withGitHubApi({ secondaryLimit: 1 }, async (api) => {
      const run = await launch(api, { job: 'ent/proj/ok:latest', comment: 'true' })
      assert.equal(run.code, 0, run.stdout)
      assert.deepEqual(warnings(run), [])
      const writes = api.writes()
      assert.deepEqual(
        writes.map((r) => `${r.method} ${r.status}`),
        ['POST 201', 'PATCH 403', 'PATCH 200']
      )
      assert.ok(writes[2]!.ts - writes[1]!.ts >= 0.95, `retried after ${writes[2]!.ts - writes[1]!.ts}s`)
      assert.match(run.stdout, /secondary rate limit.*retrying in 1 s/)
      assert.match((await api.state()).comments[0]!.body, /passed/)
    })
  })

  it('server errors (502) are retried', async () => {
    await withGitHubApi({ failFirst: 2 }, async (api) => {
      const run = await launch(api, { job: 'ent/proj/ok:latest', comment: 'true' })
      assert.equal(run.code, 0, run.stdout)
      assert.deepEqual(warnings(run), [])
      assert.equal((await api.state()).comments.length, 1)
      assert.deepEqual(
        api
          .requests()
          .slice(0, 2)
          .map((r) => r.status),
        [502, 502]
      )
    })
  })
})

describe('the check run', () => {
  let api: GitHubApi
  before(async () => (api = await startGitHubApi()))
  after(() => api.stop())

  it('starts in progress with the run as details, on the pull request head, and completes with the verdict', async () => {
    const run = await launch(api, { job: 'ent/proj/ok:latest', check_name: 'W&B eval', run_id: 'chk1' })
    assert.equal(run.code, 0, run.stdout)
    const writes = api.writes()
    assert.deepEqual(
      writes.map((w) => `${w.method} ${w.path}`),
      ['POST /repos/octo/models/check-runs', 'PATCH /repos/octo/models/check-runs/1001']
    )
    assert.equal(writes[0]!.body!.status, 'in_progress')
    assert.equal(writes[0]!.body!.head_sha, HEAD_SHA)
    assert.equal(writes[0]!.body!.details_url, 'https://wandb.ai/ent/proj/runs/chk1')
    assert.equal(writes[0]!.body!.name, 'W&B eval')
    assert.equal(writes[1]!.body!.status, 'completed')
    assert.equal(writes[1]!.body!.conclusion, 'success')
    assert.deepEqual((await api.state()).comments, [], 'no comment without comment: true')
  })

  it('a failed run fails the check; a timed-out run is timed_out, and the check started while it ran', async () => {
    const failed = await launch(api, { job: 'ent/proj/fail:latest', check_name: 'W&B eval' })
    assert.equal(failed.code, 1)
    const timedOut = await launch(api, { job: 'ent/proj/forever:latest', check_name: 'W&B eval', timeout: '3s' })
    assert.equal(timedOut.code, 1)
    const checks = (await api.state()).check_runs
    assert.deepEqual(
      checks.slice(1).map((c) => c.conclusion),
      ['failure', 'timed_out']
    )
    const started = api
      .writes()
      .filter((w) => w.method === 'POST')
      .at(-1)!
    const ended = api.writes().at(-1)!
    assert.ok(ended.ts - started.ts >= 2, `created ${ended.ts - started.ts}s before it completed`)
  })
})

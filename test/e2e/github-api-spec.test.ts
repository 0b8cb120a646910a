// The local GitHub API is held to GitHub's REST API description (test/helpers/openapi.ts): a
// request GitHub would not take as sent fails the test, naming the operation and the field. Shown
// with a request sent by hand, and with a scratch copy of the bundled action whose check-run
// request misspells a field (GitHub would drop it quietly: the check would have no details link).
import assert from 'node:assert/strict'
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { ROOT, startAction, TEST_KEY } from '../helpers/action.js'
import { eventEnv, GITHUB_TOKEN, HEAD_SHA, startGitHubApi } from '../helpers/github-api.js'
import { checkRequest, checkResponse } from '../helpers/openapi.js'

describe("the local GitHub API, against GitHub's REST API description", () => {
  it('answers a request that does not match its operation 422, and stop() fails naming the operation and the field', async () => {
    const api = await startGitHubApi()
    const post = (body: unknown) =>
      fetch(`${api.url}/repos/octo/models/check-runs`, {
        method: 'POST',
        headers: { authorization: `token ${GITHUB_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body)
      })
    const good = await post({ name: 'W&B', head_sha: HEAD_SHA, status: 'in_progress', details_url: 'https://wandb.ai/e/p/runs/r' })
    assert.equal(good.status, 201)
    assert.deepEqual(api.problems(), [])
    const bad = await post({ name: 'W&B', head_sha: HEAD_SHA, status: 'running', detail_url: 'https://wandb.ai/e/p/runs/r' })
    assert.equal(bad.status, 422)
    assert.match(((await bad.json()) as { message: string }).message, /^Invalid request\./)
    await assert.rejects(api.stop(), (error: Error) => {
      assert.match(error.message, /checks\/create \(POST \/repos\/octo\/models\/check-runs\): /)
      assert.match(error.message, /body\.status is "running", not one of "queued", "in_progress", "completed"/)
      assert.match(error.message, /body\.detail_url is not a field of it \(fields: name, head_sha, details_url, /)
      return true
    })
  })

  it('fails the test of an action whose check-run request misspells a field', async () => {
    // A scratch copy of the action, its bundle changed in that one field name.
    const copy = mkdtempSync(path.join(tmpdir(), 'misspelt-action-'))
    cpSync(path.join(ROOT, 'action.yml'), path.join(copy, 'action.yml'))
    cpSync(path.join(ROOT, 'dist'), path.join(copy, 'dist'), { recursive: true })
    const bundle = path.join(copy, 'dist', 'index.js')
    const text = readFileSync(bundle, 'utf8')
    assert.ok(/\bdetails_url:/.test(text), 'the bundle no longer sends details_url')
    writeFileSync(bundle, text.replace(/\bdetails_url:/g, 'detail_url:'))
    const api = await startGitHubApi()
    const run = await startAction({
      actionYml: path.join(copy, 'action.yml'),
      inputs: {
        api_key: TEST_KEY,
        resource: 'local-process',
        entity: 'ent',
        project: 'proj',
        job: 'ent/proj/ok:latest',
        check_name: 'W&B eval'
      },
      env: eventEnv(api, 'pull_request'),
      github: { token: GITHUB_TOKEN }
    })
    // The step itself stays green (a report that cannot be made never fails a run that passed) ...
    assert.equal(run.code, 0, run.stdout)
    assert.match(run.stdout, /::warning::.*check run/i)
    // ... and the test fails, saying what GitHub's description does not allow.
    await assert.rejects(api.stop(), /checks\/create \(POST \/repos\/octo\/models\/check-runs\): body\.detail_url is not a field of it/)
  })

  it('matches operations by method and path, and checks parameters and answers', () => {
    const list = checkRequest('GET', '/repos/o/r/issues/7/comments?per_page=100&page=2', undefined)
    assert.deepEqual([list.operation, list.problems], ['issues/list-comments', []])
    assert.deepEqual(checkRequest('GET', '/repos/o/r/issues/7/comments?perpage=100', undefined).problems, [
      'query parameter perpage is not a parameter of the operation (it has: since, per_page, page)'
    ])
    assert.match(
      checkRequest('GET', '/repos/o/r/issues/seven/comments', undefined).problems[0] ?? '',
      /path parameter issue_number is "seven", not integer/
    )
    assert.match(
      checkRequest('PUT', '/repos/o/r/check-runs', {}).problems[0] ?? '',
      /PUT is not an operation of \/repos\/\{owner\}\/\{repo\}\/check-runs \(only POST\)/
    )
    assert.match(checkRequest('GET', '/nowhere', undefined).problems[0] ?? '', /no operation in GitHub's REST API has the path \/nowhere/)
    assert.deepEqual(checkRequest('PATCH', '/repos/o/r/issues/comments/5', {}).problems, ['body.body is required'])
    const created = checkRequest('POST', '/repos/o/r/issues/7/comments', { body: 'x' })
    assert.match(checkResponse(created, 201, { id: 1, body: 'x' }).join('\n'), /answer\.node_id is required/)
    assert.match(checkResponse(created, 200, {}).join('\n'), /status 200 is not a response of the operation/)
  })
})

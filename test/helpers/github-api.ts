// The local GitHub REST API (test/github-api/server.py, a copy of ../shared/github-api) for the
// tests of the pull-request comment and the check run, and the event a workflow run hands the
// action (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_SHA, GITHUB_REPOSITORY).
//
// The action talks to it through a referee in front of it, held to GitHub's REST API description
// (openapi.ts): a request that is not an operation of the API, or whose parameters or JSON body do
// not match the operation's, is answered 422 as GitHub answers an invalid request, and recorded;
// an answer of the fake that lacks a field the description requires is recorded too. stop()
// throws with every one of them, naming the operation and the field, so the test fails.
import { spawn } from 'node:child_process'
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ROOT } from './action.js'
import { checkRequest, checkResponse } from './openapi.js'

export const GITHUB_TOKEN = 'ghs_fakeGitHubToken0123456789abcdefABCD'
export const HEAD_SHA = '0123456789abcdef0123456789abcdef01234567'

interface GitHubRequest {
  method: string
  path: string
  status: number
  body: Record<string, unknown> | null
  auth: boolean
  ts: number
}

export interface GitHubApi {
  url: string
  requests: () => GitHubRequest[]
  /** The writes (POST, PATCH, DELETE). */
  writes: () => GitHubRequest[]
  state: () => Promise<{ comments: Array<{ id: number; issue: number; body: string }>; check_runs: Array<Record<string, unknown>> }>
  /** What did not match GitHub's REST API description so far: requests of the action, answers of the fake. */
  problems: () => string[]
  /** Stops the server; throws if anything did not match the description. */
  stop: () => Promise<void>
}

export interface GitHubApiOptions {
  forbid?: Array<'comments' | 'checks'>
  secondaryLimit?: number
  failFirst?: number
  /** sha -> pull request numbers whose head it is. */
  prForSha?: Record<string, number[]>
}

export async function startGitHubApi(options: GitHubApiOptions = {}): Promise<GitHubApi> {
  const dir = mkdtempSync(path.join(tmpdir(), 'github-api-'))
  const portFile = path.join(dir, 'port')
  const oplog = path.join(dir, 'requests.jsonl')
  const args = [
    path.join(ROOT, 'test', 'github-api', 'server.py'),
    '--port',
    '0',
    '--port-file',
    portFile,
    '--oplog',
    oplog,
    '--head-sha',
    HEAD_SHA
  ]
  for (const area of options.forbid ?? []) args.push('--forbid', area)
  if (options.secondaryLimit) args.push('--secondary-limit', String(options.secondaryLimit))
  if (options.failFirst) args.push('--fail-first', String(options.failFirst))
  for (const [sha, numbers] of Object.entries(options.prForSha ?? {})) for (const n of numbers) args.push('--pr-for-sha', `${sha}=${n}`)
  const server = spawn('python3', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  server.stderr!.on('data', (c: Buffer) => (stderr += c))
  const end = Date.now() + 15_000
  while (!existsSync(portFile) || !readFileSync(portFile, 'utf8').trim()) {
    if (server.exitCode !== null || Date.now() > end) throw new Error(`the local GitHub API did not start: ${stderr}`)
    await new Promise((r) => setTimeout(r, 20))
  }
  const fake = `http://127.0.0.1:${readFileSync(portFile, 'utf8').trim()}`
  const problems: string[] = []
  const front = createServer((req, res) => void referee(req, res, fake, problems))
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(front.address() as AddressInfo).port}`
  const requests = (): GitHubRequest[] =>
    readFileSync(oplog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as GitHubRequest)
      .filter((r) => r.path !== '/_state')
  return {
    url,
    requests,
    writes: () => requests().filter((r) => r.method !== 'GET'),
    state: async () => (await fetch(`${fake}/_state`)).json() as ReturnType<GitHubApi['state']>,
    problems: () => [...problems],
    stop: async () => {
      front.closeAllConnections()
      await new Promise((r) => front.close(r))
      if (server.exitCode === null) {
        const closed = new Promise((r) => server.on('close', r))
        server.kill('SIGTERM')
        await closed
      }
      if (problems.length)
        throw new Error(`The local GitHub API saw what GitHub's REST API description does not allow:\n${problems.join('\n')}`)
    }
  }
}

/** One request: checked against the description, then passed to the fake, whose answer is checked too. */
async function referee(req: IncomingMessage, res: ServerResponse, fake: string, problems: string[]): Promise<void> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const raw = Buffer.concat(chunks)
  const method = req.method ?? 'GET'
  const target = req.url ?? '/'
  const send = (status: number, headers: Record<string, string | string[] | undefined>, body: Buffer | string) => {
    res.writeHead(status, headers)
    res.end(body)
  }
  if (target === '/_state') return forward()
  let body: unknown
  try {
    body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined
  } catch {
    body = raw.toString('utf8')
  }
  const match = checkRequest(method, target, body)
  if (match.problems.length) {
    problems.push(`${match.operation} (${method} ${target}): ${match.problems.join('; ')}`)
    const message = `Invalid request.\n\n${match.problems.join('\n')}`
    return send(
      422,
      { 'content-type': 'application/json; charset=utf-8' },
      JSON.stringify({ message, documentation_url: 'https://docs.github.com/rest', status: '422' })
    )
  }
  return forward()

  function forward(): Promise<void> {
    return new Promise((resolve) => {
      const upstream = httpRequest(`${fake}${target}`, { method, headers: req.headers }, (answer) => {
        const parts: Buffer[] = []
        answer.on('data', (c: Buffer) => parts.push(c))
        answer.on('end', () => {
          const text = Buffer.concat(parts)
          const status = answer.statusCode ?? 500
          if (target !== '/_state' && status >= 200 && status < 300 && text.length && status !== 204) {
            const found = checkResponse(match, status, JSON.parse(text.toString('utf8')))
            if (found.length) problems.push(`${match.operation} (${method} ${target}): the fake's ${status} answer: ${found.join('; ')}`)
          }
          send(status, answer.headers, text)
          resolve()
        })
      })
      upstream.on('error', (error) => {
        send(502, { 'content-type': 'application/json' }, JSON.stringify({ message: `the fake GitHub API: ${error.message}` }))
        resolve()
      })
      upstream.end(raw)
    })
  }
}

/** A local GitHub API for the length of `use`. */
export async function withGitHubApi<T>(options: GitHubApiOptions, use: (api: GitHubApi) => Promise<T>): Promise<T> {
  const api = await startGitHubApi(options)
  try {
    return await use(api)
  } finally {
    await api.stop()
  }
}

/** The environment of a workflow run for `event` (pull_request: PR `pr` with head HEAD_SHA). */
export function eventEnv(
  api: GitHubApi,
  event: 'pull_request' | 'push' | 'workflow_dispatch',
  options: { pr?: number; sha?: string; job?: string } = {}
): Record<string, string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'github-event-'))
  const file = path.join(dir, 'event.json')
  const sha = options.sha ?? HEAD_SHA
  const payload =
    event === 'pull_request'
      ? {
          action: 'synchronize',
          number: options.pr ?? 7,
          pull_request: { number: options.pr ?? 7, head: { sha: HEAD_SHA, ref: 'feature' } }
        }
      : event === 'push'
        ? { ref: 'refs/heads/feature', after: sha }
        : {}
  writeFileSync(file, JSON.stringify(payload))
  return {
    GITHUB_API_URL: api.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'octo/models',
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: file,
    // a pull_request run checks out the merge commit: GITHUB_SHA is not the head
    GITHUB_SHA: event === 'pull_request' ? 'fedcba9876543210fedcba9876543210fedcba98' : sha,
    GITHUB_WORKFLOW: 'CI',
    GITHUB_JOB: options.job ?? 'eval',
    GITHUB_RUN_ID: '4242'
  }
}

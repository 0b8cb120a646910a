// The local GitHub REST API (test/github-api/server.py, a copy of ../shared/github-api) for the
// tests of the pull-request comment and the check run, and the event a workflow run hands the
// action (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_SHA, GITHUB_REPOSITORY).
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ROOT } from './action.js'

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
  const args = [path.join(ROOT, 'test', 'github-api', 'server.py'), '--port', '0', '--port-file', portFile, '--oplog', oplog, '--head-sha', HEAD_SHA]
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
  const url = `http://127.0.0.1:${readFileSync(portFile, 'utf8').trim()}`
  const requests = (): GitHubRequest[] =>
    readFileSync(oplog, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as GitHubRequest).filter((r) => r.path !== '/_state')
  return {
    url,
    requests,
    writes: () => requests().filter((r) => r.method !== 'GET'),
    state: async () => (await fetch(`${url}/_state`)).json() as ReturnType<GitHubApi['state']>,
    stop: async () => {
      if (server.exitCode !== null) return
      const closed = new Promise((r) => server.on('close', r))
      server.kill('SIGTERM')
      await closed
    }
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
export function eventEnv(api: GitHubApi, event: 'pull_request' | 'push' | 'workflow_dispatch', options: { pr?: number; sha?: string; job?: string } = {}): Record<string, string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'github-event-'))
  const file = path.join(dir, 'event.json')
  const sha = options.sha ?? HEAD_SHA
  const payload =
    event === 'pull_request'
      ? { action: 'synchronize', number: options.pr ?? 7, pull_request: { number: options.pr ?? 7, head: { sha: HEAD_SHA, ref: 'feature' } } }
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

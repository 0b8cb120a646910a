// The GitHub REST client for the pull-request comment and the check run: @actions/github's
// Octokit (GITHUB_API_URL, the runner's proxy settings), with a deadline on every call and retries
// for what GitHub asks to be retried: 5xx, and rate limits (retry-after, x-ratelimit-reset).
import * as core from '@actions/core'
import { setTimeout as sleep } from 'node:timers/promises'

type GitHubModule = typeof import('@actions/github')
export type GitHubClient = ReturnType<GitHubModule['getOctokit']>
export type GitHubContext = GitHubModule['context']

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number
  /** A longer wait than this is not waited for: the call fails instead. */
  maxWaitMs: number
  /** Each attempt's own deadline. */
  callTimeoutMs: number
  /** Backoff for 5xx and network errors: this, doubled on each retry. */
  backoffMs: number
}

// GitHub asks to wait at least a minute after a secondary rate limit without retry-after.
export const DEFAULT_POLICY: RetryPolicy = { retries: 3, maxWaitMs: 60_000, callTimeoutMs: 20_000, backoffMs: 1_000 }

export interface ClientAndContext {
  client: GitHubClient
  context: GitHubContext
}

/**
 * The client, loaded only when a report is asked for: @actions/github is a large module. `stop`
 * ends every call and every wait between retries at once (the report's own deadline).
 */
export async function githubClient(token: string, stop: AbortSignal, policy: RetryPolicy = DEFAULT_POLICY): Promise<ClientAndContext> {
  const github = await import('@actions/github')
  const client = github.getOctokit(token)
  client.hook.wrap('request', async (request, options) => {
    for (let attempt = 0; ; attempt++) {
      try {
        const signal = AbortSignal.any([AbortSignal.timeout(policy.callTimeoutMs), stop])
        return await request({ ...options, request: { ...options.request, signal } })
      } catch (error) {
        const wait = retryWait(error, attempt, policy)
        if (wait === undefined || attempt >= policy.retries || stop.aborted) throw error
        core.info(`GitHub API ${options.method} ${options.url}: ${describeFailure(error)}; retrying in ${Math.ceil(wait / 1000)} s`)
        await sleep(wait, undefined, { signal: stop })
      }
    }
  })
  return { client, context: github.context }
}

interface HttpError {
  status?: number
  message?: string
  response?: { headers?: Record<string, string | number | undefined> }
}

/** How long to wait before retrying, or undefined when the failure is not one to retry. */
export function retryWait(error: unknown, attempt: number, policy: RetryPolicy, now = Date.now()): number | undefined {
  const e = (error ?? {}) as HttpError
  const headers = e.response?.headers ?? {}
  const status = e.status
  const backoff = policy.backoffMs * 2 ** attempt
  const capped = (ms: number) => (ms <= policy.maxWaitMs ? Math.max(ms, 0) : undefined)
  if (status === 403 || status === 429) {
    const retryAfter = Number(headers['retry-after'])
    if (headers['retry-after'] !== undefined && Number.isFinite(retryAfter)) return capped(retryAfter * 1000)
    if (String(headers['x-ratelimit-remaining']) === '0' && headers['x-ratelimit-reset'] !== undefined) {
      return capped(Number(headers['x-ratelimit-reset']) * 1000 - now + 1000)
    }
    if (/secondary rate limit/i.test(e.message ?? '')) return capped(60_000)
    return status === 429 ? capped(backoff) : undefined // a plain 403 is a permission: not retried
  }
  // a timeout or a network failure (no status, or Octokit's 500 for a fetch that threw), or a 5xx
  if (status === undefined || status >= 500) return capped(backoff)
  return undefined
}

export function describeFailure(error: unknown): string {
  const e = (error ?? {}) as HttpError
  const message = (e.message ?? String(error)).split('\n')[0]
  return e.status ? `${e.status} ${message}` : (message ?? 'failed')
}

/** A 403 that is a missing permission (a fork's read-only token, permissions not granted), not a rate limit. */
export function isPermissionError(error: unknown): boolean {
  const e = (error ?? {}) as HttpError
  return (e.status === 403 || e.status === 404) && !/rate limit/i.test(e.message ?? '')
}

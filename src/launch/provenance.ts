// Where a run came from, as the run records it (its config's `github` mapping and its notes), and
// the launch key: a hash of the launch inputs that tells a re-run of the same launch on the same
// commit (reuse). Pure but for reading the event payload: the environment is passed in.
import { createHash } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import type { GithubProvenance } from './protocol/provenance.js'

type Env = Record<string, string | undefined>

/** What the runner says about the workflow run: its variables and the event's payload. */
export interface Origin {
  env: Env
  event: unknown
}

/** The event payload the runner wrote (GITHUB_EVENT_PATH); undefined when there is none to read. */
export function readEventPayload(env: Env, maxBytes = 16 * 1024 * 1024): unknown {
  const file = env.GITHUB_EVENT_PATH
  if (!file) return undefined
  try {
    if (!statSync(file).isFile() || statSync(file).size > maxBytes) return undefined
    return JSON.parse(readFileSync(file, 'utf8')) as unknown
  } catch {
    return undefined
  }
}

/** A pull request's number and head commit from the event payload (GITHUB_EVENT_PATH), if any. */
export function pullRequestOf(event: unknown): { number: number; headSha: string | null } | undefined {
  const pr = (event as { pull_request?: { number?: unknown; head?: { sha?: unknown } } } | null)?.pull_request
  if (!pr || typeof pr.number !== 'number' || !Number.isSafeInteger(pr.number)) return undefined
  const headSha = typeof pr.head?.sha === 'string' && /^[0-9a-f]{40,64}$/.test(pr.head.sha) ? pr.head.sha : null
  return { number: pr.number, headSha }
}

/** Provenance from the runner's variables; undefined off a runner (no repository or commit). */
export function githubProvenance(env: Env, event: unknown, launchKey: string | null): GithubProvenance | undefined {
  const text = (name: string): string | null => env[name]?.trim() || null
  const repository = text('GITHUB_REPOSITORY')
  const sha = text('GITHUB_SHA')
  if (!repository || !sha) return undefined
  const runId = text('GITHUB_RUN_ID')
  const attemptText = text('GITHUB_RUN_ATTEMPT')
  const attempt = attemptText && /^\d+$/.test(attemptText) ? Number(attemptText) : null
  const server = (text('GITHUB_SERVER_URL') ?? 'https://github.com').replace(/\/+$/, '')
  const pr = pullRequestOf(event)
  return {
    repository,
    sha,
    ref: text('GITHUB_REF'),
    event: text('GITHUB_EVENT_NAME'),
    workflow: text('GITHUB_WORKFLOW'),
    job: text('GITHUB_JOB'),
    run_id: runId,
    run_attempt: attempt,
    run_url: runId ? `${server}/${repository}/actions/runs/${runId}${attempt ? `/attempts/${attempt}` : ''}` : null,
    pull_request: pr?.number ?? null,
    head_sha: pr?.headSha ?? null,
    actor: text('GITHUB_ACTOR'),
    launch_key: launchKey
  }
}

/** Bumped whenever what goes into the key changes, so that old runs are not taken for new ones. */
const LAUNCH_KEY_VERSION = 1

/** What of the bridge request decides what a launch computes: its launch() (or launch_add())
 *  arguments without the run's ID and display name, and the queue it goes to with its template
 *  variables (not its priority or timeouts, which change when it runs, not what). */
export interface LaunchKeyParts {
  launch: Record<string, unknown>
  queue?: { name: string; project_queue?: string; template_variables?: Record<string, unknown> }
}

const NOT_IN_KEY = new Set(['run_id', 'name'])

/** SHA-256 (hex) of the canonical JSON of the launch inputs, with LAUNCH_KEY_VERSION. */
export function launchKey({ launch, queue }: LaunchKeyParts): string {
  const inputs = Object.fromEntries(Object.entries(launch).filter(([k]) => !NOT_IN_KEY.has(k)))
  const keyed = {
    v: LAUNCH_KEY_VERSION,
    launch: inputs,
    queue: queue ? { name: queue.name, project_queue: queue.project_queue, template_variables: queue.template_variables } : undefined
  }
  return createHash('sha256').update(canonicalJson(keyed), 'utf8').digest('hex')
}

/** JSON with object keys sorted at every depth, no spaces, undefined members left out: equal
 *  values give equal text whatever order a mapping was written in. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`${value} has no JSON form`)
    return JSON.stringify(value)
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

/** A workflow run's page in this repository, from a recorded run ID and attempt: digits only, so
 *  that nothing recorded on a W&B run becomes a link of its choosing. */
export function workflowRunUrl(env: Env, runId: string | null, attempt: number | null): string | undefined {
  const repository = env.GITHUB_REPOSITORY?.trim()
  if (!repository || !runId || !/^\d{1,20}$/.test(runId)) return undefined
  const server = (env.GITHUB_SERVER_URL?.trim() || 'https://github.com').replace(/\/+$/, '')
  const at = attempt !== null && Number.isSafeInteger(attempt) && attempt > 0 ? `/attempts/${attempt}` : ''
  return `${server}/${repository}/actions/runs/${runId}${at}`
}

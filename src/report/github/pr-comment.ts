// The pull-request comment: one per workflow, job and launch (comment_key), found again by a
// hidden marker and edited in place, never duplicated. Its pull requests: the event's on
// pull_request, on push those whose head is the pushed commit; none on other events.
import { createHash } from 'node:crypto'
import type { GitHubClient, GitHubContext } from './client.js'
import { fitParts, GITHUB_TEXT_LIMIT } from '../fit.js'
import { formatDuration } from '../../text/duration.js'
import { escapeText, inlineCode } from '../../text/markup.js'
import type { Ended, Started } from './run-status.js'

export async function pullRequestsOf(client: GitHubClient, context: GitHubContext): Promise<number[]> {
  const pr = context.payload.pull_request
  if (pr && typeof pr.number === 'number') return [pr.number]
  if (context.eventName !== 'push' || !context.sha) return []
  const { data } = await client.rest.repos.listPullRequestsAssociatedWithCommit({ ...context.repo, commit_sha: context.sha })
  return data.filter((p) => p.state === 'open' && p.head.sha === context.sha).map((p) => p.number)
}

/** The commit a check run belongs to: a pull request's head, not the merge commit the event names. */
export function headShaOf(context: GitHubContext): string {
  const head = (context.payload.pull_request?.head as { sha?: string } | undefined)?.sha
  return head ?? context.sha
}

/** The hidden line that finds this step's comment again: a hash, whatever the key holds. */
/** The marker line and its line break, with room to spare. */
const MARKER_ROOM = 100

export function commentMarker(key: string): string {
  return `<!-- wandb-launch-action:${createHash('sha256').update(key).digest('hex').slice(0, 16)} -->`
}

/** Edits the comment on each pull request, creating it the first time. */
export class PrComment {
  private readonly ids = new Map<number, number>()
  private looked = false

  constructor(
    private readonly client: GitHubClient,
    private readonly repo: { owner: string; repo: string },
    readonly numbers: number[],
    private readonly marker: string
  ) {}

  async post(body: string): Promise<void> {
    const text = `${this.marker}\n${body}`
    if (!this.looked) {
      this.looked = true
      for (const n of this.numbers) {
        const id = await this.find(n)
        if (id !== undefined) this.ids.set(n, id)
      }
    }
    for (const n of this.numbers) {
      const id = this.ids.get(n)
      if (id !== undefined) await this.client.rest.issues.updateComment({ ...this.repo, comment_id: id, body: text })
      else {
        const { data } = await this.client.rest.issues.createComment({ ...this.repo, issue_number: n, body: text })
        this.ids.set(n, data.id)
      }
    }
  }

  private async find(issue: number): Promise<number | undefined> {
    const comments = await this.client.paginate(this.client.rest.issues.listComments, { ...this.repo, issue_number: issue, per_page: 100 })
    return comments.find((c) => c.body?.startsWith(this.marker))?.id
  }
}

export interface CommentLinks {
  /** The workflow run's page, for the logs. */
  workflowRun?: string
  label: string
}

export function startedBody(s: Started, links: CommentLinks): string {
  const run = `[${s.submitted.runId}](${s.submitted.runUrl})`
  const line =
    s.stage === 'queued'
      ? `⏳ Queued on ${s.where}${s.queued ? ` as item ${s.queued.itemId}` : ''}, waiting for an agent: W&B run ${run}.`
      : `⏳ Running on ${s.where}: W&B run ${run}.`
  return [heading('⏳', s.what, s.stage), '', line, '', footer(links)].join('\n')
}

export function endedBody(e: Ended, links: CommentLinks): string {
  const icon = e.conclusion === 'success' ? (e.gatesPassed ? '✅' : '⚠️') : '❌'
  const run = e.submitted ? `[${e.submitted.runId}](${e.submitted.runUrl})` : 'not started'
  const { gates, promotion, comparison, curves } = e.sections
  // within GitHub's limit with the marker line that PrComment puts first
  return fitParts(
    [
      heading(icon, e.what, e.conclusion === 'success' ? 'passed' : e.conclusion.replace('_', ' ')),
      escapeText(e.message),
      `W&B run ${run} · ${e.where} · ${formatDuration(e.seconds)}`,
      gates,
      promotion,
      comparison,
      curves,
      footer(links)
    ],
    GITHUB_TEXT_LIMIT - MARKER_ROOM
  )
}

function heading(icon: string, what: string, state: string): string {
  return `### ${icon} W&B Launch ${inlineCode(what)}: ${state}`
}

function footer(links: CommentLinks): string {
  const logs = links.workflowRun ? ` · [logs](${links.workflowRun})` : ''
  return `<sub>${escapeText(links.label)}${logs}</sub>`
}

// The report on GitHub (comment: true, check_name): set up while the launch starts, told when the
// run is submitted without being waited for, and awaited only once the verdict is known. A GitHub
// failure is one warning per report, never a failed step: the job summary is written regardless.
import * as core from '@actions/core'
import { CheckRun } from './check-run.js'
import { errorMessage } from '../../text/error-message.js'
import { formatDuration } from '../../text/duration.js'
import { describeFailure, githubClient, isPermissionError, type RetryPolicy } from './client.js'
import type { Inputs } from '../../inputs/inputs.js'
import { commentMarker, endedBody, headShaOf, PrComment, pullRequestsOf, startedBody, type CommentLinks } from './pr-comment.js'
import type { Ended, Started } from './run-status.js'

type Part = 'comment' | 'check'

const ADVICE: Record<Part, string> = {
  comment:
    'give the job `permissions: pull-requests: write` (a pull request from a fork gets a read-only token, so there is no comment on it)',
  check: 'give the job `permissions: checks: write` (a pull request from a fork gets a read-only token, so there is no check run on it)'
}

/** How long the report at the end may hold the step, whatever GitHub does. */
const FINISH_DEADLINE_MS = 120_000

export class GitHubReport {
  private chain: Promise<void>
  private comment?: PrComment
  private check?: CheckRun
  private links: CommentLinks
  private readonly failed = new Set<Part>()
  /** Ends what GitHub has not answered once the report's deadline has passed. */
  private readonly stop = new AbortController()

  private constructor(
    private readonly inputs: Inputs,
    policy?: RetryPolicy
  ) {
    const env = process.env
    this.links = {
      label: `${env.GITHUB_WORKFLOW ?? 'workflow'} / ${env.GITHUB_JOB ?? 'job'}${inputs.commentKeyGiven ? ` / ${inputs.commentKey}` : ''}`,
      workflowRun:
        env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
          ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
          : undefined
    }
    this.chain = this.setup(policy).catch((error) => core.warning(`GitHub report: ${errorMessage(error)}`))
  }

  /** Undefined unless comment or check_name asked for a report. */
  static start(inputs: Inputs, policy?: RetryPolicy): GitHubReport | undefined {
    return inputs.comment || inputs.checkName ? new GitHubReport(inputs, policy) : undefined
  }

  private async setup(policy?: RetryPolicy): Promise<void> {
    const { client, context } = await githubClient(this.inputs.githubToken ?? '', this.stop.signal, policy)
    if (!process.env.GITHUB_REPOSITORY) {
      core.info('GitHub report: GITHUB_REPOSITORY is not set, so there is nothing to report on')
      return
    }
    const repo = context.repo
    if (this.inputs.comment) {
      const prs = await this.guard('comment', () => pullRequestsOf(client, context))
      if (prs?.length) this.comment = new PrComment(client, repo, prs, commentMarker(this.inputs.commentKey))
      else if (prs) core.info(`No pull request for this ${context.eventName} event: no comment is posted`)
    }
    if (this.inputs.checkName) this.check = new CheckRun(client, repo, this.inputs.checkName, headShaOf(context))
  }

  /** The run is queued or running: reported in the background, never awaited by the launch. */
  started(s: Started): void {
    this.chain = this.chain.then(async () => {
      await this.guard('comment', () => this.comment?.post(startedBody(s, this.links)))
      await this.guard('check', () => this.check?.start(s))
    })
  }

  /** The verdict: waits for what is still being sent, then reports it, within a deadline. */
  async finish(e: Ended): Promise<void> {
    this.chain = this.chain.then(async () => {
      await this.guard('comment', () => this.comment?.post(endedBody(e, this.links)))
      await this.guard('check', () => this.check?.complete(e))
    })
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), FINISH_DEADLINE_MS)))
    const done = await Promise.race([this.chain.then(() => 'done' as const), late])
    clearTimeout(timer)
    if (done === 'late') {
      this.stop.abort() // the step ends now, not when GitHub answers
      core.warning(
        `GitHub did not take the report within ${formatDuration(FINISH_DEADLINE_MS / 1000)}: the pull-request comment or check run may be out of date`
      )
    }
  }

  /** One warning per part; a missing permission stops that part. */
  private async guard<T>(part: Part, call: () => Promise<T> | undefined): Promise<T | undefined> {
    try {
      return await call()
    } catch (error) {
      if (this.stop.signal.aborted) return undefined // the deadline's warning says it all
      const what = part === 'comment' ? 'comment on the pull request' : `report the check run ${this.inputs.checkName}`
      if (isPermissionError(error)) {
        if (part === 'comment') this.comment = undefined
        else this.check = undefined
      }
      if (this.failed.has(part)) core.info(`Could not ${what}: ${describeFailure(error)}`)
      else {
        this.failed.add(part)
        const advice = isPermissionError(error) ? `: ${ADVICE[part]}` : ''
        core.warning(`Could not ${what} (${describeFailure(error)})${advice}. The step's verdict does not depend on it.`)
      }
      return undefined
    }
  }
}

// The check run (check_name): created in progress with the W&B run as its details link as soon as
// the run is submitted, completed with the step's verdict and the gates table.
import type { GitHubClient } from './client.js'
import { fitParts } from '../fit.js'
import { formatDuration } from '../../text/duration.js'
import type { Ended, Started } from './run-status.js'

export class CheckRun {
  private id?: number

  constructor(
    private readonly client: GitHubClient,
    private readonly repo: { owner: string; repo: string },
    private readonly name: string,
    private readonly headSha: string
  ) {}

  async start(s: Started): Promise<void> {
    const { data } = await this.client.rest.checks.create({
      ...this.repo,
      name: this.name,
      head_sha: this.headSha,
      status: 'in_progress',
      details_url: s.submitted.runUrl,
      external_id: s.submitted.runId,
      started_at: new Date().toISOString(),
      output: {
        title: s.stage === 'queued' ? `W&B run ${s.submitted.runId} is queued` : `W&B run ${s.submitted.runId} is running`,
        summary: `${s.what} on ${s.where}: [${s.submitted.runId}](${s.submitted.runUrl})`
      }
    })
    this.id = data.id
  }

  async complete(e: Ended): Promise<void> {
    const output = {
      title: e.message.length > 200 ? `${e.message.slice(0, 197)}...` : e.message,
      // the charts stay in the comment and the job summary: a check run's summary is for the verdict
      summary: fitParts([
        `${e.what} on ${e.where}, ${formatDuration(e.seconds)}${e.submitted ? `: [${e.submitted.runId}](${e.submitted.runUrl})` : ''}`,
        e.sections.gates,
        e.sections.promotion,
        e.sections.comparison
      ])
    }
    const done = { status: 'completed' as const, conclusion: e.conclusion, completed_at: new Date().toISOString(), output }
    if (this.id !== undefined) {
      await this.client.rest.checks.update({ ...this.repo, check_run_id: this.id, ...done })
    } else {
      // never started (the launch ended before it was submitted, or the first call failed)
      await this.client.rest.checks.create({
        ...this.repo,
        name: this.name,
        head_sha: this.headSha,
        ...(e.submitted ? { details_url: e.submitted.runUrl, external_id: e.submitted.runId } : {}),
        ...done
      })
    }
  }
}

// The job summary: what was launched, where, how it ended, the gates, and why it failed.
import * as core from '@actions/core'
import type { Inputs } from '../inputs/inputs.js'
import type { ReportSections } from './sections.js'
import type { Outcome } from '../launch/outcome.js'
import { formatDuration } from '../text/duration.js'
import { escapeHtml } from '../text/markup.js'
import type { Failure } from '../verdict/failure.js'
import { NOT_LAUNCHED, recordedState, stateOutput, type Verdict } from '../verdict/verdict.js'

/** ✅ only for a run that finished; a run left running (synchronous: false) is not done yet. */
function icon(v: Verdict, state: string | null | undefined): string {
  if (!v.ok) return '❌'
  return state === 'finished' ? '✅' : '⏳'
}

/** A step summary may hold 1 MiB; the report's parts get most of it. */
const SUMMARY_BUDGET = 800_000

export async function writeSummary(outcome: Outcome, inputs: Inputs, v: Verdict, sections: ReportSections): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const s = outcome.submitted
  const state = outcome.result?.cancelled
    ? `${outcome.result.state ?? NOT_LAUNCHED} (cancelled)`
    : outcome.result?.timed_out
      ? `${outcome.result.state} (timed out)`
      : stateOutput(outcome)
  const rows: [string, string][] = [
    ['Run', s ? `<a href="${escapeHtml(s.runUrl)}">${escapeHtml(s.runId)}</a>` : 'none: no run was started'],
    ['State', `${icon(v, outcome.result?.state)} ${escapeHtml(state)}`],
    ...(recordedState(outcome) ? ([['Recorded by W&B', escapeHtml(recordedState(outcome)!)]] as [string, string][]) : []),
    ['Entity / project', escapeHtml(s ? `${s.entity}/${s.project}` : `${inputs.entity ?? '(default)'}/${inputs.project ?? '(default)'}`)],
    ...(inputs.attach
      ? ([
          [
            'Attached to',
            `<code>${escapeHtml(inputs.attach.kind === 'run' ? `${inputs.attach.entity}/${inputs.attach.project}/${inputs.attach.runId}` : `queue item ${inputs.attach.itemId}`)}</code>`
          ]
        ] as [string, string][])
      : ([[inputs.job ? 'Job' : 'Image', `<code>${escapeHtml(inputs.job ?? inputs.dockerImage ?? '')}</code>`]] as [string, string][])),
    ...(inputs.queue
      ? ([
          ['Queue', escapeHtml(inputs.queue.projectQueue ? `${inputs.queue.projectQueue}/${inputs.queue.name}` : inputs.queue.name)],
          ['Queue item', escapeHtml(outcome.queued?.itemId ?? 'not queued')]
        ] as [string, string][])
      : inputs.attach
        ? []
        : ([['Resource', escapeHtml(inputs.resource)]] as [string, string][])),
    ['Duration', formatDuration(outcome.seconds)]
  ]
  if (outcome.reused) {
    const from = outcome.reused.workflowRunUrl
      ? `launched by <a href="${escapeHtml(outcome.reused.workflowRunUrl)}">workflow run</a>`
      : 'launched before'
    rows.splice(1, 0, ['Reused', `yes: an earlier run of the same launch on this commit, ${from}; nothing was launched`])
  }
  if (outcome.logFile) rows.push(['Log file', `<code>${escapeHtml(outcome.logFile)}</code>`])
  if (outcome.sdk?.wandb_version) rows.push(['wandb', escapeHtml(outcome.sdk.wandb_version)])
  await writeTable(rows, v.message, sections, v.failure ? failureHtml(v.failure) : '')
}

/** What was asked for: the job or image, where, and on what. */
export function whatRows(inputs: Inputs): [string, string][] {
  return [
    ['Entity / project', escapeHtml(`${inputs.entity ?? '(default)'}/${inputs.project ?? '(default)'}`)],
    [inputs.job ? 'Job' : 'Image', `<code>${escapeHtml(inputs.job ?? inputs.dockerImage ?? '')}</code>`],
    inputs.queue ? ['Queue', escapeHtml(inputs.queue.name)] : ['Resource', escapeHtml(inputs.resource)]
  ]
}

export async function writeTable(rows: [string, string][], message: string, sections?: ReportSections, failure = ''): Promise<void> {
  const commit = await triggeringCommit()
  if (commit) rows.push(['Commit', escapeHtml(commit)])
  const summary = core.summary
    .addHeading('W&amp;B Launch', 3)
    .addTable(rows.map(([k, value]) => [{ data: k, header: true }, value]))
    .addRaw(`<p>${escapeHtml(message).replaceAll('\n', '<br>')}</p>`, true)
    .addRaw(failure, true)
  // Markdown between blank lines, as the pull-request comment and the check run show it
  const gates = sections?.gates(SUMMARY_BUDGET) ?? ''
  if (gates) summary.addHeading('Gates', 4).addRaw(`\n${gates}\n`, true)
  if (sections?.promotion) summary.addRaw(`\n${sections.promotion}\n`, true)
  const comparison = sections?.comparison(SUMMARY_BUDGET) ?? ''
  if (comparison) summary.addHeading('Metrics', 4).addRaw(`\n${comparison}\n`, true)
  const curves = sections?.curves(SUMMARY_BUDGET) ?? ''
  if (curves) summary.addRaw(`\n${curves}\n`, true)
  await summary.write()
}

/** Why it failed: the facts, then the last lines in a collapsed block. */
function failureHtml(failure: Failure): string {
  const facts = failure.facts.map((f) => `<li>${escapeHtml(f)}</li>`).join('')
  const note = failure.note ? `<li>No output.log lines: ${escapeHtml(failure.note)}</li>` : ''
  const list = facts || note ? `<ul>${facts}${note}</ul>` : ''
  const lines = failure.lines.length
    ? `<details><summary>Last ${failure.lines.length} lines of ${escapeHtml(failure.source ?? 'the output')}</summary>\n\n<pre>${failure.lines.map(escapeHtml).join('\n')}</pre>\n\n</details>`
    : ''
  return list + lines
}

async function triggeringCommit(): Promise<string | undefined> {
  // Loaded here only: the GitHub client is a large part of the bundle, and start-up is launch time.
  const github = await import('@actions/github')
  const repository = process.env.GITHUB_REPOSITORY // context.repo throws without it
  const { sha } = github.context
  return repository && sha ? `${repository}@${sha.slice(0, 12)}` : undefined
}

// The verdict on a launch, its last outputs and the job summary. Nothing here may throw past
// its caller: an output or a summary that cannot be written is a warning, never a crash.
import * as core from '@actions/core'
import { errorMessage } from '../text/error-message.js'
import { annotationLines, describeFailure, type Failure } from './failure.js'
import { FAILED_STATES, UNCONFIRMED } from '../launch/protocol.js'
import { formatDuration } from '../text/duration.js'
import { describeGate, gatesMarkdown, judgeGates, type GateVerdict } from './gate-verdict.js'
import type { Inputs } from '../inputs/inputs.js'
import { explainError } from './error-advice.js'
import type { Outcome } from '../launch/outcome.js'
import { setOutputs } from '../report/outputs.js'
import { HOW_TO_GET_WANDB } from '../sdk/python.js'
import type { Conclusion } from '../report/github/run-status.js'

/** The state output of a run that never started (input errors, SDK errors, cancelled before launch). */
export const NOT_LAUNCHED = 'not_launched'
/** The state output when a run was submitted but the bridge ended without saying how it went. */
export const UNKNOWN_STATE = 'unknown'

// stopped: a cancelled local run (launch()'s own word); crashed, killed: W&B run states that
// queue mode sees (killed is a stopped run).

export interface Verdict {
  ok: boolean
  /** One line for the log and the summary. */
  message: string
  /** Why it failed, when more is known than the message says (src/failure.ts). */
  failure?: Failure
}

/** The annotation of a failed step: the verdict, then a few short lines of why. */
export function annotation(v: Verdict): string {
  return [v.message, ...(v.failure ? annotationLines(v.failure) : [])].join('\n')
}

export function verdict(outcome: Outcome, inputs: Inputs): Verdict {
  const { error, result, submitted, sdk } = outcome
  const python = sdk ? `${sdk.python} (Python ${sdk.python_version})` : 'the Python interpreter'
  if (error?.kind === 'wandb_missing') {
    return { ok: false, message: `wandb is not installed for ${python}: ${HOW_TO_GET_WANDB}.` }
  }
  if (error?.kind === 'wandb_too_old') {
    return {
      ok: false,
      message: `wandb ${sdk?.wandb_version} at ${python} is older than 0.17.3, the oldest this action supports: run \`pip install -U "wandb>=0.17.3"\` before this step.`
    }
  }
  // SDK setup (src/sdk-setup.ts): the interpreter it provided still did not have a suitable SDK.
  if (error?.kind === 'wandb_unsatisfied' || error?.kind === 'packages_missing') {
    return { ok: false, message: `${error.message} at ${python}: nothing was launched.` }
  }
  if (error) return { ok: false, message: explainError(error, inputs) }
  if (!result) {
    const last = outcome.logTail.slice(-20)
    const tail = last.length ? `; its last output:\n${last.join('\n')}` : ''
    return { ok: false, message: `The launch bridge exited with code ${outcome.exitCode} before reporting a result${tail}` }
  }
  const run = submitted ? `W&B run ${submitted.runId}` : 'The W&B run'
  const link = submitted ? ` (${submitted.runUrl})` : ''
  const cancelNote = result.cancel_error ? ` The cancel reported: ${result.cancel_error}` : ''
  if (result.state === UNCONFIRMED) {
    // the W&B API did not answer the stop in time: the run may still be running
    const why = result.cancelled ? 'Cancelled' : `Timed out after ${formatDuration(inputs.timeoutSeconds ?? 0)}`
    const where = submitted?.runUrl ?? `run ${inputs.runId}`
    return {
      ok: false,
      message: `${why}: could not confirm the run was stopped: ${where}. Check it there and stop it by hand if it is still running.${cancelNote}`
    }
  }
  if (outcome.queued) return queueVerdict(outcome, inputs, result, run, link, cancelNote)
  if (result.cancelled) {
    return {
      ok: false,
      message: result.submitted
        ? `Cancelled: ${run} was stopped${link}, state ${result.state}.${cancelNote}`
        : 'Cancelled before the run was submitted: nothing was launched.'
    }
  }
  if (result.timed_out) {
    return {
      ok: false,
      message: `${run} did not finish within the timeout of ${formatDuration(inputs.timeoutSeconds ?? 0)} and was cancelled; state ${result.state}${link}.${cancelNote}`
    }
  }
  if (!inputs.synchronous) {
    return { ok: true, message: `${run} was submitted${link}; state ${result.state} (not waited on: synchronous is false).` }
  }
  if (result.state === 'finished') return { ok: true, message: `${run} finished${link}.` }
  if (result.state && FAILED_STATES.includes(result.state)) {
    return { ok: false, message: `${run} ${result.state}${link}.` }
  }
  return { ok: false, message: `${run} ended in an unexpected state "${result.state}"${link}.` }
}

/** Queue mode: the item may end before any run exists, and the cancel removes it or stops the run. */
function queueVerdict(
  outcome: Outcome,
  inputs: Inputs,
  result: NonNullable<Outcome['result']>,
  run: string,
  link: string,
  cancelNote: string
): Verdict {
  const q = outcome.queued!
  const item = `queue item ${q.itemId} on ${q.queue}`
  const removed = result.item_removed
    ? 'it was removed from the queue'
    : `removing it failed, remove it by hand`
  if (result.queue_timed_out) {
    return {
      ok: false,
      message: `No agent picked up ${item} within the queue_timeout of ${formatDuration(inputs.queue?.timeoutSeconds ?? 0)}: ${removed}.${cancelNote}`
    }
  }
  if (result.cancelled || result.timed_out) {
    const why = result.cancelled ? 'Cancelled' : `Timed out after ${formatDuration(inputs.timeoutSeconds ?? 0)}`
    return {
      ok: false,
      message: result.run_started
        ? `${why}: ${run} was stopped${link}, state ${result.state}.${cancelNote}`
        : `${why} before an agent started the run: ${removed} (${item}, state ${result.item_state}).${cancelNote}`
    }
  }
  if (!inputs.synchronous) {
    return { ok: true, message: `${run} was queued as ${item}${link}; state ${result.state} (not waited on: synchronous is false).` }
  }
  if (!result.run_started && result.item_state === 'failed') {
    return { ok: false, message: `The ${item} failed before ${run} started: ${result.item_error ?? 'no reason given'}` }
  }
  if (result.state === 'finished') return { ok: true, message: `${run} finished${link}.` }
  if (result.state && FAILED_STATES.includes(result.state)) {
    return { ok: false, message: `${run} ${result.state}${link}.` }
  }
  return { ok: false, message: `${run} ended in an unexpected state "${result.state}"${link}.` }
}

/** The state output: the run's (or queue item's) state, else why there is none. */
export function stateOutput(outcome: Outcome): string {
  return outcome.result?.state ?? (outcome.submitted || outcome.queued ? UNKNOWN_STATE : NOT_LAUNCHED)
}

/** The step's verdict with the gates' (when there are gates), and how a check run ends. */
export interface Report extends Verdict {
  conclusion: Conclusion
  gates?: GateVerdict
  /** The gates as a Markdown table, empty without gates. */
  gatesTable: string
}

/** The run's verdict, then the gates': a failed gate fails a run that passed, unless gate_mode is warn. */
export function withGates(run: Verdict, gates: GateVerdict | undefined, inputs: Inputs): Verdict {
  if (!gates || gates.passed || !run.ok) return run
  const failed = `${gates.failed.length} of ${gates.rows.length} gate${gates.rows.length === 1 ? '' : 's'} failed: ${gates.failed.map(describeGate).join('; ')}.`
  if (inputs.gateMode === 'warn') return { ok: true, message: `${run.message} ${failed} (gate_mode: warn)` }
  return { ok: false, message: `${run.message.replace(/\.$/, '')}, but ${failed}` }
}

export function conclusion(outcome: Outcome, v: Verdict): Conclusion {
  if (outcome.result?.cancelled) return 'cancelled'
  if (outcome.result?.timed_out || outcome.result?.queue_timed_out) return 'timed_out'
  return v.ok ? 'success' : 'failure'
}

export async function reportOutcome(outcome: Outcome, inputs: Inputs): Promise<Report> {
  const run = verdict(outcome, inputs)
  if (!run.ok) run.failure = describeFailure(outcome, inputs)
  const summary = outcome.record && outcome.record.state !== null ? outcome.record.summary : undefined
  const baseline = outcome.baseline?.path && outcome.baseline.summary ? { path: outcome.baseline.path, summary: outcome.baseline.summary } : undefined
  const gates = inputs.gates.length ? judgeGates(inputs, summary, baseline, whyNoSummary(outcome)) : undefined
  const v = withGates(run, gates, inputs)
  const gatesTable = gates ? gatesMarkdown(inputs, gates.rows) : ''
  if (outcome.logFile) {
    setOutputs({ log_file: outcome.logFile })
    core.info(`The job's output goes to ${outcome.logFile} (output log_file) while it runs on.`)
    core.warning(
      `The local run goes on after this step, but only as long as this GitHub job: the runner ends it with the job. To wait for it, set synchronous: true, or run it on a queue (queue) and follow it from a later job with attach.`
    )
  }
  // Set on every path, so that a later step can always tell what happened.
  setOutputs({
    state: stateOutput(outcome),
    timed_out: String(outcome.result?.timed_out ?? false),
    summary: summary ? JSON.stringify(summary) : '',
    metrics: JSON.stringify(gates?.metrics ?? {}),
    gates: JSON.stringify(gates?.rows ?? []),
    gates_passed: String(gates?.passed ?? true)
  })
  // A local run's PID may only be known once the job has started.
  const late = outcome.result?.backend_id
  if (late && late !== outcome.submitted?.backendId) setOutputs({ backend_id: late })
  noteRecord(outcome)
  if (outcome.baseline?.path) core.info(`Baseline: W&B run ${outcome.baseline.path}`)
  else if (outcome.baseline?.error) core.warning(`No baseline for the gates: ${outcome.baseline.error}`)
  else if (outcome.baseline) core.info('No baseline: no finished run other than this one matched the baseline filters')
  if (outcome.tagsError) core.warning(`${outcome.tagsError}: a later workflow will not find this run by them`)
  if (gates && !gates.passed && inputs.gateMode === 'warn' && run.ok) {
    for (const row of gates.failed) core.warning(`Gate failed (gate_mode: warn): ${describeGate(row)}`)
  }
  await summarise(() => writeSummary(outcome, inputs, v, gatesTable))
  return { ...v, conclusion: conclusion(outcome, v), gates, gatesTable }
}

/** Why the gates have no summary to check. */
function whyNoSummary(outcome: Outcome): string {
  if (outcome.record?.error) return `the run was not read back: ${outcome.record.error}`
  if (!outcome.result) return 'the launch did not report a result'
  return outcome.result.submitted || outcome.result.run_started ? 'the run was not read back' : 'no run was started'
}

/** A failure before anything was launched (inputs, Python, SDK setup, an early cancel): the same
 *  outputs and a summary as any other ending. `inputs` is absent when they did not parse. */
export async function reportNotLaunched(message: string, inputs?: Inputs): Promise<void> {
  setOutputs({
    state: NOT_LAUNCHED,
    timed_out: 'false',
    summary: '',
    metrics: '{}',
    gates: '[]',
    gates_passed: String(inputs !== undefined && inputs.gates.length === 0)
  })
  await summarise(async () => {
    if (!process.env.GITHUB_STEP_SUMMARY) return
    const rows: [string, string][] = [['State', `❌ ${NOT_LAUNCHED}`]]
    if (inputs) rows.push(...whatRows(inputs))
    await writeTable(rows, message)
  })
}

async function summarise(write: () => Promise<void>): Promise<void> {
  try {
    await write()
  } catch (error) {
    core.warning(`Could not write the job summary: ${errorMessage(error)}`)
  }
}

/** ✅ only for a run that finished; a run left running (synchronous: false) is not done yet. */
function icon(v: Verdict, state: string | null | undefined): string {
  if (!v.ok) return '❌'
  return state === 'finished' ? '✅' : '⏳'
}

/** Reading the run back never fails a step: a record that could not be read is a warning. */
function noteRecord(outcome: Outcome): void {
  const record = outcome.record
  if (!record?.error) return
  if (record.missing) core.info(record.error) // a job that never called wandb.init: nothing to read
  else core.warning(`The run's record in W&B: ${record.error}`)
}

/** W&B's own word on how the run ended, when it is not what the launcher saw. */
export function recordedState(outcome: Outcome): string | undefined {
  const recorded = outcome.record?.state
  return recorded && recorded !== outcome.result?.state ? recorded : undefined
}

async function writeSummary(outcome: Outcome, inputs: Inputs, v: Verdict, gatesTable: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const s = outcome.submitted
  const state = outcome.result?.cancelled ? `${outcome.result.state ?? NOT_LAUNCHED} (cancelled)`
    : outcome.result?.timed_out ? `${outcome.result.state} (timed out)`
    : stateOutput(outcome)
  const rows: [string, string][] = [
    ['Run', s ? `<a href="${escapeHtml(s.runUrl)}">${escapeHtml(s.runId)}</a>` : 'none: no run was started'],
    ['State', `${icon(v, outcome.result?.state)} ${escapeHtml(state)}`],
    ...(recordedState(outcome) ? ([['Recorded by W&B', escapeHtml(recordedState(outcome)!)]] as [string, string][]) : []),
    ['Entity / project', escapeHtml(s ? `${s.entity}/${s.project}` : `${inputs.entity ?? '(default)'}/${inputs.project ?? '(default)'}`)],
    ...(inputs.attach
      ? ([['Attached to', `<code>${escapeHtml(inputs.attach.kind === 'run' ? `${inputs.attach.entity}/${inputs.attach.project}/${inputs.attach.runId}` : `queue item ${inputs.attach.itemId}`)}</code>`]] as [string, string][])
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
  if (outcome.logFile) rows.push(['Log file', `<code>${escapeHtml(outcome.logFile)}</code>`])
  if (outcome.sdk?.wandb_version) rows.push(['wandb', escapeHtml(outcome.sdk.wandb_version)])
  await writeTable(rows, v.message, gatesTable, v.failure ? failureHtml(v.failure) : '')
}

/** What was asked for: the job or image, where, and on what. */
function whatRows(inputs: Inputs): [string, string][] {
  return [
    ['Entity / project', escapeHtml(`${inputs.entity ?? '(default)'}/${inputs.project ?? '(default)'}`)],
    [inputs.job ? 'Job' : 'Image', `<code>${escapeHtml(inputs.job ?? inputs.dockerImage ?? '')}</code>`],
    inputs.queue ? ['Queue', escapeHtml(inputs.queue.name)] : ['Resource', escapeHtml(inputs.resource)]
  ]
}

async function writeTable(rows: [string, string][], message: string, gatesTable = '', failure = ''): Promise<void> {
  const commit = await triggeringCommit()
  if (commit) rows.push(['Commit', escapeHtml(commit)])
  const summary = core.summary
    .addHeading('W&amp;B Launch', 3)
    .addTable(rows.map(([k, value]) => [{ data: k, header: true }, value]))
    .addRaw(`<p>${escapeHtml(message).replaceAll('\n', '<br>')}</p>`, true)
    .addRaw(failure, true)
  // Markdown between blank lines, as the pull-request comment and the check run show it
  if (gatesTable) summary.addHeading('Gates', 4).addRaw(`\n${gatesTable}\n`, true)
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

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

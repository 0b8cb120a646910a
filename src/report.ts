// The verdict on a launch, its last outputs and the job summary. Nothing here may throw past
// its caller: an output or a summary that cannot be written is a warning, never a crash.
import * as core from '@actions/core'
import { errorMessage } from './errors.js'
import { UNCONFIRMED } from './bridge.js'
import { formatDuration } from './format.js'
import type { Inputs } from './inputs.js'
import { explainError } from './failure-messages.js'
import type { Outcome } from './outcome.js'
import { setOutputs } from './outputs.js'
import { HOW_TO_GET_WANDB } from './python.js'

/** The state output of a run that never started (input errors, SDK errors, cancelled before launch). */
export const NOT_LAUNCHED = 'not_launched'
/** The state output when a run was submitted but the bridge ended without saying how it went. */
export const UNKNOWN_STATE = 'unknown'

// stopped: a cancelled local run (launch()'s own word); crashed, killed: W&B run states that
// queue mode sees (killed is a stopped run).
export const FAILED_STATES = ['failed', 'stopped', 'preempted', 'crashed', 'killed']

export interface Verdict {
  ok: boolean
  /** One line for the log and the summary. */
  message: string
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
    const tail = outcome.logTail.length ? `; its last output:\n${outcome.logTail.join('\n')}` : ''
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

export async function reportOutcome(outcome: Outcome, inputs: Inputs): Promise<Verdict> {
  const v = verdict(outcome, inputs)
  // Set on every path, so that a later step can always tell what happened.
  setOutputs({ state: stateOutput(outcome), timed_out: String(outcome.result?.timed_out ?? false) })
  // A local run's PID may only be known once the job has started.
  const late = outcome.result?.backend_id
  if (late && late !== outcome.submitted?.backendId) setOutputs({ backend_id: late })
  noteRecord(outcome)
  await summarise(() => writeSummary(outcome, inputs, v))
  return v
}

/** A failure before anything was launched (inputs, Python, SDK setup, an early cancel): the same
 *  outputs and a summary as any other ending. `inputs` is absent when they did not parse. */
export async function reportNotLaunched(message: string, inputs?: Inputs): Promise<void> {
  setOutputs({ state: NOT_LAUNCHED, timed_out: 'false' })
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

async function writeSummary(outcome: Outcome, inputs: Inputs, v: Verdict): Promise<void> {
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
    [inputs.job ? 'Job' : 'Image', `<code>${escapeHtml(inputs.job ?? inputs.dockerImage ?? '')}</code>`],
    ...(inputs.queue
      ? ([
          ['Queue', escapeHtml(inputs.queue.projectQueue ? `${inputs.queue.projectQueue}/${inputs.queue.name}` : inputs.queue.name)],
          ['Queue item', escapeHtml(outcome.queued?.itemId ?? 'not queued')]
        ] as [string, string][])
      : ([['Resource', escapeHtml(inputs.resource)]] as [string, string][])),
    ['Duration', formatDuration(outcome.seconds)]
  ]
  if (outcome.sdk?.wandb_version) rows.push(['wandb', escapeHtml(outcome.sdk.wandb_version)])
  await writeTable(rows, v.message)
}

/** What was asked for: the job or image, where, and on what. */
function whatRows(inputs: Inputs): [string, string][] {
  return [
    ['Entity / project', escapeHtml(`${inputs.entity ?? '(default)'}/${inputs.project ?? '(default)'}`)],
    [inputs.job ? 'Job' : 'Image', `<code>${escapeHtml(inputs.job ?? inputs.dockerImage ?? '')}</code>`],
    inputs.queue ? ['Queue', escapeHtml(inputs.queue.name)] : ['Resource', escapeHtml(inputs.resource)]
  ]
}

async function writeTable(rows: [string, string][], message: string): Promise<void> {
  const commit = await triggeringCommit()
  if (commit) rows.push(['Commit', escapeHtml(commit)])
  await core.summary
    .addHeading('W&amp;B Launch', 3)
    .addTable(rows.map(([k, value]) => [{ data: k, header: true }, value]))
    .addRaw(`<p>${escapeHtml(message).replaceAll('\n', '<br>')}</p>`, true)
    .write()
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

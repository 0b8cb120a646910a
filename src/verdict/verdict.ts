// The verdict on a launch: did the run pass, in one line, with why when it failed, and with the
// gates' verdict. Pure: the report stage writes it where the user reads it.
import { annotationLines, type Failure } from './failure.js'
import { FAILED_STATES, UNCONFIRMED } from '../launch/protocol/constants.js'
import { describeGate, judgeGates, type GateVerdict } from './gate-verdict.js'
import type { Inputs } from '../inputs/inputs.js'
import { formatDuration } from '../text/duration.js'
import { explainError } from './error-advice.js'
import type { Outcome } from '../launch/outcome.js'
import { HOW_TO_GET_WANDB } from '../sdk/python.js'

/** The state output of a run that never started (input errors, SDK errors, cancelled before launch). */
export const NOT_LAUNCHED = 'not_launched'
/** The state output when a run was submitted but the bridge ended without saying how it went. */
const UNKNOWN_STATE = 'unknown'

// stopped: a cancelled local run (launch()'s own word); crashed, killed: W&B run states that
// queue mode sees (killed is a stopped run).

/** How the step ended, in GitHub's words for a check run. */
export type Conclusion = 'success' | 'failure' | 'cancelled' | 'timed_out'

export interface Verdict {
  ok: boolean
  /** One line for the log and the summary. */
  message: string
  /** Why it failed, when more is known than the message says . */
  failure?: Failure
}

/** The annotation of a failed step: the verdict, then a few short lines of why. */
export function annotation(v: Verdict): string {
  return [v.message, ...(v.failure ? annotationLines(v.failure) : [])].join('\n')
}

export function verdict(outcome: Outcome, inputs: Inputs): Verdict {
  const v = runVerdict(outcome, inputs)
  const reused = outcome.reused
  if (!reused || !outcome.result) return v
  const from = reused.workflowRunUrl ? `, launched by workflow run ${reused.workflowRunUrl}` : ''
  return {
    ...v,
    message: `Reused W&B run ${reused.runId}${from}: the same launch inputs on this commit (reuse: true), so nothing was launched. ${v.message}`
  }
}

function runVerdict(outcome: Outcome, inputs: Inputs): Verdict {
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
  // The SDK setup: the interpreter it provided still did not have a suitable SDK.
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
  if (inputs.attach?.kind === 'run' && !result.submitted) return attachWaitVerdict(inputs, result)
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

/** attach by run path: the run was not on W&B yet, and the wait for it ended. */
function attachWaitVerdict(inputs: Inputs, result: NonNullable<Outcome['result']>): Verdict {
  const a = inputs.attach as Extract<Inputs['attach'], { kind: 'run' }>
  const path = `${a.entity}/${a.project}/${a.runId}`
  if (result.cancelled) return { ok: false, message: `Cancelled while waiting for W&B run ${path} to appear: nothing was stopped.` }
  const check =
    `Check that the step that launched it succeeded and that attach is its entity, project and run_id outputs joined by / ` +
    `(a typo, or another entity, names a run that never comes), that the API key can see ${a.entity}/${a.project}, ` +
    'and, for a run pushed to a queue, that an agent serves the queue.'
  if (result.timed_out) {
    return {
      ok: false,
      message: `W&B run ${path} did not appear within the timeout of ${formatDuration(inputs.timeoutSeconds ?? 0)}: nothing was stopped. ${check}`
    }
  }
  return {
    ok: false,
    message: `W&B run ${path} never started: it was not on W&B within ${formatDuration(inputs.appearSeconds ?? 0)} (queue_timeout; empty waits 10m). ${check}`
  }
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
  const removed = result.item_removed ? 'it was removed from the queue' : `removing it failed, remove it by hand`
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
  if (outcome.result?.timed_out || outcome.result?.queue_timed_out || outcome.result?.never_appeared) return 'timed_out'
  return v.ok ? 'success' : 'failure'
}

/** Why the gates have no summary to check. */
/** The run's summary as W&B recorded it, and the baseline run's, when they were read back. */
export function summariesOf(outcome: Outcome): {
  summary?: Record<string, unknown>
  baseline?: { path: string; summary: Record<string, unknown> }
} {
  const summary = outcome.record && outcome.record.state !== null ? outcome.record.summary : undefined
  const baseline =
    outcome.baseline?.path && outcome.baseline.summary ? { path: outcome.baseline.path, summary: outcome.baseline.summary } : undefined
  return { summary, baseline }
}

/** The gates over the outcome (undefined without gates). */
export function gatesOf(outcome: Outcome, inputs: Inputs): GateVerdict | undefined {
  if (!inputs.gates.length) return undefined
  const { summary, baseline } = summariesOf(outcome)
  return judgeGates(inputs, summary, baseline, whyNoSummary(outcome))
}

function whyNoSummary(outcome: Outcome): string {
  if (outcome.record?.error) return `the run was not read back: ${outcome.record.error}`
  if (!outcome.result) return 'the launch did not report a result'
  return outcome.result.submitted || outcome.result.run_started ? 'the run was not read back' : 'no run was started'
}

/** W&B's own word on how the run ended, when it is not what the launcher saw. */
export function recordedState(outcome: Outcome): string | undefined {
  const recorded = outcome.record?.state
  return recorded && recorded !== outcome.result?.state ? recorded : undefined
}

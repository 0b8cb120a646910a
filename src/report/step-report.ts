// The step's last word on a launch: the verdict's outputs, its warnings and the job summary.
// Nothing here may throw past its caller: an output or a summary that cannot be written is a
// warning, never a crash.
import * as core from '@actions/core'
import type { Inputs } from '../inputs/inputs.js'
import type { Outcome } from '../launch/outcome.js'
import { errorMessage } from '../text/error-message.js'
import { inert } from '../text/markup.js'
import { describeFailure } from '../verdict/failure.js'
import { describeGate } from '../verdict/gate-verdict.js'
import { withPromotion } from '../verdict/promotion.js'
import { conclusion, gatesOf, NOT_LAUNCHED, stateOutput, summariesOf, verdict, withGates, type Report } from '../verdict/verdict.js'
import { whatRows, writeSummary, writeTable } from './job-summary.js'
import { setOutputs } from './outputs.js'
import { reportSections, type ReportSections } from './sections.js'

export async function reportOutcome(outcome: Outcome, inputs: Inputs): Promise<Report & { sections: ReportSections }> {
  const run = verdict(outcome, inputs)
  if (!run.ok) run.failure = describeFailure(outcome, inputs)
  const { summary } = summariesOf(outcome)
  const gates = gatesOf(outcome, inputs)
  const v = withPromotion(withGates(run, gates, inputs), outcome.promotion)
  const sections = reportSections(outcome, inputs, gates)
  const gatesTable = sections.gates(Infinity)
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
    gates_passed: String(gates?.passed ?? true),
    ...promotionOutputs(outcome)
  })
  // A local run's PID may only be known once the job has started.
  const late = outcome.result?.backend_id
  if (late && late !== outcome.submitted?.backendId) setOutputs({ backend_id: late })
  noteRecord(outcome)
  if (outcome.baseline?.path) core.info(`Baseline: W&B run ${outcome.baseline.path}`)
  else if (outcome.baseline?.error) core.warning(`No baseline for the gates: ${outcome.baseline.error}`)
  else if (outcome.baseline) core.info('No baseline: no finished run other than this one matched the baseline filters')
  if (outcome.tagsError) core.warning(`${outcome.tagsError}: a later workflow will not find this run by them`)
  if (outcome.provenanceError) {
    const run = outcome.submitted ? `W&B run ${outcome.submitted.runId}` : 'the W&B run'
    core.warning(
      `Could not record on ${run} where it came from (its config's github mapping and the workflow run's link in its notes): ${inert(outcome.provenanceError)}. ` +
        'The run is fine, but reuse and baseline filters on config.github will not find it.'
    )
  }
  if (gates && !gates.passed && inputs.gateMode === 'warn' && run.ok) {
    for (const row of gates.failed) core.warning(`Gate failed (gate_mode: warn): ${describeGate(row)}`)
  }
  notePromotion(outcome)
  if (outcome.curves?.error) core.info(`Some curves are left out: ${outcome.curves.error}`)
  await summarise(() => writeSummary(outcome, inputs, v, sections))
  return { ...v, conclusion: conclusion(outcome, v), gates, gatesTable, sections }
}

function promotionOutputs(outcome: Outcome): { promoted_artifact: string; promoted_version: string } {
  const p = outcome.promotion
  const linked = p?.tried && !p.error && !p.event?.error && p.event?.path ? p.event : undefined
  return { promoted_artifact: linked?.path ?? '', promoted_version: linked?.version ?? '' }
}

/** A model linked, or why not: a run that logged none to promote is a warning. */
function notePromotion(outcome: Outcome): void {
  const p = outcome.promotion
  if (!p) return
  if (!p.tried) core.info(`Not promoted: ${p.why}`)
  else if (p.event?.skipped && !p.error) core.warning(`Not promoted: ${p.event.skipped}`)
  else if (p.event?.path) core.info(`Promoted ${p.event.artifact} to ${p.event.path} (aliases ${p.event.aliases.join(', ')})`)
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
    gates_passed: String(inputs !== undefined && inputs.gates.length === 0),
    promoted_artifact: '',
    promoted_version: ''
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

/** Reading the run back never fails a step: a record that could not be read is a warning. */
function noteRecord(outcome: Outcome): void {
  const record = outcome.record
  if (!record?.error) return
  if (record.missing)
    core.info(record.error) // a job that never called wandb.init: nothing to read
  else core.warning(`The run's record in W&B: ${record.error}`)
}

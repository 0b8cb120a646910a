// Why a run failed, from what the bridge reported: a local run's exit code and last lines of
// output, a failed queue item's error (message, stage, files), a W&B run's output.log tail. Two
// bounded renderings: a few short lines for the annotation (GitHub cuts long ones), up to 100 lines
// for the job summary. The text is the job's or the server's: it is escaped where it is shown
// (core.setFailed escapes workflow commands, the summary escapes HTML).
import type { Outcome } from '../launch/outcome.js'
import { isLocal } from '../inputs/resources.js'
import type { Inputs } from '../inputs/inputs.js'

const ANNOTATION_LINES = 20
const ANNOTATION_LINE_CHARS = 200
const SUMMARY_LINES = 100

export interface Failure {
  /** Facts in a line each: the exit code, a failed item's stage and files. */
  facts: string[]
  /** Where the lines come from ("its output", "output.log of run x"), or undefined without lines. */
  source?: string
  /** The last lines, oldest first (up to SUMMARY_LINES). */
  lines: string[]
  /** Why there are no lines, when the run's output.log could not be read. */
  note?: string
}

/** What there is to say about a failed launch, or undefined when there is nothing beyond the verdict. */
export function describeFailure(outcome: Outcome, inputs: Inputs): Failure | undefined {
  const { result } = outcome
  if (!result || result.cancelled || result.timed_out) return undefined
  const facts: string[] = []
  // a failed item's message is the verdict already: here where it failed, and the files W&B names
  if (result.item_error) {
    if (result.item_error_stage) facts.push(`Stage: ${result.item_error_stage}`)
    if (result.item_error_files?.length) facts.push(`Files: ${result.item_error_files.join(', ')}`)
  }
  if (outcome.runLog) {
    const { lines, note } = outcome.runLog
    return { facts, lines: lines.slice(-SUMMARY_LINES), source: lines.length ? 'its output.log' : undefined, note: note ?? undefined }
  }
  const local = !outcome.queued && !inputs.attach && isLocal(inputs.resource)
  if (local && typeof result.exit_code === 'number' && result.exit_code !== 0) {
    facts.push(`Exit code ${result.exit_code}${result.exit_code < 0 ? ` (killed by signal ${-result.exit_code})` : ''}`)
    // the job's own lines; the log stream's (the SDK's among them) where the SDK's reader ran it
    const lines = (result.job_tail ?? outcome.logTail).slice(-SUMMARY_LINES)
    return { facts, lines, source: lines.length ? 'its output' : undefined }
  }
  return facts.length ? { facts, lines: [] } : undefined
}

/** The annotation's extra lines: the facts, then the last ANNOTATION_LINES lines, each cut short. */
export function annotationLines(failure: Failure): string[] {
  const cut = (line: string) => (line.length > ANNOTATION_LINE_CHARS ? `${line.slice(0, ANNOTATION_LINE_CHARS - 1)}…` : line)
  const lines = failure.lines.slice(-ANNOTATION_LINES)
  return [
    ...failure.facts.map(cut),
    ...(failure.note ? [`No output.log lines: ${failure.note}`] : []),
    ...(lines.length ? [`Last ${lines.length} lines of ${failure.source}:`, ...lines.map((l) => `  ${cut(l)}`)] : [])
  ]
}

// The gates' verdict on an ended run: evaluated over the summary the bridge read back (and the
// baseline run's), turned into the step's verdict (gate_mode), its outputs, and the Markdown
// table that the job summary, the pull-request comment and the check run show.
import { evaluateGates, gatedMetrics, type BaselineRun, type GateRow, type Summary } from './gates.js'
import type { Inputs } from '../inputs/inputs.js'

export interface GateVerdict {
  rows: GateRow[]
  passed: boolean
  failed: GateRow[]
  /** The metrics the gates name, for the `metrics` output. */
  metrics: Record<string, unknown>
}

/**
 * The gates over the run's summary; `why` says why there is none to check (the run ended without a
 * summary being read back): then every gate fails, whatever gate_missing says.
 */
export function judgeGates(inputs: Inputs, summary: Summary | undefined, baseline: BaselineRun | undefined, why?: string): GateVerdict {
  const rows = summary
    ? evaluateGates(inputs.gates, summary, baseline, inputs.gateMissing)
    : inputs.gates.map((g) => ({
        metric: g.metric,
        op: g.op,
        threshold: g.threshold.kind === 'number' ? g.threshold.value : null,
        value: null,
        baseline: null,
        passed: false,
        note: why ?? 'the run was not read back'
      }))
  const failed = rows.filter((r) => !r.passed)
  return { rows, passed: failed.length === 0, failed, metrics: gatedMetrics(inputs.gates, summary) }
}

/** One failed gate in a line: `eval/acc 0.93 >= 0.95 (not logged)`. */
export function describeGate(row: GateRow): string {
  const value = row.value === null ? 'not logged' : formatValue(row.value)
  const threshold = row.threshold === null ? '?' : formatValue(row.threshold)
  return `${row.metric} ${value} ${row.op} ${threshold}${row.note ? ` (${row.note})` : ''}`
}

/** Numbers to 6 significant digits (0.92 - 0.01 shows as 0.91); anything else as JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)))
  return typeof value === 'string' ? value : JSON.stringify(value)
}

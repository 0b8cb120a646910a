// The gates' verdict on an ended run: evaluated over the summary the bridge read back (and the
// baseline run's), turned into the step's verdict (gate_mode), its outputs, and the Markdown
// table that the job summary, the pull-request comment and the check run show.
import { evaluateGates, gatedMetrics, thresholdText, type BaselineRun, type GateRow, type Summary } from './gates.js'
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
export function judgeGates(
  inputs: Inputs,
  summary: Summary | undefined,
  baseline: BaselineRun | undefined,
  why?: string
): GateVerdict {
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

/** The gates as a Markdown table: metric, value, baseline, difference, threshold, verdict. */
export function gatesMarkdown(inputs: Inputs, rows: GateRow[], warnOnly = inputs.gateMode === 'warn'): string {
  if (rows.length === 0) return ''
  const lines = ['| metric | value | baseline | difference | threshold | verdict |', '| --- | ---: | ---: | ---: | --- | --- |']
  rows.forEach((row, i) => {
    const gate = inputs.gates[i]
    const expression = gate && gate.threshold.kind === 'baseline' ? ` (${thresholdText(gate)})` : ''
    const threshold = row.threshold === null ? `${row.op} ${gate ? thresholdText(gate) : '?'}` : `${row.op} ${formatValue(row.threshold)}${expression}`
    const difference =
      typeof row.value === 'number' && typeof row.baseline === 'number' ? signed(row.value - row.baseline) : ''
    const verdict = row.passed ? '✅ pass' : warnOnly ? '⚠️ fail (warning)' : '❌ fail'
    lines.push(
      `| ${cell(`\`${row.metric.replace(/`/g, "'")}\``)} | ${cell(row.value === null ? '—' : formatValue(row.value))} | ${cell(row.baseline === null ? '—' : formatValue(row.baseline))} | ${difference} | ${threshold} | ${verdict}${row.note ? ` ${cell(row.note)}` : ''} |`
    )
  })
  return lines.join('\n')
}

/** Numbers to 6 significant digits (0.92 - 0.01 shows as 0.91); anything else as JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)))
  return typeof value === 'string' ? value : JSON.stringify(value)
}

function signed(n: number): string {
  const text = formatValue(n)
  return n > 0 ? `+${text}` : text
}

/** A table cell: no HTML, no pipes, no line breaks (metric names and values come from the run). */
function cell(text: string): string {
  return text.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`).replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ')
}

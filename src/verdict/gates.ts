// Gates: conditions on the run's summary metrics, one per line of the `gates` input
// (`eval/acc >= 0.9`, `val.loss <= baseline * 1.02`). Parsed before anything is launched,
// evaluated once the run's summary (and a baseline run's) has been read back.

const GATE_OPS = ['>=', '<=', '==', '!=', '>', '<'] as const
type GateOp = (typeof GATE_OPS)[number]

/** The threshold: a number, or `baseline` with at most one arithmetic step (`baseline - 0.01`). */
type Threshold = { kind: 'number'; value: number } | { kind: 'baseline'; op?: '+' | '-' | '*' | '/'; operand?: number }

export interface Gate {
  metric: string
  op: GateOp
  threshold: Threshold
  /** The line as written, for messages. */
  text: string
}

export type GateMissing = 'fail' | 'pass'

/** One evaluated gate, as the `gates` output gives it. */
export interface GateRow {
  metric: string
  op: GateOp
  /** The number compared against; null when it needs a baseline value that is missing. */
  threshold: number | null
  /** The run's value (null: not logged); a value that is not a number is kept as it is. */
  value: unknown
  /** The baseline run's value of the metric (null: no baseline, or the baseline lacks it). */
  baseline: unknown
  passed: boolean
  /** Why the gate could not be checked (metric not logged, no baseline, not a number). */
  note?: string
}

export type Summary = Record<string, unknown>

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/
// metric: "quoted", 'quoted', or a run of characters that are neither space, quote nor operator
const LINE = /^("([^"]*)"|'([^']*)'|[^\s"'<>=!]+)\s*([<>=!]+)\s*(.*)$/

/** Parses the `gates` input; throws one Error naming every bad line (blank and # lines skipped). */
export function parseGates(raw: string): Gate[] {
  const gates: Gate[] = []
  const problems: string[] = []
  raw.split(/\r?\n/).forEach((line, index) => {
    const text = line.trim()
    if (text === '' || text.startsWith('#')) return
    try {
      gates.push(parseGate(text))
    } catch (error) {
      problems.push(`line ${index + 1} "${text}": ${error instanceof Error ? error.message : String(error)}`)
    }
  })
  if (problems.length) throw new Error(problems.join('; '))
  return gates
}

const FORMAT = 'write <metric> <op> <value>, for example eval/acc >= 0.9 or "val loss" <= baseline * 1.02'

function parseGate(text: string): Gate {
  const match = LINE.exec(text)
  if (!match) throw new Error(`is not a condition: ${FORMAT}`)
  const [, token, doubleQuoted, singleQuoted, op, rest] = match as unknown as [
    string,
    string,
    string | undefined,
    string | undefined,
    string,
    string
  ]
  const metric = doubleQuoted ?? singleQuoted ?? token
  if (metric.trim() === '') throw new Error('names no metric')
  if (!(GATE_OPS as readonly string[]).includes(op)) {
    throw new Error(`unknown operator "${op}": use one of ${GATE_OPS.join(' ')}`)
  }
  if (rest.trim() === '') throw new Error(`has no value after ${op}: ${FORMAT}`)
  return { metric, op: op as GateOp, threshold: parseThreshold(rest.trim()), text }
}

function parseThreshold(text: string): Threshold {
  if (NUMBER.test(text)) return { kind: 'number', value: Number(text) }
  const match = /^baseline(?:\s*([-+*/])\s*(\S+))?$/.exec(text)
  if (match) {
    const [, op, operand] = match
    if (op === undefined) return { kind: 'baseline' }
    if (!NUMBER.test(operand as string)) throw new Error(`"${operand}" after baseline ${op} is not a number`)
    if (op === '/' && Number(operand) === 0) throw new Error('divides the baseline by zero')
    return { kind: 'baseline', op: op as '+' | '-' | '*' | '/', operand: Number(operand) }
  }
  throw new Error(`the value "${text}" is neither a number nor baseline, baseline + x, baseline - x, baseline * x or baseline / x`)
}

/** True when some gate compares against the baseline run. */
export function needsBaseline(gates: Gate[]): boolean {
  return gates.some((g) => g.threshold.kind === 'baseline')
}

/**
 * A metric from a run summary as W&B stores it: the key as written (`eval/acc`, `val.loss`), else,
 * for a dotted name, the nested value (`wandb.log({"val": {"loss": x}})` is stored as val -> loss).
 */
export function metricValue(summary: Summary | undefined, name: string): unknown {
  if (!summary) return undefined
  if (Object.hasOwn(summary, name)) return summary[name]
  if (!name.includes('.')) return undefined
  let node: unknown = summary
  for (const part of name.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, part)) return undefined
    node = (node as Record<string, unknown>)[part]
  }
  return node
}

/** The values of the gated metrics (the `metrics` output): null for a metric the run did not log. */
export function gatedMetrics(gates: Gate[], summary: Summary | undefined): Record<string, unknown> {
  return Object.fromEntries(gates.map((g) => [g.metric, metricValue(summary, g.metric) ?? null]))
}

export interface BaselineRun {
  /** entity/project/run_id of the run compared against. */
  path: string
  summary: Summary
}

/**
 * Every gate against the run's summary. A value the run did not log, or a baseline that is missing
 * or lacks the metric, follows gate_missing; a value that is not a number fails.
 */
export function evaluateGates(
  gates: Gate[],
  summary: Summary | undefined,
  baseline: BaselineRun | undefined,
  missing: GateMissing
): GateRow[] {
  return gates.map((gate) => {
    const value = metricValue(summary, gate.metric)
    const base = baseline ? metricValue(baseline.summary, gate.metric) : undefined
    const row = (passed: boolean, threshold: number | null, note?: string): GateRow => ({
      metric: gate.metric,
      op: gate.op,
      threshold,
      value: value ?? null,
      baseline: base ?? null,
      passed,
      ...(note ? { note } : {})
    })
    const whenMissing = missing === 'pass' ? ' (gate_missing: pass)' : ''
    let threshold: number
    if (gate.threshold.kind === 'number') threshold = gate.threshold.value
    else if (!baseline) return row(missing === 'pass', null, `no baseline${whenMissing}`)
    else if (base === undefined || base === null) {
      return row(missing === 'pass', null, `the baseline run did not log it${whenMissing}`)
    } else if (!isNumber(base)) return row(false, null, 'the baseline value is not a number')
    else threshold = applyBaseline(gate.threshold, base)
    if (value === undefined || value === null) return row(missing === 'pass', threshold, `not logged${whenMissing}`)
    if (!isNumber(value)) return row(false, threshold, 'not a number')
    return row(compare(value, gate.op, threshold), threshold)
  })
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

function applyBaseline(t: Extract<Threshold, { kind: 'baseline' }>, base: number): number {
  const x = t.operand ?? 0
  switch (t.op) {
    case '+':
      return base + x
    case '-':
      return base - x
    case '*':
      return base * x
    case '/':
      return base / x
    default:
      return base
  }
}

function compare(value: number, op: GateOp, threshold: number): boolean {
  switch (op) {
    case '>=':
      return value >= threshold
    case '>':
      return value > threshold
    case '<=':
      return value <= threshold
    case '<':
      return value < threshold
    case '==':
      return value === threshold
    case '!=':
      return value !== threshold
  }
}

/** The threshold as written: `0.9`, `baseline - 0.01`. */
export function thresholdText(gate: Gate): string {
  const t = gate.threshold
  if (t.kind === 'number') return String(t.value)
  return t.op ? `baseline ${t.op} ${t.operand}` : 'baseline'
}

// How the run compares with its baseline: every metric named in a gate or in watch_metrics, once,
// with this run's value, the baseline's, the change, and the verdicts of the gates on it. Pure:
// the report renders it (the job summary, the pull-request comment, the check run).
import { metricValue, type GateRow, type Summary } from './gates.js'

export type Direction = 'up' | 'down' | 'same'

export interface ComparisonRow {
  metric: string
  /** This run's value; null when the run did not log it. */
  value: unknown
  /** The baseline run's value; null without a baseline or when it did not log it. */
  baseline: unknown
  /** value - baseline, when both are finite numbers. */
  change: number | null
  /** change / |baseline|, when there is a change and the baseline is not 0. */
  relative: number | null
  direction: Direction | null
  /** The gates on this metric, in the order written, as judged. */
  gates: Pick<GateRow, 'op' | 'threshold' | 'passed' | 'note'>[]
}

export interface Comparison {
  rows: ComparisonRow[]
  /** True when a baseline run was found (its column is shown even where it lacks a metric). */
  hasBaseline: boolean
  counts: Record<Direction, number>
}

/**
 * The gated metrics first (in the order of the gates: they carry the verdict), then the watched
 * ones not gated, each once. `gates` are the judged rows, index for index with the gates input.
 */
export function compareMetrics(
  watched: readonly string[],
  gates: readonly GateRow[],
  summary: Summary | undefined,
  baseline: Summary | undefined
): Comparison {
  const names: string[] = []
  for (const name of [...gates.map((g) => g.metric), ...watched]) if (!names.includes(name)) names.push(name)
  const rows = names.map((metric) => {
    const value = metricValue(summary, metric) ?? null
    const base = baseline ? (metricValue(baseline, metric) ?? null) : null
    const change = isFiniteNumber(value) && isFiniteNumber(base) ? value - base : null
    return {
      metric,
      value,
      baseline: base,
      change,
      relative: change !== null && base !== 0 ? change / Math.abs(base as number) : null,
      direction: change === null ? null : change > 0 ? 'up' : change < 0 ? 'down' : 'same',
      gates: gates
        .filter((g) => g.metric === metric)
        .map(({ op, threshold, passed, note }) => ({ op, threshold, passed, ...(note ? { note } : {}) }))
    } satisfies ComparisonRow
  })
  const counts: Record<Direction, number> = { up: 0, down: 0, same: 0 }
  for (const row of rows) if (row.direction) counts[row.direction] += 1
  return { rows, hasBaseline: baseline !== undefined, counts }
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

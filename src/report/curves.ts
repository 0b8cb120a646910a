// Curves: a watched metric's history as a Mermaid xychart-beta line chart, this run and the
// baseline run on one step axis, which GitHub draws in comments and job summaries with nothing
// uploaded anywhere. The bridge reads the public API's sampled history (a bounded number of
// rows); here both series are put on one grid of at most POINTS steps, since an xychart's lines
// share their x axis point for point.
import { escapeHtml, mermaidText, textCell } from '../text/markup.js'

/** One metric's history: [step, value] pairs in step order, from this run and the baseline run. */
export interface MetricCurves {
  metric: string
  run: [number, number][]
  baseline?: [number, number][]
}

/** Points per line: enough for a curve's shape, few enough to keep a comment small. */
const POINTS = 40

// Blue for this run, orange for the baseline (the caption names them: xychart has no legend).
const PALETTE = '#2563eb, #f97316'

/** The chart as a fenced Mermaid block, or '' when the run logged no number for the metric. */
export function curveChart(curves: MetricCurves, points = POINTS): string {
  const run = finite(curves.run)
  if (run.length === 0) return ''
  const baseline = finite(curves.baseline ?? [])
  const all = [...run, ...baseline]
  const lo = Math.min(...all.map(([s]) => s))
  const hi = Math.max(...all.map(([s]) => s))
  const distinct = new Set(all.map(([s]) => s)).size
  const n = Math.max(2, Math.min(points, distinct))
  const grid = Array.from({ length: n }, (_, i) => (hi === lo ? lo : lo + ((hi - lo) * i) / (n - 1)))
  const lines = [run, ...(baseline.length ? [baseline] : [])].map((series) => grid.map((x) => valueAt(series, x)))
  const values = lines.flat()
  const [ymin, ymax] = padded(Math.min(...values), Math.max(...values))
  return [
    '```mermaid',
    `%%{init: {"xyChart": {"width": 640, "height": 320}, "themeVariables": {"xyChart": {"plotColorPalette": "${PALETTE}"}}}}%%`,
    'xychart-beta',
    `  title "${mermaidText(curves.metric)}"`,
    `  x-axis "step" ${decimal(lo)} --> ${decimal(hi === lo ? lo + 1 : hi)}`,
    `  y-axis "${mermaidText(curves.metric)}" ${decimal(ymin)} --> ${decimal(ymax)}`,
    ...lines.map((line) => `  line [${line.map(decimal).join(', ')}]`),
    '```'
  ].join('\n')
}

/** What the colours are, and where a line was held flat because its run had ended. */
export function chartCaption(curves: MetricCurves, baselinePath: string | undefined): string {
  const run = finite(curves.run)
  const baseline = finite(curves.baseline ?? [])
  const parts = ['blue: this run']
  if (baseline.length) parts.push(`orange: the baseline run${baselinePath ? ` ${baselinePath}` : ''}`)
  const lastRun = run.at(-1)?.[0]
  const lastBase = baseline.at(-1)?.[0]
  if (lastRun !== undefined && lastBase !== undefined && lastRun !== lastBase) {
    const [who, step] = lastRun < lastBase ? ['this run', lastRun] : ['the baseline run', lastBase]
    parts.push(`${who} ended at step ${decimal(step)} (held flat after it)`)
  }
  return parts.join(' · ')
}

/** The series' value at step x: linear between its points, its first before them, its last after. */
function valueAt(series: [number, number][], x: number): number {
  if (x <= series[0]![0]) return series[0]![1]
  for (let i = 1; i < series.length; i++) {
    const [s1, v1] = series[i]!
    if (x <= s1) {
      const [s0, v0] = series[i - 1]!
      return s1 === s0 ? v1 : v0 + ((v1 - v0) * (x - s0)) / (s1 - s0)
    }
  }
  return series.at(-1)![1]
}

/** Points with a finite step and value, in step order (a NaN or a histogram cannot be drawn). */
function finite(points: [number, number][]): [number, number][] {
  return points.filter(([s, v]) => Number.isFinite(s) && Number.isFinite(v)).sort((a, b) => a[0] - b[0])
}

/** The y range with a margin, never empty. */
function padded(min: number, max: number): [number, number] {
  if (min === max) {
    const d = Math.abs(min) * 0.1 || 1
    return [min - d, max + d]
  }
  const d = (max - min) * 0.05
  return [min - d, max + d]
}

/** A number as Mermaid's grammar takes it: 6 significant digits, never in exponent form. */
export function decimal(n: number): string {
  const rounded = Number(n.toPrecision(6))
  if (Object.is(rounded, -0)) return '0'
  const text = String(rounded)
  if (!/e/i.test(text)) return text
  if (Math.abs(rounded) >= 1) return BigInt(Math.round(rounded)).toString()
  return rounded.toFixed(20).replace(/\.?0+$/, '')
}

/**
 * The charts in one collapsed block, as many as fit `budget` characters, in order; '' when none
 * has a point to draw.
 */
export function curvesMarkdown(all: readonly MetricCurves[], baselinePath: string | undefined, budget: number): string {
  const charts: string[] = []
  const names: string[] = []
  let used = 120 // the block's wrapping
  for (const curves of all) {
    const chart = curveChart(curves)
    if (!chart) continue
    const block = `${chart}\n\n<sub>${textCell(chartCaption(curves, baselinePath))}</sub>`
    if (used + block.length + 2 + curves.metric.length * 6 > budget) break
    used += block.length + 2
    charts.push(block)
    names.push(curves.metric)
  }
  if (charts.length === 0) return ''
  return `<details><summary>Curves: ${escapeHtml(names.join(', '))}</summary>\n\n${charts.join('\n\n')}\n\n</details>`
}

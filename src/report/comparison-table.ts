// The comparison as Markdown, for the job summary, the pull-request comment and the check run:
// one row per metric (value, baseline, change, relative change, direction, the gates' verdicts).
// Long lists stay readable: the first rows show, the rest are in a collapsed block, and rows that
// would take the text past its budget are counted instead of shown.
import { codeCell, textCell } from '../text/markup.js'
import type { Comparison, ComparisonRow } from '../verdict/comparison.js'
import { formatValue } from '../verdict/gate-verdict.js'

/** Rows shown before the collapsed block. */
const VISIBLE_ROWS = 10

export interface TableBudget {
  /** Rows shown before the rest are collapsed. */
  visible?: number
  /** The most characters the table may take, the collapsed block and the note included. */
  budget: number
}

const MARK = { up: '▲', down: '▼', same: '=' } as const

/** The comparison table with a line above it; empty when there is no metric to compare. */
export function comparisonMarkdown(
  comparison: Comparison,
  baselinePath: string | undefined,
  budget: TableBudget,
  warnOnly = false
): string {
  const { rows, hasBaseline, counts } = comparison
  if (rows.length === 0) return ''
  const n = `${rows.length} metric${rows.length === 1 ? '' : 's'}`
  const intro = hasBaseline
    ? `${n} against the baseline run ${codeCell(baselinePath ?? '')}: ${counts.up} up, ${counts.down} down, ${counts.same} unchanged.`
    : `${n}${baselinePath === undefined ? '' : ', no baseline run to compare with'}.`
  const header = hasBaseline ? ['metric', 'this run', 'baseline', 'change', 'change %', 'gates'] : ['metric', 'this run', 'gates']
  const align = hasBaseline ? ['---', '---:', '---:', '---:', '---:', '---'] : ['---', '---:', '---']
  const cells = rows.map((row) => rowCells(row, hasBaseline, warnOnly))
  const table = collapsibleTable(header, align, cells, 'metric', { ...budget, budget: budget.budget - intro.length - 2 })
  return `${intro}\n\n${table}`
}

function rowCells(row: ComparisonRow, hasBaseline: boolean, warnOnly: boolean): string[] {
  const gates = row.gates
    .map((g) => `${g.passed ? '✅' : warnOnly ? '⚠️' : '❌'} ${g.op} ${g.threshold === null ? '?' : formatValue(g.threshold)}`)
    .join(' · ')
  if (!hasBaseline) return [codeCell(row.metric), valueText(row.value), gates]
  const change = row.change === null || row.direction === null ? '' : `${MARK[row.direction]} ${signed(row.change)}`
  const relative = row.relative === null ? '' : `${signed(Number((row.relative * 100).toPrecision(3)))}%`
  return [codeCell(row.metric), valueText(row.value), valueText(row.baseline), change, relative, gates]
}

/**
 * A Markdown table: the first `visible` rows, then the rest in a collapsed block, within `budget`
 * characters; rows past the budget are left out and counted in a line after it.
 */
export function collapsibleTable(
  header: string[],
  align: string[],
  rows: string[][],
  noun: string,
  { visible = VISIBLE_ROWS, budget }: TableBudget
): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`
  const head = `${line(header)}\n${line(align)}`
  const lines = rows.map(line)
  // The most any ending can take: the collapsed block's wrapping and the note on left-out rows.
  const reserve = 200 + 2 * head.length
  let used = head.length
  let shown = 0
  while (shown < lines.length && used + lines[shown]!.length + 1 + reserve <= budget) {
    used += lines[shown]!.length + 1
    shown += 1
  }
  const first = lines.slice(0, Math.min(visible, shown))
  const rest = lines.slice(first.length, shown)
  const parts = [[head, ...first].join('\n')]
  if (rest.length) {
    const more = `${rest.length} more ${noun}${rest.length === 1 ? '' : 's'}`
    parts.push(`<details><summary>${more}</summary>\n\n${[head, ...rest].join('\n')}\n\n</details>`)
  }
  const left = lines.length - shown
  if (left > 0) parts.push(`${left} more ${noun}${left === 1 ? '' : 's'} left out to keep this within GitHub's size limit.`)
  return parts.join('\n\n')
}

/** A value from the run in a table cell: a number, a short text, or what kind of value it is. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return '—'
  if (typeof value === 'number') return formatValue(value)
  if (typeof value === 'boolean') return String(value)
  if (typeof value === 'object' && !Array.isArray(value) && typeof (value as { _type?: unknown })._type === 'string') {
    return `(${textCell(String((value as { _type: string })._type).slice(0, 40))})`
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return textCell(text.length > 60 ? `${text.slice(0, 59)}…` : text)
}

function signed(n: number): string {
  const text = formatValue(n)
  return n > 0 ? `+${text}` : text
}

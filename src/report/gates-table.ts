// The gates as a Markdown table, for the job summary, the pull-request comment and the check run.
import type { Inputs } from '../inputs/inputs.js'
import { cell, codeCell } from '../text/markup.js'
import { collapsibleTable } from './comparison-table.js'
import { formatValue } from '../verdict/gate-verdict.js'
import { thresholdText, type GateRow } from '../verdict/gates.js'

/** The gates as a Markdown table: metric, value, baseline, difference, threshold, verdict; rows
 *  past `budget` characters are counted instead of shown. */
export function gatesMarkdown(inputs: Inputs, rows: GateRow[], warnOnly = inputs.gateMode === 'warn', budget = Infinity): string {
  if (rows.length === 0) return ''
  const cells: string[][] = []
  rows.forEach((row, i) => {
    const gate = inputs.gates[i]
    const expression = gate && gate.threshold.kind === 'baseline' ? ` (${thresholdText(gate)})` : ''
    const threshold =
      row.threshold === null ? `${row.op} ${gate ? thresholdText(gate) : '?'}` : `${row.op} ${formatValue(row.threshold)}${expression}`
    const difference = typeof row.value === 'number' && typeof row.baseline === 'number' ? signed(row.value - row.baseline) : ''
    const verdict = row.passed ? '✅ pass' : warnOnly ? '⚠️ fail (warning)' : '❌ fail'
    cells.push([
      codeCell(row.metric),
      cell(row.value === null ? '—' : formatValue(row.value)),
      cell(row.baseline === null ? '—' : formatValue(row.baseline)),
      difference,
      threshold,
      `${verdict}${row.note ? ` ${cell(row.note)}` : ''}`
    ])
  })
  const header = ['metric', 'value', 'baseline', 'difference', 'threshold', 'verdict']
  const align = ['---', '---:', '---:', '---:', '---', '---']
  // every gate shown while there is room: the verdict is in them
  return collapsibleTable(header, align, cells, 'gate', { visible: Infinity, budget })
}

function signed(n: number): string {
  const text = formatValue(n)
  return n > 0 ? `+${text}` : text
}

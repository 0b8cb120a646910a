// The parts of the report after the verdict, in the order they are shown: the gates, the
// promotion, the comparison with the baseline, the curves. The job summary, the pull-request
// comment and the check run each take them; a part that can shrink (a table, the charts) is a
// function of the room it is given, so that a comment stays within GitHub's limit.
import type { Inputs } from '../inputs/inputs.js'
import type { Outcome, PromotionOutcome } from '../launch/outcome.js'
import { escapeText, inlineCode } from '../text/markup.js'
import { compareMetrics } from '../verdict/comparison.js'
import type { GateVerdict } from '../verdict/gate-verdict.js'
import { summariesOf } from '../verdict/verdict.js'
import { comparisonMarkdown } from './comparison-table.js'
import { curvesMarkdown } from './curves.js'
import { gatesMarkdown } from './gates-table.js'

export interface ReportSections {
  gates: (budget: number) => string
  /** One line: what promote came to ('' without promote). */
  promotion: string
  comparison: (budget: number) => string
  /** The charts, in a collapsed block (the check run leaves them out). */
  curves: (budget: number) => string
}

export function reportSections(outcome: Outcome, inputs: Inputs, gates: GateVerdict | undefined): ReportSections {
  const { summary, baseline } = summariesOf(outcome)
  // The comparison adds to the gates table when something is watched or compared with a baseline.
  const compared = inputs.watchMetrics.length > 0 || inputs.baseline !== undefined
  const comparison = compared && summary ? compareMetrics(inputs.watchMetrics, gates?.rows ?? [], summary, baseline?.summary) : undefined
  const warnOnly = inputs.gateMode === 'warn'
  const baselinePath = inputs.baseline === undefined ? undefined : (baseline?.path ?? '')
  const curves = (outcome.curves?.curves ?? []).map((c) => ({
    metric: c.metric,
    run: c.run as [number, number][],
    ...(c.baseline ? { baseline: c.baseline as [number, number][] } : {})
  }))
  return {
    gates: (budget) => (gates ? gatesMarkdown(inputs, gates.rows, warnOnly, budget) : ''),
    promotion: promotionMarkdown(outcome.promotion),
    comparison: (budget) => (comparison ? comparisonMarkdown(comparison, baselinePath || undefined, { budget }, warnOnly) : ''),
    curves: (budget) => (curves.length ? curvesMarkdown(curves, baseline?.path, budget) : '')
  }
}

/** What promote came to, in a line of Markdown (paths and messages from W&B made inert). */
function promotionMarkdown(promotion: PromotionOutcome | undefined): string {
  if (!promotion) return ''
  if (!promotion.tried) return `Not promoted: ${escapeText(promotion.why)}.`
  const event = promotion.event
  const error = promotion.error ?? event?.error
  if (error) return `❌ Not promoted: linking the model failed: ${escapeText(error)}`
  if (!event || event.skipped || !event.path) return `⚠️ Not promoted: ${escapeText(event?.skipped ?? 'nothing was linked')}.`
  const aliases = event.aliases.length ? ` with aliases ${event.aliases.map(inlineCode).join(', ')}` : ''
  return `📦 Promoted ${inlineCode(event.artifact ?? '')} to ${inlineCode(event.path)}${aliases}.`
}

// Whether the run's model is promoted (the promote input): only a run that finished and passed
// every gate, and with gate_mode: warn (gates that only warn) only when promote_in_warn_mode says
// so; and what a link that failed does to the verdict. Pure: the bridge does the linking, the
// report says what came of it.
import type { Inputs } from '../inputs/inputs.js'
import type { Outcome, PromotionOutcome } from '../launch/outcome.js'
import { gatesOf, verdict, type Verdict } from './verdict.js'

export interface PromotionAsk {
  /** gate_mode: warn makes gates advisory; they then promote only when asked. */
  gateMode: 'fail' | 'warn'
  promoteInWarnMode: boolean
}

export type PromotionDecision = { promote: true } | { promote: false; why: string }

/**
 * `finished`: the run ended finished and the step's verdict on the run itself is a pass;
 * `gates`: the gates as judged (undefined without gates: nothing to fail).
 */
export function promotionDecision(
  ask: PromotionAsk,
  finished: boolean,
  gates: { passed: boolean; failed: unknown[]; rows: unknown[] } | undefined
): PromotionDecision {
  if (!finished) return { promote: false, why: 'the run did not finish' }
  if (gates && !gates.passed) {
    return { promote: false, why: `${gates.failed.length} of ${gates.rows.length} gate${gates.rows.length === 1 ? '' : 's'} failed` }
  }
  if (ask.gateMode === 'warn' && !ask.promoteInWarnMode) {
    return {
      promote: false,
      why: 'gate_mode is warn, so the gates only warn: set promote_in_warn_mode: true to promote when every gate passes'
    }
  }
  return { promote: true }
}

/** The decision for an ended launch: its verdict on the run and its gates. */
export function decidePromotion(outcome: Outcome, inputs: Inputs): PromotionDecision {
  const finished = verdict(outcome, inputs).ok && outcome.result?.state === 'finished'
  return promotionDecision(inputs, finished, gatesOf(outcome, inputs))
}

/** A link that was tried and failed fails the step: promote asked for the model to be there. */
export function withPromotion(v: Verdict, promotion: PromotionOutcome | undefined): Verdict {
  if (!promotion?.tried || !v.ok) return v
  const error = promotion.error ?? promotion.event?.error
  if (!error) return v
  return {
    ok: false,
    message: `${v.message.replace(/\.$/, '')}, but linking its model failed: ${error}. Check that the API key's user may write to the collection (a registry needs its member role), and that the path names it; nothing was promoted.`
  }
}

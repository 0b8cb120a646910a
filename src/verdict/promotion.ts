// Whether the run's model is promoted (the promote input): only a run that finished and passed
// every gate, and with gate_mode: warn (gates that only warn) only when promote_in_warn_mode says
// so. Pure: the bridge does the linking, the report says what came of it.

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

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { promotionDecision } from '../../../src/verdict/promotion.js'

const passed = { passed: true, failed: [], rows: [{}, {}] }
const failed = { passed: false, failed: [{}], rows: [{}, {}] }

describe('promotionDecision', () => {
  it('a finished run whose gates all passed is promoted; with no gates too', () => {
    assert.deepEqual(promotionDecision({ gateMode: 'fail', promoteInWarnMode: false }, true, passed), { promote: true })
    assert.deepEqual(promotionDecision({ gateMode: 'fail', promoteInWarnMode: false }, true, undefined), { promote: true })
  })
  it('never on a failed gate, whatever gate_mode and promote_in_warn_mode say', () => {
    for (const gateMode of ['fail', 'warn'] as const) {
      assert.deepEqual(promotionDecision({ gateMode, promoteInWarnMode: true }, true, failed), {
        promote: false,
        why: '1 of 2 gates failed'
      })
    }
  })
  it('never for a run that did not finish', () => {
    assert.deepEqual(promotionDecision({ gateMode: 'fail', promoteInWarnMode: false }, false, passed), {
      promote: false,
      why: 'the run did not finish'
    })
  })
  it('gate_mode warn: only when asked', () => {
    const refused = promotionDecision({ gateMode: 'warn', promoteInWarnMode: false }, true, passed)
    assert.equal(refused.promote, false)
    assert.match((refused as { why: string }).why, /gate_mode is warn.*promote_in_warn_mode: true/)
    assert.deepEqual(promotionDecision({ gateMode: 'warn', promoteInWarnMode: true }, true, passed), { promote: true })
  })
})

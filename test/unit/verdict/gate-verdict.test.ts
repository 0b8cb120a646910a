import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { describeGate, formatValue, judgeGates } from '../../../src/verdict/gate-verdict.js'
import { gatesMarkdown } from '../../../src/report/gates-table.js'
import { parseGates } from '../../../src/verdict/gates.js'
import { conclusion, withGates } from '../../../src/verdict/verdict.js'
import type { Outcome } from '../../../src/launch/outcome.js'
import { minimalInputs } from '../../helpers/inputs.js'

const summary = { 'eval/acc': 0.93, loss: 0.2 }
const finished = { ok: true, message: 'W&B run ab12cd34 finished (https://wandb.ai/e/p/runs/ab12cd34).' }

describe('judgeGates and withGates', () => {
  it('a failed gate fails a run that finished, naming the value and the threshold', () => {
    const inputs = minimalInputs({ gates: parseGates('eval/acc >= 0.9\neval/acc >= 0.95') })
    const gates = judgeGates(inputs, summary, undefined)
    assert.equal(gates.passed, false)
    assert.deepEqual(gates.metrics, { 'eval/acc': 0.93 })
    const v = withGates(finished, gates, inputs)
    assert.equal(v.ok, false)
    assert.equal(
      v.message,
      'W&B run ab12cd34 finished (https://wandb.ai/e/p/runs/ab12cd34), but 1 of 2 gates failed: eval/acc 0.93 >= 0.95.'
    )
  })
  it('gate_mode warn keeps the step green and still says which gates failed', () => {
    const inputs = minimalInputs({ gates: parseGates('eval/acc >= 0.95'), gateMode: 'warn' })
    const v = withGates(finished, judgeGates(inputs, summary, undefined), inputs)
    assert.equal(v.ok, true)
    assert.match(v.message, /1 of 1 gate failed: eval\/acc 0\.93 >= 0\.95\. \(gate_mode: warn\)$/)
  })
  it('passing gates, or a run that failed anyway, leave the verdict as it is', () => {
    const inputs = minimalInputs({ gates: parseGates('eval/acc >= 0.9') })
    assert.deepEqual(withGates(finished, judgeGates(inputs, summary, undefined), inputs), finished)
    const failedRun = { ok: false, message: 'W&B run x failed.' }
    const failing = judgeGates(minimalInputs({ gates: parseGates('eval/acc >= 0.99') }), summary, undefined)
    assert.deepEqual(withGates(failedRun, failing, inputs), failedRun)
  })
  it('no summary read back: every gate fails with the reason, whatever gate_missing says', () => {
    const inputs = minimalInputs({ gates: parseGates('eval/acc >= 0.9'), gateMissing: 'pass' })
    const gates = judgeGates(inputs, undefined, undefined, 'the run was not read back: W&B is down')
    assert.equal(gates.passed, false)
    assert.equal(gates.rows[0]!.note, 'the run was not read back: W&B is down')
    assert.deepEqual(gates.metrics, { 'eval/acc': null })
  })
  it('describeGate reads as a line', () => {
    const inputs = minimalInputs({ gates: parseGates('missing > 1') })
    assert.equal(describeGate(judgeGates(inputs, summary, undefined).rows[0]!), 'missing not logged > 1 (not logged)')
  })
})

describe('gatesMarkdown', () => {
  it('shows metric, value, baseline, difference, threshold and verdict', () => {
    const inputs = minimalInputs({ gates: parseGates('eval/acc >= baseline - 0.01\nloss <= 0.1\n"a|b<c>" > 1') })
    const gates = judgeGates(inputs, { ...summary, 'a|b<c>': 2 }, { path: 'e/p/base', summary: { 'eval/acc': 0.92 } })
    assert.equal(
      gatesMarkdown(inputs, gates.rows),
      [
        '| metric | value | baseline | difference | threshold | verdict |',
        '| --- | ---: | ---: | ---: | --- | --- |',
        '| `eval/acc` | 0.93 | 0.92 | +0.01 | >= 0.91 (baseline - 0.01) | ✅ pass |',
        '| `loss` | 0.2 | — |  | <= 0.1 | ❌ fail |',
        '| `a\\|b<c>` | 2 | — |  | > 1 | ✅ pass |'
      ].join('\n')
    )
  })
  it('warn mode marks failures as warnings; a missing baseline shows the expression', () => {
    const inputs = minimalInputs({ gates: parseGates('eval/acc >= baseline'), gateMode: 'warn' })
    const table = gatesMarkdown(inputs, judgeGates(inputs, summary, undefined).rows)
    assert.match(table, /\| `eval\/acc` \| 0\.93 \| — \| {2}\| >= baseline \| ⚠️ fail \(warning\) no baseline \|/)
  })
  it('no gates, no table', () => assert.equal(gatesMarkdown(minimalInputs(), []), ''))
  it('formatValue rounds float noise away', () => {
    assert.equal(formatValue(0.92 - 0.01), '0.91')
    assert.equal(formatValue(3), '3')
    assert.equal(formatValue('NaN'), 'NaN')
    assert.equal(formatValue({ _type: 'histogram' }), '{"_type":"histogram"}')
  })
})

describe('conclusion', () => {
  const outcome = (result: Partial<NonNullable<Outcome['result']>>): Outcome => ({
    exitCode: 0,
    logTail: [],
    seconds: 1,
    result: { event: 'result', state: 'finished', cancelled: false, timed_out: false, submitted: true, cancel_error: null, ...result }
  })
  it('cancelled, timed_out, success and failure as GitHub names them', () => {
    assert.equal(conclusion(outcome({ cancelled: true }), { ok: false, message: '' }), 'cancelled')
    assert.equal(conclusion(outcome({ timed_out: true }), { ok: false, message: '' }), 'timed_out')
    assert.equal(conclusion(outcome({ queue_timed_out: true }), { ok: false, message: '' }), 'timed_out')
    assert.equal(conclusion(outcome({}), { ok: true, message: '' }), 'success')
    assert.equal(conclusion(outcome({}), { ok: false, message: '' }), 'failure')
  })
})

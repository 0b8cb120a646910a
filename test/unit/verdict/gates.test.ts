import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { evaluateGates, gatedMetrics, metricValue, needsBaseline, parseGates, thresholdText } from '../../../src/verdict/gates.js'

describe('parseGates', () => {
  it('reads one condition per line, every operator, skipping blank and # lines', () => {
    const gates = parseGates('eval/acc >= 0.9\n\n# a comment\nval.loss<0.5\n  steps == 10  \nx != -1e-3\ny > .5\nz <= 2')
    assert.deepEqual(
      gates.map((g) => [g.metric, g.op, thresholdText(g)]),
      [
        ['eval/acc', '>=', '0.9'],
        ['val.loss', '<', '0.5'],
        ['steps', '==', '10'],
        ['x', '!=', '-0.001'],
        ['y', '>', '0.5'],
        ['z', '<=', '2']
      ]
    )
    assert.equal(gates[2]!.text, 'steps == 10')
  })
  it('takes quoted metric names with spaces or operator characters', () => {
    const gates = parseGates(`"val loss" <= 1\n'a>=b' > 2`)
    assert.deepEqual(
      gates.map((g) => g.metric),
      ['val loss', 'a>=b']
    )
  })
  it('takes baseline expressions', () => {
    const gates = parseGates('a >= baseline\nb >= baseline - 0.01\nc <= baseline*1.02\nd > baseline + 1\ne < baseline / 2')
    assert.deepEqual(gates.map(thresholdText), ['baseline', 'baseline - 0.01', 'baseline * 1.02', 'baseline + 1', 'baseline / 2'])
    assert.equal(needsBaseline(gates), true)
    assert.equal(needsBaseline(parseGates('a > 1')), false)
  })
  it('names every bad line at once, with its number and what is accepted', () => {
    assert.throws(
      () =>
        parseGates(
          'eval/acc >= 0.9\neval/acc => 0.9\nloss < lots\nacc\nb >= baseline ^ 2\nc > baseline * x\n"unclosed > 1\nd <\ne = 1\nf > baseline / 0'
        ),
      (error: Error) => {
        const m = error.message
        assert.match(m, /line 2 "eval\/acc => 0.9": unknown operator "=>": use one of >= <= == != > </)
        assert.match(m, /line 3 "loss < lots": the value "lots" is neither a number nor baseline/)
        assert.match(m, /line 4 "acc": is not a condition: write <metric> <op> <value>/)
        assert.match(m, /line 5 "b >= baseline \^ 2": the value/)
        assert.match(m, /line 6 "c > baseline \* x": "x" after baseline \* is not a number/)
        assert.match(m, /line 7 ""unclosed > 1": is not a condition/)
        assert.match(m, /line 8 "d <": has no value after </)
        assert.match(m, /line 9 "e = 1": unknown operator "="/)
        assert.match(m, /line 10 "f > baseline \/ 0": divides the baseline by zero/)
        assert.doesNotMatch(m, /line 1 /)
        return true
      }
    )
  })
  it('an empty input is no gates', () => assert.deepEqual(parseGates(' \n'), []))
})

describe('metricValue', () => {
  const summary = { 'eval/acc': 0.93, 'val.loss': 0.2, val: { loss: 0.3, nested: { deep: 1 } }, train: { acc: 0.5 } }
  it('takes the key as W&B stores it first', () => assert.equal(metricValue(summary, 'val.loss'), 0.2))
  it('walks nested keys for a dotted name', () => {
    assert.equal(metricValue(summary, 'train.acc'), 0.5)
    assert.equal(metricValue(summary, 'val.nested.deep'), 1)
  })
  it('is undefined for a metric not logged', () => {
    assert.equal(metricValue(summary, 'missing'), undefined)
    assert.equal(metricValue(summary, 'train.loss'), undefined)
    assert.equal(metricValue(undefined, 'x'), undefined)
  })
})

describe('evaluateGates', () => {
  const summary = { 'eval/acc': 0.93, loss: 0.4, name: 'text', hist: { _type: 'histogram' } }
  it('passes and fails against numbers', () => {
    const rows = evaluateGates(parseGates('eval/acc >= 0.9\neval/acc >= 0.95\nloss < 0.5\nloss != 0.4'), summary, undefined, 'fail')
    assert.deepEqual(rows, [
      { metric: 'eval/acc', op: '>=', threshold: 0.9, value: 0.93, baseline: null, passed: true },
      { metric: 'eval/acc', op: '>=', threshold: 0.95, value: 0.93, baseline: null, passed: false },
      { metric: 'loss', op: '<', threshold: 0.5, value: 0.4, baseline: null, passed: true },
      { metric: 'loss', op: '!=', threshold: 0.4, value: 0.4, baseline: null, passed: false }
    ])
  })
  it('a metric not logged follows gate_missing', () => {
    const gates = parseGates('missing > 1')
    assert.deepEqual(evaluateGates(gates, summary, undefined, 'fail'), [
      { metric: 'missing', op: '>', threshold: 1, value: null, baseline: null, passed: false, note: 'not logged' }
    ])
    assert.deepEqual(evaluateGates(gates, summary, undefined, 'pass')[0]!.passed, true)
    assert.match(evaluateGates(gates, summary, undefined, 'pass')[0]!.note!, /gate_missing: pass/)
  })
  it('a value that is not a number fails whatever gate_missing says', () => {
    const rows = evaluateGates(parseGates('name > 1\nhist > 1'), summary, undefined, 'pass')
    assert.deepEqual(
      rows.map((r) => [r.passed, r.note]),
      [
        [false, 'not a number'],
        [false, 'not a number']
      ]
    )
  })
  it('computes the threshold from the baseline run', () => {
    const baseline = { path: 'e/p/base', summary: { 'eval/acc': 0.92, loss: 0.5 } }
    const rows = evaluateGates(
      parseGates('eval/acc >= baseline - 0.01\nloss <= baseline * 0.5\neval/acc > baseline'),
      summary,
      baseline,
      'fail'
    )
    assert.equal(rows[0]!.threshold, 0.92 - 0.01)
    assert.equal(rows[0]!.baseline, 0.92)
    assert.equal(rows[0]!.passed, true)
    assert.deepEqual([rows[1]!.threshold, rows[1]!.passed], [0.25, false])
    assert.equal(rows[2]!.passed, true)
  })
  it('no baseline, or a baseline without the metric, follows gate_missing', () => {
    const gates = parseGates('eval/acc >= baseline')
    assert.deepEqual(evaluateGates(gates, summary, undefined, 'fail'), [
      { metric: 'eval/acc', op: '>=', threshold: null, value: 0.93, baseline: null, passed: false, note: 'no baseline' }
    ])
    assert.equal(evaluateGates(gates, summary, undefined, 'pass')[0]!.passed, true)
    const other = { path: 'e/p/base', summary: { loss: 1 } }
    assert.deepEqual(
      [evaluateGates(gates, summary, other, 'fail')[0]!.passed, evaluateGates(gates, summary, other, 'fail')[0]!.note],
      [false, 'the baseline run did not log it']
    )
    assert.equal(evaluateGates(gates, summary, other, 'pass')[0]!.passed, true)
  })
  it('gatedMetrics gives each gated metric once, null when not logged', () => {
    assert.deepEqual(gatedMetrics(parseGates('eval/acc > 0\neval/acc < 1\nmissing > 0'), summary), { 'eval/acc': 0.93, missing: null })
  })
})

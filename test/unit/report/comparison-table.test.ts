import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { evaluateGates, parseGates } from '../../../src/verdict/gates.js'
import { collapsibleTable, comparisonMarkdown, valueText } from '../../../src/report/comparison-table.js'
import { textCell } from '../../../src/text/markup.js'
import { compareMetrics } from '../../../src/verdict/comparison.js'

const run = { 'eval/acc': 0.93, 'train/loss': 0.2, lr: 0.001, val: { f1: 0.5 }, hist: { _type: 'histogram', bins: [] } }
const base = { 'eval/acc': 0.925, 'train/loss': 0.25, lr: 0.001, val: { f1: 0 } }

describe('compareMetrics', () => {
  it('gated metrics first, then the watched ones, each once, with value, baseline and change', () => {
    const gates = parseGates('eval/acc >= 0.9\neval/acc >= baseline - 0.01')
    const rows = evaluateGates(gates, run, { path: 'e/p/b', summary: base }, 'fail')
    const c = compareMetrics(['train/loss', 'eval/acc', 'lr', 'val.f1', 'missing'], rows, run, base)
    assert.deepEqual(
      c.rows.map((r) => r.metric),
      ['eval/acc', 'train/loss', 'lr', 'val.f1', 'missing']
    )
    const acc = c.rows[0]!
    assert.equal(acc.value, 0.93)
    assert.equal(acc.baseline, 0.925)
    assert.ok(Math.abs(acc.change! - 0.005) < 1e-12)
    assert.ok(Math.abs(acc.relative! - 0.005 / 0.925) < 1e-12)
    assert.equal(acc.direction, 'up')
    assert.deepEqual(
      acc.gates.map((g) => [g.op, g.passed]),
      [
        ['>=', true],
        ['>=', true]
      ]
    )
    assert.equal(c.rows[1]!.direction, 'down')
    assert.equal(c.rows[2]!.direction, 'same')
    assert.equal(c.rows[3]!.relative, null, 'a baseline of 0 has no relative change')
    assert.equal(c.rows[3]!.change, 0.5)
    assert.deepEqual([c.rows[4]!.value, c.rows[4]!.baseline, c.rows[4]!.change, c.rows[4]!.direction], [null, null, null, null])
    assert.deepEqual(c.counts, { up: 2, down: 1, same: 1 })
    assert.equal(c.hasBaseline, true)
  })
  it('without a baseline: values alone', () => {
    const c = compareMetrics(['eval/acc'], [], run, undefined)
    assert.equal(c.hasBaseline, false)
    assert.deepEqual([c.rows[0]!.baseline, c.rows[0]!.change], [null, null])
  })
})

describe('comparisonMarkdown', () => {
  it('one row per metric: value, baseline, change with its mark, relative change, the gates', () => {
    const gates = parseGates('eval/acc >= 0.95')
    const rows = evaluateGates(gates, run, { path: 'e/p/b', summary: base }, 'fail')
    const md = comparisonMarkdown(compareMetrics(['train/loss', 'hist'], rows, run, base), 'e/p/b', { budget: 10_000 })
    const lines = md.split('\n')
    assert.equal(lines[0], '3 metrics against the baseline run `e/p/b`: 1 up, 1 down, 0 unchanged.')
    assert.equal(lines[2], '| metric | this run | baseline | change | change % | gates |')
    assert.equal(lines[4], '| `eval/acc` | 0.93 | 0.925 | ▲ +0.005 | +0.541% | ❌ >= 0.95 |')
    assert.equal(lines[5], '| `train/loss` | 0.2 | 0.25 | ▼ -0.05 | -20% |  |')
    assert.equal(lines[6], '| `hist` | (histogram) | — |  |  |  |')
  })
  it('gate_mode warn marks a failed gate as a warning; no baseline: values alone', () => {
    const rows = evaluateGates(parseGates('eval/acc >= 0.95'), run, undefined, 'fail')
    const md = comparisonMarkdown(compareMetrics([], rows, run, undefined), undefined, { budget: 10_000 }, true)
    assert.equal(md.split('\n')[0], '1 metric.')
    assert.ok(md.includes('| `eval/acc` | 0.93 | ⚠️ >= 0.95 |'), md)
  })
  it('names from the run cannot end the code span or the table', () => {
    const md = comparisonMarkdown(compareMetrics(['a`b|c\nd'], [], { 'a`b|c\nd': 1 }, undefined), undefined, { budget: 10_000 })
    assert.ok(md.includes("| `a'b\\|c d` | 1 |"), md)
  })
  it('the first rows show, the rest are collapsed, and the whole stays within its budget', () => {
    const names = Array.from({ length: 300 }, (_, i) => `metric/with/a/rather/long/name/number_${i}_${'x'.repeat(150)}`)
    const summary = Object.fromEntries(names.map((n, i) => [n, i / 7]))
    const baseline = Object.fromEntries(names.map((n, i) => [n, i / 9]))
    const md = comparisonMarkdown(compareMetrics(names, [], summary, baseline), 'e/p/b', { budget: 40_000 })
    assert.ok(md.length <= 40_000, String(md.length))
    const [visible, collapsed] = md.split('<details>')
    assert.equal(visible!.split('\n').filter((l) => l.startsWith('| `metric')).length, 10)
    assert.match(collapsed!, /^<summary>\d+ more metrics<\/summary>/)
    assert.match(md, /\n\n\d+ more metrics left out to keep this within GitHub's size limit\.$/)
    const shown = md.split('\n').filter((l) => l.startsWith('| `metric')).length
    const left = Number(/(\d+) more metrics left out/.exec(md)![1])
    assert.equal(shown + left, 300)
  })
  it('a short list has no collapsed block', () => {
    const table = collapsibleTable(['a'], ['---'], [['1'], ['2']], 'row', { budget: 1000 })
    assert.equal(table, '| a |\n| --- |\n| 1 |\n| 2 |')
  })
})

describe('values and text from the run in a cell', () => {
  it('numbers to 6 digits, media by their kind, long text cut', () => {
    assert.equal(valueText(1 / 3), '0.333333')
    assert.equal(valueText(null), '—')
    assert.equal(valueText({ _type: 'image-file' }), '(image-file)')
    assert.equal(valueText('y'.repeat(100)).length, 60)
    assert.equal(valueText('NaN'), 'NaN')
  })
  it('no HTML, links, autolinks, mentions or emphasis', () => {
    assert.equal(
      textCell('<b>@octo [x](https://e.vil) _y_ | www.x.io'),
      '&#60;b&#62;\\@octo \\[x\\](https:\u200b//e.vil) \\_y\\_ \\| www\u200b.x.io'
    )
  })
})

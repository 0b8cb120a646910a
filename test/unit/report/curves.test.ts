import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { chartCaption, curveChart, curvesMarkdown, decimal, type MetricCurves } from '../../../src/report/curves.js'
import { mermaidText } from '../../../src/text/markup.js'
import { mermaidBlocks, parseMermaid } from '../../helpers/mermaid.js'

function linear(n: number, final: number, from = 1): [number, number][] {
  return Array.from({ length: n }, (_, i) => [from + i, (final * (i + 1)) / n])
}

function lineValues(chart: string): number[][] {
  return [...chart.matchAll(/^ {2}line \[(.*)\]$/gm)].map((m) => m[1]!.split(', ').map(Number))
}

describe('curveChart', () => {
  it('this run and the baseline on one step axis, which Mermaid parses', async () => {
    const chart = curveChart({ metric: 'eval/acc', run: linear(5, 0.93), baseline: linear(5, 0.9) })
    assert.equal(await parseMermaid(mermaidBlocks(chart)[0]!), 'xychart')
    assert.match(chart, /^ {2}title "eval\/acc"$/m)
    assert.match(chart, /^ {2}x-axis "step" 1 --> 5$/m)
    assert.deepEqual(lineValues(chart), [
      [0.186, 0.372, 0.558, 0.744, 0.93],
      [0.18, 0.36, 0.54, 0.72, 0.9]
    ])
  })
  it('downsampled to at most 40 points, interpolated between logged steps', async () => {
    const run = linear(1000, 1, 0)
    const chart = curveChart({ metric: 'loss', run })
    const [line] = lineValues(chart)
    assert.equal(line!.length, 40)
    assert.equal(line![0], 0.001)
    assert.equal(line![39], 1)
    assert.equal(await parseMermaid(mermaidBlocks(chart)[0]!), 'xychart')
  })
  it('a baseline that ran fewer steps is held flat after its end, and the caption says so', () => {
    const curves = { metric: 'loss', run: linear(10, 1), baseline: linear(5, 2) }
    const [, base] = lineValues(curveChart(curves))
    assert.deepEqual(base!.slice(-5), [2, 2, 2, 2, 2])
    assert.equal(
      chartCaption(curves, 'e/p/b'),
      'blue: this run · orange: the baseline run e/p/b · the baseline run ended at step 5 (held flat after it)'
    )
  })
  it('values that cannot be drawn are left out; no number at all: no chart', () => {
    assert.equal(curveChart({ metric: 'x', run: [[1, Number.NaN]] }), '')
    const chart = curveChart({
      metric: 'x',
      run: [
        [1, 1],
        [2, Number.POSITIVE_INFINITY],
        [3, 3]
      ]
    })
    assert.deepEqual(lineValues(chart), [[1, 3]])
  })
  it('one point, tiny and huge numbers: still a chart Mermaid parses', async () => {
    for (const run of [
      [[0, 5]],
      [
        [0, 2e-9],
        [1, 3e-9]
      ],
      [
        [0, 1e22],
        [1, -1e22]
      ]
    ] as [number, number][][]) {
      const chart = curveChart({ metric: 'm', run })
      assert.doesNotMatch(chart, /\de[+-]?\d/i, chart)
      assert.equal(await parseMermaid(mermaidBlocks(chart)[0]!), 'xychart', chart)
    }
  })
  it('names from the run are made safe for Mermaid and Markdown', async () => {
    const nasty = 'acc" \n```\n<img src=x onerror=alert(1)>; #35; `x` @octo [l](https://x)'
    const chart = curveChart({ metric: nasty, run: linear(3, 1) })
    assert.equal(mermaidBlocks(chart).length, 1)
    assert.equal(chart.split('```').length, 3, 'one fence, opened and closed')
    const strings = [...chart.matchAll(/^ {2}(?:title|y-axis) "([^"]*)"/gm)].map((m) => m[1]!)
    assert.equal(strings.length, 2)
    for (const text of strings) assert.doesNotMatch(text, /<|>|@|\[l\]|#35|;|`/)
    assert.equal(await parseMermaid(mermaidBlocks(chart)[0]!), 'xychart')
    assert.equal(mermaidText('a'.repeat(100)).length, 60)
  })
  it('numbers in Mermaid form', () => {
    assert.equal(decimal(2e-7), '0.0000002')
    assert.equal(decimal(-0), '0')
    assert.equal(decimal(1 / 3), '0.333333')
    assert.equal(decimal(1e22), '10000000000000000000000')
  })
})

describe('curvesMarkdown', () => {
  const curves: MetricCurves[] = [
    { metric: 'eval/acc', run: linear(5, 0.93), baseline: linear(5, 0.9) },
    { metric: 'nothing', run: [] },
    { metric: 'train/loss', run: linear(5, 0.2), baseline: linear(5, 0.25) }
  ]
  it('one collapsed block with a chart per metric that has points, each parsed by Mermaid', async () => {
    const md = curvesMarkdown(curves, 'e/p/b', 60_000)
    assert.match(md, /^<details><summary>Curves: eval\/acc, train\/loss<\/summary>\n\n```mermaid\n/)
    assert.match(md, /\n\n<\/details>$/)
    const blocks = mermaidBlocks(md)
    assert.equal(blocks.length, 2)
    for (const block of blocks) assert.equal(await parseMermaid(block), 'xychart')
  })
  it('as many charts as fit the budget, in order; none: empty', () => {
    const one = curvesMarkdown(curves, 'e/p/b', curvesMarkdown(curves.slice(0, 1), 'e/p/b', 60_000).length + 300)
    assert.equal(mermaidBlocks(one).length, 1)
    assert.equal(curvesMarkdown(curves, 'e/p/b', 100), '')
  })
})

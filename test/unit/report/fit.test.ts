import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fitParts } from '../../../src/report/fit.js'

describe('fitParts', () => {
  it('fixed text, then each flexible part in the room the others leave', () => {
    const budgets: number[] = []
    const text = fitParts(
      ['head', (b) => (budgets.push(b), 'x'.repeat(Math.min(b, 30))), (b) => (budgets.push(b), 'y'.repeat(Math.min(b, 1000))), 'foot'],
      100
    )
    assert.ok(text.length <= 100)
    assert.deepEqual(budgets, [86, 54])
    assert.ok(text.startsWith('head\n\nxxx') && text.endsWith('\n\nfoot'), text)
  })
  it('a part that leaves itself out leaves no blank lines', () => {
    assert.equal(fitParts(['a', () => '', 'b'], 100), 'a\n\nb')
  })
  it('a fixed part over a quarter of the limit is cut, saying so', () => {
    const text = fitParts(['m'.repeat(1000), 'end'], 400)
    assert.ok(text.length <= 400)
    assert.match(text, /… \(cut to fit GitHub's size limit\)\n\nend$/)
  })
})

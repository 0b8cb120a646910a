import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { codeCell, escapeText, inert } from '../../../src/text/markup.js'
import { obeyedCommands } from '../../helpers/commands.js'

describe('inert: server and job text cannot start a workflow command', () => {
  const hostile = [
    '::warning::x',
    '  ::set-output name=state::finished',
    'pending\n::stop-commands::abc\n::warning::after',
    'a\r::error::b',
    'x ##[error]legacy',
    '\t::add-mask::v'
  ]
  for (const text of hostile) {
    it(JSON.stringify(text), () => {
      assert.ok(obeyedCommands(text).length > 0, 'the raw text would be obeyed')
      assert.deepEqual(obeyedCommands(inert(text)), [])
      assert.equal(inert(text).replace(/\u200b/g, ''), text, 'the text reads the same')
    })
  }
  it('plain text is unchanged', () => {
    assert.equal(inert('W&B run abc: state running, a::b'), 'W&B run abc: state running, a::b')
  })
})

describe('escapeText', () => {
  it('leaves no link, autolink, mention or HTML in text from the server', () => {
    const shown = escapeText('see https://evil.example/x and www.evil.example, [a](b) @team <img src=x>')
    assert.doesNotMatch(shown, /https:\/\//)
    assert.doesNotMatch(shown, /www\./)
    assert.match(shown, /\\\[a\\\]\(b\)/)
    assert.match(shown, /\\@team/)
    assert.doesNotMatch(shown, /<img/)
  })
})

describe('codeCell', () => {
  it('keeps a metric name as typed inside the code span, with nothing that ends the cell', () => {
    assert.equal(codeCell('a<b|c`d\ne'), "`a<b\\|c'd e`")
  })
})

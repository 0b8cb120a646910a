import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { checkRunId, generateRunId, parseDuration, parseEntryPoint, parseMapping, splitWords } from '../../../src/inputs/values.js'

/** Asserts that fn throws an Error whose message (not its "Error: " string form) matches. */
function throwsMessage(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof Error, `not an Error: ${String(error)}`)
    assert.match(error.message, message)
    return true
  })
}

describe('parseMapping', () => {
  let workspace = ''
  before(() => {
    workspace = mkdtempSync(path.join(tmpdir(), 'values-test-'))
    mkdirSync(path.join(workspace, 'conf'))
    writeFileSync(path.join(workspace, 'conf', 'run.json'), '{"lr": 0.01, "layers": [64, 32]}')
    writeFileSync(path.join(workspace, 'run.yaml'), 'lr: 0.02\nopt:\n  name: adam\n')
    writeFileSync(path.join(workspace, 'run.yml'), 'epochs: 3\n')
    writeFileSync(path.join(workspace, 'list.yaml'), '- a\n- b\n')
    writeFileSync(path.join(workspace, 'bad.yml'), 'a: [1, 2\n')
    writeFileSync(path.join(workspace, 'dup.json'), '{"a": 1, "a": 2}')
  })
  after(() => rmSync(workspace, { recursive: true, force: true }))

  const accepted: [string, string, Record<string, unknown>][] = [
    ['inline JSON', '{"lr": 0.1, "tags": ["a", "b"], "nested": {"x": null}}', { lr: 0.1, tags: ['a', 'b'], nested: { x: null } }],
    ['inline JSON with surrounding whitespace', '  {"a": 1}\n', { a: 1 }],
    [
      'inline YAML',
      'lr: 0.1\nname: my run\nsizes: [1, 2]\nopt:\n  beta: 0.9',
      { lr: 0.1, name: 'my run', sizes: [1, 2], opt: { beta: 0.9 } }
    ],
    ['inline YAML flow mapping', '{a: 1, b: two}', { a: 1, b: 'two' }],
    ['one-line inline YAML whose value ends like a file name', 'kubeconfig: job.yaml', { kubeconfig: 'job.yaml' }],
    ['a .json file relative to the workspace', 'conf/run.json', { lr: 0.01, layers: [64, 32] }],
    ['a .yaml file relative to the workspace', 'run.yaml', { lr: 0.02, opt: { name: 'adam' } }],
    ['a .yml file relative to the workspace', ' run.yml ', { epochs: 3 }]
  ]
  for (const [what, raw, expected] of accepted) {
    it(`accepts ${what}`, () => assert.deepEqual(parseMapping(raw, workspace), expected))
  }

  it('reads an absolute file path inside the workspace', () =>
    assert.deepEqual(parseMapping(path.join(workspace, 'run.yml'), workspace), { epochs: 3 }))

  it('resolves a file path against the workspace argument, not the current directory', () => {
    throwsMessage(() => parseMapping('run.yml', path.join(workspace, 'conf')), /^file run\.yml does not exist/)
  })

  it('names a missing file and where it looked', () => {
    assert.throws(
      () => parseMapping('missing/params.yaml', workspace),
      (error: Error) => {
        assert.match(error.message, /missing\/params\.yaml/)
        assert.ok(error.message.includes(path.join(workspace, 'missing', 'params.yaml')), error.message)
        assert.match(error.message, /does not exist/)
        return true
      }
    )
  })

  const rejected: [string, string, RegExp][] = [
    ['invalid inline YAML', 'a: [1, 2', /^inline value is not valid JSON or YAML: \S/],
    ['invalid inline JSON', '{"a": 1,', /^inline value is not valid JSON or YAML/],
    ['nested compact mapping', 'a: b: c', /not valid JSON or YAML/],
    ['invalid YAML in a file', 'bad.yml', /^file bad\.yml is not valid JSON or YAML/],
    ['duplicate keys inline YAML', 'a: 1\nb: 2\na: 3', /not valid JSON or YAML: .*unique/i],
    ['duplicate keys inline JSON', '{"a": 1, "a": 2}', /not valid JSON or YAML: .*unique/i],
    ['duplicate keys in a file', 'dup.json', /^file dup\.json is not valid JSON or YAML: .*unique/i],
    ['an inline list', '[1, 2, 3]', /must be a mapping .*got a list/],
    ['an inline YAML list', '- a\n- b', /must be a mapping .*got a list/],
    ['a list in a file', 'list.yaml', /^file list\.yaml must be a mapping .*got a list/],
    ['a number', '42', /must be a mapping .*got a number/],
    ['a string', 'just words', /must be a mapping .*got a string/],
    ['a boolean', 'true', /must be a mapping .*got a boolean/],
    ['null', 'null', /must be a mapping .*got nothing/],
    ['~', '~', /must be a mapping .*got nothing/],
    ['empty text', '   ', /must be a mapping .*got nothing/]
  ]
  for (const [what, raw, message] of rejected) {
    it(`rejects ${what}`, () => throwsMessage(() => parseMapping(raw, workspace), message))
  }
})

describe('splitWords splits like a POSIX shell', () => {
  const cases: [string, string, string[]][] = [
    ['plain words', 'python train.py --epochs 3', ['python', 'train.py', '--epochs', '3']],
    ['runs of spaces', '  a   b  ', ['a', 'b']],
    ['tabs and newlines as separators', 'a\tb\nc\r\n d', ['a', 'b', 'c', 'd']],
    ['single quotes keep everything literally', `echo 'a  b' 'x"y' '\\n' '$HOME'`, ['echo', 'a  b', 'x"y', '\\n', '$HOME']],
    ['double quotes', 'echo "a  b" "it\'s"', ['echo', 'a  b', "it's"]],
    ['backslash escapes of " \\ $ ` inside double quotes', '"q\\" b\\\\ d\\$ t\\`"', ['q" b\\ d$ t`']],
    ['other backslashes inside double quotes are kept', '"a\\nb\\x"', ['a\\nb\\x']],
    ['backslash-newline inside double quotes is removed', '"a\\\nb"', ['ab']],
    ['backslash outside quotes escapes the next character', 'a\\ b \\"c\\" \\\\ \\\'', ['a b', '"c"', '\\', "'"]],
    ['backslash-newline outside quotes joins lines', 'python \\\n  train.py', ['python', 'train.py']],
    ['adjacent quoted and unquoted parts form one word', `--name="my run"'s'x a"b"c`, ['--name=my runsx', 'abc']],
    ["'' is an empty word", `a '' b`, ['a', '', 'b']],
    ['"" is an empty word', 'a "" b', ['a', '', 'b']],
    ['a lone empty word', "''", ['']],
    ['no expansion of $ or globs', 'echo $HOME *.py ~', ['echo', '$HOME', '*.py', '~']]
  ]
  for (const [what, text, words] of cases) {
    it(what, () => assert.deepEqual(splitWords(text), words))
  }

  const errors: [string, string, RegExp][] = [
    ['an unterminated single quote', "python 'train.py", /unterminated single quote/],
    ['an unterminated double quote', 'python "train.py', /unterminated double quote/],
    ['a double quote left open after an escaped one', 'a "b\\"', /unterminated double quote/],
    ['a lone trailing backslash', 'python train.py \\', /lone backslash/],
    ['no words at all', ' \t\n ', /no words/],
    ['empty text', '', /no words/]
  ]
  for (const [what, text, message] of errors) {
    it(`rejects ${what}`, () => throwsMessage(() => splitWords(text), message))
  }
})

describe('parseEntryPoint', () => {
  const cases: [string, string, string[]][] = [
    ['a command line', 'python train.py --lr 0.1', ['python', 'train.py', '--lr', '0.1']],
    ['a command line with quotes', `python -c 'print("hi there")'`, ['python', '-c', 'print("hi there")']],
    ['a JSON array taken as is', '["python", "train.py", "a b", "$X", "\'q\'"]', ['python', 'train.py', 'a b', '$X', "'q'"]],
    ['a JSON array with surrounding whitespace', '  ["sh", "-c", "echo \\"x\\""]  ', ['sh', '-c', 'echo "x"']],
    ['a JSON array with an empty string', '["cmd", ""]', ['cmd', '']]
  ]
  for (const [what, raw, words] of cases) {
    it(`accepts ${what}`, () => assert.deepEqual(parseEntryPoint(raw), words))
  }

  const errors: [string, string, RegExp][] = [
    ['an empty array', '[]', /non-empty JSON array of strings/],
    ['an array of numbers', '[1, 2]', /non-empty JSON array of strings/],
    ['an array mixing strings and numbers', '["python", 3]', /non-empty JSON array of strings/],
    ['an array with null', '["python", null]', /non-empty JSON array of strings/],
    ['an array with a nested array', '[["python"]]', /non-empty JSON array of strings/],
    ['a "[" that is not JSON', '[python train.py', /not a JSON array/],
    ['an unterminated quote', 'python "train.py', /unterminated double quote/],
    ['a lone trailing backslash', 'python \\', /lone backslash/]
  ]
  for (const [what, raw, message] of errors) {
    it(`rejects ${what}`, () => throwsMessage(() => parseEntryPoint(raw), message))
  }
})

describe('parseDuration returns seconds', () => {
  const cases: [string, number][] = [
    ['90', 90 * 60],
    ['1', 60],
    ['1.5', 90],
    ['0.25', 15],
    ['45m', 45 * 60],
    ['2h', 2 * 3600],
    ['1h30m', 3600 + 30 * 60],
    ['30s', 30],
    ['1h30m15s', 3600 + 30 * 60 + 15],
    ['2m5s', 125],
    ['1h5s', 3605],
    ['2H', 7200],
    [' 10m ', 600]
  ]
  for (const [raw, seconds] of cases) {
    it(`${JSON.stringify(raw)} -> ${seconds}s`, () => assert.equal(parseDuration(raw), seconds))
  }

  for (const raw of ['0', '0.0', '0m', '0h0m0s', '-5', '-5m', '', '   ', 'abc', '5 m', '1d', 'm', '1.5h', '30m1h', '5min']) {
    it(`rejects ${JSON.stringify(raw)}`, () => throwsMessage(() => parseDuration(raw), /must be a positive duration/))
  }
})

describe('generateRunId', () => {
  it('is 8 characters from [0-9a-z]', () => {
    for (let i = 0; i < 200; i++) {
      const id = generateRunId()
      assert.match(id, /^[0-9a-z]{8}$/)
    }
  })
  it('differs across calls', () => {
    const ids = new Set(Array.from({ length: 100 }, () => generateRunId()))
    assert.equal(ids.size, 100)
  })
  it('is accepted by checkRunId', () => {
    const id = generateRunId()
    assert.equal(checkRunId(id), id)
  })
})

describe('checkRunId', () => {
  const accepted = ['abc', 'ABC123', 'a-b_c.d~e', '0', '...', 'x'.repeat(128), 'run.v2', '~tmp']
  for (const id of accepted) {
    it(`accepts ${JSON.stringify(id.length > 20 ? `${id.slice(0, 10)}…(${id.length})` : id)}`, () => assert.equal(checkRunId(id), id))
  }
  it('trims surrounding whitespace', () => assert.equal(checkRunId('  ab12  '), 'ab12'))

  const rejected: [string, string][] = [
    ['colon', 'a:b'],
    ['semicolon', 'a;b'],
    ['comma', 'a,b'],
    ['hash', 'a#b'],
    ['question mark', 'a?b'],
    ['slash', 'a/b'],
    ['single quote', "a'b"],
    ['space', 'a b'],
    ['tab', 'a\tb'],
    ['empty', ''],
    ['only whitespace', '   '],
    ['.', '.'],
    ['..', '..'],
    ['129 characters', 'x'.repeat(129)],
    ['percent', 'a%20b'],
    ['ampersand', 'a&b'],
    ['backslash', 'a\\b'],
    ['non-ASCII letter', 'é']
  ]
  for (const [what, id] of rejected) {
    it(`rejects ${what}`, () => throwsMessage(() => checkRunId(id), /must be 1 to 128 characters/))
  }
})

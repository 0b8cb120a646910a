// action.yml as GitHub's runner reads it, and the runner emulation every end-to-end test uses:
// a strict parse, runs.using, INPUT_* from the step's values or action.yml's defaults, and the
// file commands read back as the runner parses them.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import YAML from 'yaml'
import { ACTION_YML, inputEnv, inputEnvName, loadActionManifest, parseFileCommand, ROOT, startAction, TEST_KEY } from '../helpers/action.js'

const text = readFileSync(ACTION_YML, 'utf8')
const MINIMAL_ACTION = 'name: x\ndescription: y\nruns:\n  using: node24\n  main: dist/index.js\n'

describe('action.yml', () => {
  it('parses strictly, runs on node24 from dist/index.js', () => {
    const manifest = loadActionManifest()
    assert.equal(manifest.runs.using, 'node24')
    assert.equal(manifest.runs.main, 'dist/index.js')
  })
  it('the loader refuses the line that broke the action (an unquoted ": " in a plain scalar)', () => {
    // the run_id output's description as it stood when GitHub could not load the action
    const broken = text.replace(
      / {2}run_id:\n {4}description: >-\n(?: {6}.*\n)+/,
      '  run_id:\n    description: The W&B run ID, set as soon as the run is submitted (queue mode: as soon as the item is pushed).\n'
    )
    assert.notEqual(broken, text)
    assert.throws(() => loadActionManifest('scratch/action.yml', broken, ROOT), /not valid YAML.*\n.*Nested mappings are not allowed/)
  })
  it('the loader refuses a duplicate key', () => {
    const doubled = text.replace('  job:\n', '  job:\n    description: first\n  job:\n')
    assert.throws(() => loadActionManifest('scratch/action.yml', doubled, ROOT), /not valid YAML.*\n.*Map keys must be unique/)
  })
  it("the loader refuses what GitHub's action schema refuses: an expression in a description", () => {
    const described = text.replace('  job:\n    description: >-\n', '  job:\n    description: >-\n      For ${{ github.repository }}.\n')
    assert.notEqual(described, text)
    assert.throws(
      () => loadActionManifest('scratch/action.yml', described, ROOT),
      /not valid action metadata.*\n.*action schema: Unrecognized named-value: 'github'/
    )
  })
  it('the loader refuses another runtime', () => {
    assert.throws(
      () => loadActionManifest('scratch/action.yml', text.replace('using: node24', 'using: node20'), ROOT),
      /not valid action metadata.*\n.*`runs\.using` is "node20"; this action runs on `node24`/
    )
  })
  it('the loader refuses what GitHub refuses in valid YAML: a key it does not allow, a runs.main that is not there', () => {
    const unknown = text.replace('  job:\n', '  job:\n    type: string\n')
    assert.throws(
      () => loadActionManifest('scratch/action.yml', unknown, ROOT),
      /input `job`: `type` is not a key GitHub's action metadata allows here/
    )
    assert.throws(
      () => loadActionManifest('scratch/action.yml', text, path.join(ROOT, 'test')),
      /`runs\.main` names dist\/index\.js, which does not exist/
    )
  })
})

describe('the runner emulation', () => {
  const manifest = loadActionManifest()
  it('names variables as the runner does', () => {
    assert.equal(inputEnvName('run_id'), 'INPUT_RUN_ID')
    assert.equal(inputEnvName('my input'), 'INPUT_MY_INPUT')
  })
  it('sets every declared input: the given value, else the default, else empty', () => {
    const env = inputEnv(manifest, { job: 'e/p/j:latest' })
    assert.equal(env.INPUT_JOB, 'e/p/j:latest')
    assert.equal(env.INPUT_SYNCHRONOUS, String(manifest.inputs.synchronous?.default))
    assert.equal(env.INPUT_ENTITY, '')
    assert.deepEqual(Object.keys(env).sort(), Object.keys(manifest.inputs).map(inputEnvName).sort())
  })
  it('refuses an input action.yml does not declare', () => {
    assert.throws(() => inputEnv(manifest, { jobs: 'x' }), /Unexpected input\(s\) 'jobs'/)
  })
  it("evaluates an input default's expression as the runner does, and refuses a context the action schema does not allow there", () => {
    const scratch = (defaults: string) => loadActionManifest('scratch/action.yml', `${MINIMAL_ACTION}inputs:\n${defaults}`, ROOT)
    const withToken = scratch(
      '  token:\n    description: t\n    default: ${{ github.token }}\n  mixed:\n    description: m\n    default: on-${{ runner.os }}-${{ github.token }}\n'
    )
    assert.deepEqual(inputEnv(withToken, {}, { github: { token: 'ghs_x' } }), { INPUT_TOKEN: 'ghs_x', INPUT_MIXED: 'on-Linux-ghs_x' })
    assert.throws(
      () => scratch('  t:\n    description: t\n    default: ${{ secrets.TOKEN }}\n'),
      /action schema: Unrecognized named-value: 'secrets'/
    )
  })
  it('reads file commands in both forms, as the runner does', () => {
    const parsed = parseFileCommand('a=1\nb<<EOF\nline 1\nline 2\nEOF\nc=x=y\nd<<D\n\nD\n')
    assert.deepEqual(parsed, { a: '1', b: 'line 1\nline 2', c: 'x=y', d: '' })
    assert.throws(() => parseFileCommand('b<<EOF\nno end\n'), /no closing delimiter EOF/)
    assert.throws(() => parseFileCommand('nothing here\n'), /neither name=value/)
  })
})

describe('an action run takes its defaults from action.yml, not from the test', () => {
  it('a changed default in a scratch copy of action.yml reaches the action', async () => {
    // a scratch action: this action.yml with another run_id default, the real dist/ beside it
    const dir = mkdtempSync(path.join(tmpdir(), 'wandb-launch-action-'))
    symlinkSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'))
    const manifest = YAML.parseDocument(text)
    manifest.setIn(['inputs', 'run_id', 'default'], 'fromactionyml')
    writeFileSync(path.join(dir, 'action.yml'), manifest.toString())
    const run = await startAction({
      actionYml: path.join(dir, 'action.yml'),
      inputs: { api_key: TEST_KEY, resource: 'local-process', job: 'ent/proj/ok:latest' }
    })
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.run_id, 'fromactionyml')
    assert.equal(run.outputs.state, 'finished')
  })
})

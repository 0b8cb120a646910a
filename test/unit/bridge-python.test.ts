// The bridge's Python unit tests (test/bridge, standard library unittest) run once by python3, and
// reported here as one test per Python test module, so that npm test counts them and fails with them.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { describe, it } from 'node:test'
import { ROOT } from '../helpers/action.js'

const run = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', 'test/bridge', '-t', '.', '-v'], {
  cwd: ROOT,
  encoding: 'utf8',
  timeout: 120_000,
  env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' }
})
const output = `${run.stdout ?? ''}${run.stderr ?? ''}`
const MODULE = /\((test\.bridge\.(?:\w+\.)*test_\w+)\.\w+/

/** Per module: how many tests ran, and the report of each that failed, erred or was skipped. */
const modules = new Map<string, { tests: number; problems: string[] }>()
const entry = (name: string) => modules.get(name) ?? modules.set(name, { tests: 0, problems: [] }).get(name)!
let current: string | undefined
for (const line of output.split('\n')) {
  const named = line.match(MODULE)
  if (named && !/^(FAIL|ERROR): /.test(line)) current = named[1]
  const status = line.match(/ \.\.\. (ok|FAIL|ERROR|skipped.*|expected failure|unexpected success)$/)
  if (status && current) {
    const module = entry(current)
    module.tests += 1
    if (status[1] !== 'ok') module.problems.push(`${line.trim()}`)
  }
}
// The error section: "FAIL: test_x (test.bridge.m.Class.test_x)" then the traceback up to the next rule.
for (const block of output.split(/^={20,}$/m).slice(1)) {
  const head = block.trim().split('\n')[0] ?? ''
  const named = head.match(MODULE)
  entry(named ? named[1]! : 'test.bridge (not a test module)').problems.push(
    block
      .split(/^-{20,}$/m)
      .slice(0, 2)
      .join('\n')
      .trim()
  )
}

describe("the bridge's Python unit tests (python3 -m unittest discover -s test/bridge -t .)", () => {
  it('ran to the end and found test modules', () => {
    assert.equal(run.error, undefined, `python3 could not run: ${run.error?.message}`)
    assert.equal(run.signal, null, `python3 was ended by ${run.signal} (timeout 120 s)`)
    const ran = output.match(/^Ran (\d+) tests? in/m)
    assert.ok(ran, output.slice(-2000))
    assert.equal(
      Number(ran[1]),
      [...modules.values()].reduce((n, m) => n + m.tests, 0),
      'every test attributed to a module'
    )
    assert.ok(modules.size > 0, output.slice(-2000))
    assert.equal(run.status, 0, output.slice(-4000))
  })
  for (const [name, module] of [...modules].sort(([a], [b]) => a.localeCompare(b))) {
    it(`${name} (${module.tests} tests)`, () => {
      assert.deepEqual(module.problems, [], module.problems.join('\n\n'))
      assert.ok(module.tests > 0 || name.startsWith('test.bridge ('), 'no test ran in this module')
    })
  }
})

// The SDK setup end to end: the bundled action, real pip, real virtualenvs, the fake SDK's wheels.
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { before, describe, it } from 'node:test'
import { errors, FAKE_SDK, TEST_KEY } from '../helpers/action.js'
import { actionPythons, baseVenv, buildWheels, runSetup, setupGroups, systemPython, venvsIn, type SetupRun } from './setup-helpers.js'

const base = { api_key: TEST_KEY, resource: 'local-process', job: 'ent/proj/ok:latest', entity: 'ent', project: 'proj' }
const newToolCache = () => mkdtempSync(path.join(tmpdir(), 'wandb-tool-cache-'))

let wheels: string
before(() => {
  wheels = buildWheels()
})

describe('wandb found and satisfying', () => {
  let run: SetupRun
  let toolCache: string
  before(async () => {
    toolCache = newToolCache()
    run = await runSetup(wheels, toolCache, { inputs: { ...base, python: systemPython() }, pythonPath: [FAKE_SDK] })
  })
  it('launches with it', () => {
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.wandb_version, '0.30.0')
    assert.equal(run.outputs.state, 'finished')
  })
  it('spawns exactly one Python process of its own: the bridge', () => {
    const own = actionPythons(run)
    assert.equal(own.length, 1, JSON.stringify(run.pythons))
    assert.match(own[0]!.argv[0] ?? '', /launch_bridge\.py$/)
  })
  it('installs nothing and creates no virtualenv', () => {
    assert.deepEqual(venvsIn(toolCache), [])
    assert.doesNotMatch(run.stdout, /Installing with|pip install/)
  })
  it('says so in the "Set up W&B SDK" group, with the version the bridge found', () => {
    const groups = setupGroups(run)
    assert.equal(groups.length, 1)
    assert.match(groups[0] ?? '', /^Looking for wandb >=0\.17\.3 at .*\nwandb 0\.30\.0 found at .*python.* in \d+\.\ds\n$/)
  })
})

describe('wandb not found, then found in the tool cache', () => {
  let first: SetupRun
  let second: SetupRun
  let toolCache: string
  before(async () => {
    toolCache = newToolCache()
    const bare = baseVenv(wheels, [])
    first = await runSetup(wheels, toolCache, { inputs: { ...base, python: bare } })
    second = await runSetup(wheels, toolCache, { inputs: { ...base, python: bare } })
  })
  it('installs the tested version into a virtualenv and launches with it', () => {
    assert.equal(first.code, 0, first.stdout)
    assert.equal(first.outputs.wandb_version, '0.30.0')
    assert.equal(first.outputs.state, 'finished')
    const groups = setupGroups(first)
    assert.equal(groups.length, 1, 'one group: the look, then the install')
    const setup = groups[0]
    assert.match(setup ?? '', /^Looking for wandb >=0\.17\.3 at /)
    assert.match(setup ?? '', /No module named 'wandb'/)
    assert.match(setup ?? '', /wandb==0\.30\.0/)
    assert.match(setup ?? '', /wandb 0\.30\.0 freshly installed \(.*wandb-launch-action.*\) in \d+\.\ds\n$/)
  })
  it('builds the virtualenv in RUNNER_TOOL_CACHE, from the base interpreter, marked complete', () => {
    const venvs = venvsIn(toolCache)
    assert.equal(venvs.length, 1)
    assert.match(venvs[0]!, new RegExp(`^wandb-sdk-${process.platform}-${process.arch}-py3\\.\\d+\\.\\d+-wandb-default-[0-9a-f]{12}$`))
    assert.ok(existsSync(path.join(toolCache, 'wandb-launch-action', venvs[0]!, '.wandb-launch-action.json')))
  })
  it('says once that the Actions cache service is absent', () => {
    assert.equal([...first.stdout.matchAll(/^::notice::The Actions cache service is not available/gm)].length, 1)
  })
  it('reuses the virtualenv on the next run without installing', () => {
    assert.equal(second.code, 0, second.stdout)
    assert.equal(second.outputs.wandb_version, '0.30.0')
    assert.doesNotMatch(second.stdout, /Installing with|Successfully installed/)
    assert.match(setupGroups(second)[0] ?? '', /wandb 0\.30\.0 from the tool cache/)
    // the bridge in the bare interpreter (nothing launched), then the bridge in the virtualenv
    assert.deepEqual(
      actionPythons(second).map((p) => path.basename(p.argv[0] ?? '')),
      ['launch_bridge.py', 'launch_bridge.py']
    )
  })
})

describe('wandb found but too old', () => {
  let run: SetupRun
  let onPath: SetupRun
  before(async () => {
    const old = baseVenv(wheels, ['wandb==0.16.0'])
    run = await runSetup(wheels, newToolCache(), { inputs: { ...base, python: old } })
    // the same old wandb on PYTHONPATH must not shadow the virtualenv's
    onPath = await runSetup(wheels, newToolCache(), {
      inputs: { ...base, python: systemPython() },
      pythonPath: [FAKE_SDK],
      env: { FAKE_WANDB_VERSION: '0.16.0' }
    })
  })
  it('is not used when it comes from PYTHONPATH either', () => {
    assert.equal(onPath.code, 0, onPath.stdout)
    assert.match(onPath.stdout, /wandb 0\.16\.0 is older than 0\.17/)
    assert.equal(onPath.launches.length, 1)
    assert.equal(onPath.outputs.wandb_version, '0.30.0')
  })
  it('launches nothing with it, installs and launches once', () => {
    assert.equal(run.code, 0, run.stdout)
    assert.equal(run.outputs.wandb_version, '0.30.0')
    assert.match(run.stdout, /wandb 0\.16\.0 is older than 0\.17/)
    assert.equal(run.launches.length, 1)
  })
})

describe('wandb_version pins a version the interpreter does not have', () => {
  let run: SetupRun
  before(async () => {
    const old = baseVenv(wheels, ['wandb==0.30.0'])
    run = await runSetup(wheels, newToolCache(), {
      inputs: { ...base, python: old, wandb_version: '0.16.0' }
    })
  })
  it('is an input error: older than 0.17', () => {
    assert.equal(run.code, 1)
    assert.match(errors(run)[0] ?? '', /wandb_version: 0\.16\.0 is older than 0\.17/)
    assert.equal(actionPythons(run).length, 0)
  })
})

describe('a wandb_version that does not exist', () => {
  let run: SetupRun
  let toolCache: string
  before(async () => {
    toolCache = newToolCache()
    run = await runSetup(wheels, toolCache, { inputs: { ...base, python: systemPython(), wandb_version: '9.9.9' } })
  })
  it("fails the step saying no such release, with the installer's last lines and the specs", () => {
    assert.equal(run.code, 1)
    const message = errors(run)[0] ?? ''
    assert.match(message, /no release matching wandb==9\.9\.9/)
    assert.match(message, /packages: wandb==9\.9\.9/)
    assert.match(message, /from versions: 0\.16\.0, 0\.30\.0/)
  })
  it('leaves no half-built virtualenv behind', () => assert.deepEqual(venvsIn(toolCache), []))
})

describe('a remote resource installs what its runner imports', () => {
  let run: SetupRun
  before(async () => {
    // wandb is there, kubernetes_asyncio is not: the interpreter will not do for kubernetes
    const python = baseVenv(wheels, ['wandb==0.30.0'])
    run = await runSetup(wheels, newToolCache(), {
      inputs: { ...base, python, resource: 'kubernetes', job: 'e/p/ok:latest', run_id: 'k8s1' }
    })
  })
  it('installs wandb and kubernetes-asyncio, then launches', () => {
    assert.equal(run.code, 0, run.stdout)
    assert.match(run.stdout, /kubernetes_asyncio not installed \(kubernetes needs it\)/)
    assert.match(setupGroups(run)[0] ?? '', /wandb==0\.30\.0 kubernetes-asyncio/)
    assert.equal(run.outputs.state, 'finished')
  })
})

describe('wandb_version given', () => {
  it('a pinned version the interpreter has: used as found, nothing installed', async () => {
    const toolCache = newToolCache()
    const run = await runSetup(wheels, toolCache, {
      inputs: { ...base, python: systemPython(), wandb_version: '0.30.0' },
      pythonPath: [FAKE_SDK]
    })
    assert.equal(run.code, 0, run.stdout)
    assert.equal(actionPythons(run).length, 1)
    assert.deepEqual(venvsIn(toolCache), [])
  })
  it('a specifier the interpreter does not meet and no release does: fails, nothing launched', async () => {
    const run = await runSetup(wheels, newToolCache(), {
      inputs: { ...base, python: systemPython(), wandb_version: '>=0.31' },
      pythonPath: [FAKE_SDK]
    })
    assert.equal(run.code, 1)
    assert.match(run.stdout, /wandb 0\.30\.0 does not satisfy wandb_version >=0\.31/)
    assert.match(errors(run)[0] ?? '', /no release matching wandb>=0\.31/)
    assert.equal(run.launches.length, 0)
  })
  it("latest: always the action's virtualenv, with the newest release", async () => {
    const toolCache = newToolCache()
    const run = await runSetup(wheels, toolCache, {
      inputs: { ...base, python: systemPython(), wandb_version: 'latest' },
      pythonPath: [FAKE_SDK] // an installed wandb does not count for latest
    })
    assert.equal(run.code, 0, run.stdout)
    assert.equal(setupGroups(run).length, 1)
    assert.match(setupGroups(run)[0] ?? '', /wandb 0\.30\.0 freshly installed/)
    assert.match(venvsIn(toolCache)[0] ?? '', /-wandb-latest-/)
  })
})

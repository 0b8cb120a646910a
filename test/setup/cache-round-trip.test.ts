// The SDK virtualenv across fresh runners through the Actions cache, as on GitHub-hosted runners
// (every job a new machine): the bundled action, real pip over the fake SDK's wheels, and the
// local cache service of test/helpers/cache-service.ts in both protocols @actions/cache speaks
// (v2 on github.com, v1 on GitHub Enterprise Server). Job 1 on a fresh runner (no wandb, an empty
// tool cache) installs and saves; job 2 on another fresh runner (the same tool cache path,
// emptied) restores and launches without installing (its pip has no package to install from).
// A cache service that fails or hangs costs a fresh install and one warning, never the step.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { TEST_KEY } from '../helpers/action.js'
import { startCacheService, type CacheProtocol, type CacheService } from '../helpers/cache-service.js'
import { baseVenv, buildWheels, runSetup, setupGroups, venvsIn, type SetupRun } from './setup-helpers.js'

const base = { api_key: TEST_KEY, resource: 'local-process', job: 'ent/proj/ok:latest', entity: 'ent', project: 'proj' }

let wheels: string
let noWheels: string
let bare: string
before(() => {
  wheels = buildWheels(['0.30.0'])
  noWheels = mkdtempSync(path.join(tmpdir(), 'no-wheels-'))
  bare = baseVenv(wheels, []) // a Python without wandb, as a fresh runner's
})

function warnings(run: SetupRun): string[] {
  return [...run.stdout.matchAll(/^::warning::(.*)$/gm)].map((m) => m[1] as string)
}

/** A fresh runner: the tool cache path of the previous one, emptied, as a new machine has it. */
function freshRunner(toolCache: string): string {
  rmSync(toolCache, { recursive: true, force: true })
  mkdirSync(toolCache, { recursive: true })
  return toolCache
}

for (const protocol of ['v2', 'v1'] as CacheProtocol[]) {
  describe(`the virtualenv through the Actions cache (${protocol === 'v2' ? 'v2, github.com' : 'v1, GitHub Enterprise Server'})`, () => {
    let service: CacheService
    let first: SetupRun
    let second: SetupRun
    let toolCache: string
    before(async () => {
      service = await startCacheService()
      toolCache = freshRunner(mkdtempSync(path.join(tmpdir(), 'wandb-tool-cache-')))
      first = await runSetup(wheels, toolCache, { inputs: { ...base, python: bare }, env: service.env(protocol) })
      freshRunner(toolCache)
      second = await runSetup(noWheels, toolCache, { inputs: { ...base, python: bare }, env: service.env(protocol) })
    })
    after(() => service.stop())

    it('job 1 installs, launches and saves the virtualenv under its key', () => {
      assert.equal(first.code, 0, first.stdout)
      assert.equal(first.outputs.state, 'finished')
      assert.match(setupGroups(first)[0] ?? '', /wandb 0\.30\.0 freshly installed/)
      assert.match(first.stdout, /Saved the virtualenv to the Actions cache as wandb-sdk-/)
      const [entry] = service.entries()
      assert.equal(service.entries().length, 1)
      assert.match(entry!.key, /^wandb-sdk-linux-/)
      assert.ok(entry!.size > 1000, `an archive of ${entry!.size} bytes`)
      assert.deepEqual(warnings(first), [])
    })

    it('job 2, on another fresh runner, restores it and launches without an install', () => {
      assert.equal(second.code, 0, second.stdout)
      assert.equal(second.outputs.state, 'finished')
      assert.equal(second.outputs.wandb_version, '0.30.0')
      const setup = setupGroups(second)[0] ?? ''
      assert.match(setup, /wandb 0\.30\.0 restored from the Actions cache/)
      assert.doesNotMatch(second.stdout, /Installing with|freshly installed/)
      assert.deepEqual(venvsIn(toolCache), [service.entries()[0]!.key])
      assert.equal(second.launches.length, 1)
      assert.deepEqual(warnings(second), [])
    })

    it(`speaks the ${protocol} protocol, as the toolkit selects it`, () => {
      const used = new Set(service.calls().map((c) => c.protocol))
      assert.ok(used.has(protocol), JSON.stringify(service.calls()))
      assert.ok(!used.has(protocol === 'v2' ? 'v1' : 'v2'), JSON.stringify(service.calls()))
      assert.ok(
        service.calls().every((c) => c.status < 400),
        JSON.stringify(service.calls())
      )
    })
  })
}

const FAULTS = {
  fail: 'that fails (500, as in an outage: the toolkit retries each call five times)',
  hang: 'that hangs (accepts every request, answers none: the action gives up at its deadline, 5 s here)'
} as const
for (const fault of ['fail', 'hang'] as const) {
  describe(`a cache service ${FAULTS[fault]}`, () => {
    let service: CacheService
    let run: SetupRun
    let seconds = 0
    before(async () => {
      service = await startCacheService({ fault })
      const started = Date.now()
      run = await runSetup(wheels, freshRunner(mkdtempSync(path.join(tmpdir(), 'wandb-tool-cache-'))), {
        inputs: { ...base, python: bare },
        env: { ...service.env('v2'), ...(fault === 'hang' ? { WANDB_LAUNCH_ACTION_CACHE_SECONDS: '5' } : {}) },
        timeoutMs: 240_000
      })
      seconds = (Date.now() - started) / 1000
    })
    after(() => service.stop())

    it('costs a fresh install and one warning, never the step, within a bounded time', () => {
      assert.equal(run.code, 0, run.stdout)
      assert.equal(run.outputs.state, 'finished')
      assert.match(setupGroups(run)[0] ?? '', /wandb 0\.30\.0 freshly installed/)
      assert.ok(service.calls().length > 0, 'the action did not ask the cache service')
      assert.equal(warnings(run).length, 1, warnings(run).join('\n'))
      assert.doesNotMatch(run.stdout, /^::error::/m)
      assert.ok(seconds < 150, `took ${seconds.toFixed(0)} s`)
    })
  })
}

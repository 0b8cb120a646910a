// `npm test`: every test file under test/ through Node's test runner, TypeScript loaded by tsx.
// Tiers: unit, setup (real pip over the fake SDK's wheels), e2e and workflow (the action from
// action.yml with the fake SDK), contract (the real wandb SDK against test/backend), and
// contract-legacy (a selection of it with the real wandb 0.17.3 and 0.18.7). Arguments
// narrow the set: `npm test -- unit` runs the files whose path contains "unit".
// The contract tier needs the real SDK in .cache/ (scripts/real-sdk.mjs), and it and the schema
// tier (test/schema) the test backend's interpreter with graphql-core. Where either cannot be
// provided, the tiers that need it are left out with one line saying why, unless
// WANDB_LAUNCH_ACTION_REQUIRE_REAL_SDK is set (as .ci/run does): then that is a failure.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { LEGACY_VERSIONS, provideBackendPython, provideWandb030, provideWandbLegacy } from './real-sdk.mjs'

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return ['fake-sdk', 'backend'].includes(entry.name) ? [] : testFiles(full)
    return entry.name.endsWith('.test.ts') ? [full] : []
  })
}

const filters = process.argv.slice(2)
let files = testFiles('test')
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort()
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`)
  process.exit(1)
}

const notRun = []
// The backend's graphql-core: the contract tiers (the backend) and the schema tier need it.
const needsBackend = (f) => ['contract', 'contract-legacy', 'schema'].some((d) => f.includes(`${path.sep}${d}${path.sep}`))
if (files.some(needsBackend)) {
  const started = Date.now()
  const backend = provideBackendPython()
  if (backend.ok) {
    const seconds = (Date.now() - started) / 1000
    if (seconds > 1) console.log(`Provided graphql-core for the test backend in ${backend.venv} in ${seconds.toFixed(0)} s`)
  } else if (process.env.WANDB_LAUNCH_ACTION_REQUIRE_REAL_SDK) {
    console.error(
      `The contract and schema tiers are required here, and graphql-core for the test backend could not be provided: ${backend.reason}`
    )
    process.exit(1)
  } else {
    notRun.push(`contract and schema tiers (the test backend) did not run: graphql-core could not be provided: ${backend.reason}`)
    files = files.filter((f) => !needsBackend(f))
  }
}
const isContract = (f) => f.includes(`${path.sep}contract${path.sep}`)
if (files.some(isContract)) {
  const started = Date.now()
  const sdk = provideWandb030()
  if (sdk.ok) {
    const seconds = (Date.now() - started) / 1000
    if (seconds > 1) console.log(`Provided the real wandb 0.30.0 in ${sdk.venv} in ${seconds.toFixed(0)} s`)
  } else if (process.env.WANDB_LAUNCH_ACTION_REQUIRE_REAL_SDK) {
    console.error(`The contract tier is required here, and the real wandb 0.30.0 could not be provided: ${sdk.reason}`)
    process.exit(1)
  } else {
    notRun.push(`contract tier (real wandb 0.30.0 against test/backend) did not run: ${sdk.reason}`)
    files = files.filter((f) => !isContract(f))
  }
}
// Older SDKs (test/contract-legacy/wandb-<version>.test.ts): each one provided, or said not to run.
const legacyFile = (f, version) => f.includes(`${path.sep}contract-legacy${path.sep}`) && f.includes(`wandb-${version}`)
for (const version of LEGACY_VERSIONS) {
  if (!files.some((f) => legacyFile(f, version))) continue
  const started = Date.now()
  const sdk = provideWandbLegacy(version)
  if (sdk.ok) {
    const seconds = (Date.now() - started) / 1000
    if (seconds > 1) console.log(`Provided the real wandb ${version} in ${sdk.venv} in ${seconds.toFixed(0)} s`)
  } else if (process.env.WANDB_LAUNCH_ACTION_REQUIRE_REAL_SDK) {
    console.error(`The contract tier is required here, and the real wandb ${version} could not be provided: ${sdk.reason}`)
    process.exit(1)
  } else {
    notRun.push(`contract tier with wandb ${version} did not run: ${sdk.reason}`)
    files = files.filter((f) => !legacyFile(f, version))
  }
}
if (files.length === 0) {
  console.error(`nothing left to run: ${notRun.join('; ')}`)
  process.exit(1)
}
for (const line of notRun) console.log(line)
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit'
})
for (const line of notRun) console.log(line) // again after the runner's report, where it is read
process.exit(result.status ?? 1)

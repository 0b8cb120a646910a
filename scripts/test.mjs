// `npm test`: every test file under test/ (unit, end-to-end with the fake SDK, contract with the
// real SDK) through Node's test runner, TypeScript loaded by tsx. Arguments narrow the set:
// `npm test -- unit` runs the files whose path contains "unit".
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'fake-sdk' ? [] : testFiles(full)
    return entry.name.endsWith('.test.ts') ? [full] : []
  })
}

const filters = process.argv.slice(2)
const files = testFiles('test')
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort()
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`)
  process.exit(1)
}
// The contract tests run the real SDK: build its virtualenv once, offline, before they start.
if (files.some((f) => f.includes(`${path.sep}contract${path.sep}`))) {
  const backend = process.env.WANDB_BACKEND_DIR ?? path.resolve('..', 'shared', 'wandb-backend')
  const venv = path.join('.cache', 'wandb-venv')
  const ready = path.join(venv, '.ready')
  if (!existsSync(ready)) {
    if (!existsSync(path.join(backend, 'install-wandb.sh'))) {
      console.error(`The contract tests need ${backend} (set WANDB_BACKEND_DIR): install-wandb.sh and server.py`)
      process.exit(1)
    }
    console.log(`Building the real wandb SDK's virtualenv in ${venv} (once)...`)
    rmSync(venv, { recursive: true, force: true })
    const built = spawnSync('bash', [path.join(backend, 'install-wandb.sh'), venv], { stdio: 'inherit' })
    if (built.status !== 0) process.exit(built.status ?? 1)
    writeFileSync(ready, '')
  }
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit'
})
process.exit(result.status ?? 1)

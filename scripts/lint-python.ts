// The Python linter and formatter: ruff (its WebAssembly build from npm, so no Python tool needs
// installing) over every .py file of the bridge, its tests and the scripts. lintPython() returns
// the problems as file:line:column; with { fix: true } it first applies ruff's safe fixes and its
// formatting to the files. Run directly: `node --import tsx scripts/lint-python.ts [--fix]`.
import { PositionEncoding, Workspace } from '@astral-sh/ruff-wasm-nodejs'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export interface PythonProblem {
  file: string
  line: number
  column: number
  message: string
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
/** What is linted and formatted, relative to the repository root. */
export const PYTHON_FOLDERS = ['bridge', 'test/bridge', 'scripts']
/** The bridge runs under the user's Python (any that has wandb 0.17.3+): 3.8 syntax at most. */
export const RUFF_SETTINGS = {
  'line-length': 120,
  'target-version': 'py38',
  lint: {
    select: ['E', 'F', 'W', 'I', 'B', 'UP'],
    isort: { 'known-first-party': ['wandb_launch_bridge'] }
  }
}

interface Location {
  row: number
  column: number
}
interface Diagnostic {
  code: string | null
  message: string
  start_location: Location
  fix: { edits: { content: string | null; location: Location; end_location: Location }[] } | null
}

export function pythonFiles(root = ROOT): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const rel = path.join(dir, entry.name)
      if (entry.isDirectory()) return ['__pycache__', 'node_modules'].includes(entry.name) ? [] : walk(rel)
      return entry.name.endsWith('.py') ? [rel] : []
    })
  return PYTHON_FOLDERS.flatMap(walk).sort()
}

function offset(text: string, at: Location): number {
  let index = 0
  for (let row = 1; row < at.row; row++) {
    const next = text.indexOf('\n', index)
    if (next < 0) return text.length
    index = next + 1
  }
  return index + at.column - 1
}

/** Ruff's fixes applied, from the end of the file so that earlier positions stay valid; edits that
 *  overlap one already applied wait for the next round. */
function applyFixes(text: string, diagnostics: Diagnostic[]): string {
  const edits = diagnostics
    .flatMap((d) => d.fix?.edits ?? [])
    .map((e) => ({ start: offset(text, e.location), end: offset(text, e.end_location), content: e.content ?? '' }))
    .sort((a, b) => b.start - a.start || b.end - a.end)
  let out = text
  let floor = Infinity
  for (const edit of edits) {
    if (edit.end > floor) continue
    out = out.slice(0, edit.start) + edit.content + out.slice(edit.end)
    floor = edit.start
  }
  return out
}

export function lintPython(options: { fix?: boolean; root?: string } = {}): PythonProblem[] {
  const root = options.root ?? ROOT
  const workspace = new Workspace(RUFF_SETTINGS, PositionEncoding.Utf16)
  const problems: PythonProblem[] = []
  for (const file of pythonFiles(root)) {
    const full = path.join(root, file)
    const original = readFileSync(full, 'utf8')
    let text = original
    if (options.fix) {
      for (let round = 0; round < 5; round++) {
        const fixed = applyFixes(text, workspace.check(text) as Diagnostic[])
        if (fixed === text) break
        text = fixed
      }
      text = workspace.format(text)
      if (text !== original) writeFileSync(full, text)
    }
    for (const d of workspace.check(text) as Diagnostic[]) {
      problems.push({
        file,
        line: d.start_location.row,
        column: d.start_location.column,
        message: `${d.message} [ruff ${d.code ?? 'syntax'}]`
      })
    }
    if (workspace.format(text) !== text) {
      const first = firstDifference(text, workspace.format(text))
      problems.push({
        file,
        line: first,
        column: 1,
        message: 'not formatted as ruff format formats it (run: node --import tsx scripts/lint-python.ts --fix)'
      })
    }
  }
  return problems
}

function firstDifference(a: string, b: string): number {
  const left = a.split('\n')
  const right = b.split('\n')
  const index = left.findIndex((line, i) => line !== right[i])
  return (index < 0 ? left.length : index) + 1
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = lintPython({ fix: process.argv.includes('--fix') })
  for (const p of problems) console.error(`${p.file}:${p.line}:${p.column}: ${p.message}`)
  if (problems.length > 0) {
    console.error(`lint-python: ${problems.length} problem${problems.length === 1 ? '' : 's'}`)
    process.exit(1)
  }
  console.log(`lint-python: ${pythonFiles().length} Python files are clean (ruff ${Workspace.version()})`)
}

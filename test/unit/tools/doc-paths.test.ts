// Every path of this repository that a doc or a comment names exists: a moved or renamed file
// otherwise leaves directions that lead nowhere.
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { ROOT } from '../../helpers/action.js'

const ROOTS = ['src', 'bridge', 'test', 'scripts', 'docs', 'dist', '.github', '.ci']
const PATH = new RegExp(`(?<![\\w./-])(?:${ROOTS.map((r) => r.replace('.', '\\.')).join('|')})/[\\w.@/-]*[\\w/]`, 'g')

function files(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    if (['node_modules', '__pycache__', '.cache', '.git', 'dist', 'fixtures'].includes(name)) return []
    return statSync(full).isDirectory() ? files(full, keep) : keep(name) ? [full] : []
  })
}

/** The comments of a source file (// and # lines, docstrings and block comments, roughly). */
function comments(file: string, text: string): string {
  if (file.endsWith('.py')) return [...text.matchAll(/#.*|("""|''')[\s\S]*?\1/g)].map((m) => m[0]).join('\n')
  return [...text.matchAll(/\/\/.*|\/\*[\s\S]*?\*\//g)].map((m) => m[0]).join('\n')
}

describe('paths named in docs and comments', () => {
  it('all exist', () => {
    const docs = [
      'README.md',
      'CONTRIBUTING.md',
      ...files(path.join(ROOT, 'docs'), (n) => n.endsWith('.md')).map((f) => path.relative(ROOT, f)),
      ...files(path.join(ROOT, 'test'), (n) => n === 'README.md').map((f) => path.relative(ROOT, f))
    ]
    const sources = ['src', 'bridge', 'scripts', 'test'].flatMap((d) =>
      files(path.join(ROOT, d), (n) => /\.(ts|mts|mjs|py)$/.test(n)).map((f) => path.relative(ROOT, f))
    )
    const missing: string[] = []
    for (const file of [...docs, ...sources]) {
      const text = readFileSync(path.join(ROOT, file), 'utf8')
      // a Markdown example's code is the user's repository, not ours
      const searched = file.endsWith('.md') ? text.replace(/^```[\s\S]*?^```/gm, '') : comments(file, text)
      for (const m of searched.matchAll(PATH)) {
        if (/^[\w.-]*[<*{]/.test(searched.slice((m.index ?? 0) + m[0].length))) continue // a pattern, not a path
        const clean = m[0].replace(/[.]+$/, '')
        if (!existsSync(path.join(ROOT, clean))) missing.push(`${file} names ${clean}`)
      }
    }
    assert.deepEqual(missing, [])
  })
})

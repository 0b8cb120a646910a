// The shape of the action's TypeScript, held: stage folders under src/ with only the entry and
// the pipeline at the top, no import circle, a pure verdict stage, a leaf text stage, and no
// source file too long to read in one sitting.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { circles, importGraph } from '../../../scripts/import-graph.js'
import { ROOT } from '../../helpers/action.js'

const SRC = path.join(ROOT, 'src')
const STAGES = ['inputs', 'sdk', 'launch', 'verdict', 'report', 'text']
const MAX_LINES = 350

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    if (['node_modules', '__pycache__'].includes(name)) return []
    return statSync(full).isDirectory() ? files(full) : [full]
  })
}

describe('the layout of src/', () => {
  const graph = importGraph(SRC)

  it('holds TypeScript only, with index.ts and main.ts at its top and the rest in stage folders', () => {
    const top = readdirSync(SRC)
    assert.deepEqual(top.filter((name) => statSync(path.join(SRC, name)).isFile()).sort(), ['index.ts', 'main.ts'])
    assert.deepEqual(top.filter((name) => statSync(path.join(SRC, name)).isDirectory()).sort(), [...STAGES].sort())
    assert.deepEqual(
      files(SRC).filter((f) => !f.endsWith('.ts')),
      []
    )
  })

  it('has no import circle', () => assert.deepEqual(circles(graph), []))

  it('verdict/ is pure: it writes nothing (no @actions toolkit, no report stage)', () => {
    for (const [id, packages] of graph.packages) {
      if (!id.startsWith('verdict/')) continue
      assert.deepEqual(
        packages.filter((p) => p.startsWith('@actions/') || p.startsWith('node:')),
        [],
        id
      )
      assert.deepEqual(
        (graph.edges.get(id) ?? []).filter((to) => to.startsWith('report/')),
        [],
        id
      )
    }
  })

  it('text/ is a leaf: it imports no other stage', () => {
    for (const [id, to] of graph.edges) {
      if (id.startsWith('text/'))
        assert.deepEqual(
          to.filter((t) => !t.startsWith('text/')),
          [],
          id
        )
    }
  })

  it(`no source file is over ${MAX_LINES} lines`, () => {
    const bridge = path.join(ROOT, 'bridge')
    const long = [...files(SRC), ...files(bridge).filter((f) => f.endsWith('.py'))]
      .map((f) => [path.relative(ROOT, f), readFileSync(f, 'utf8').split('\n').length - 1] as const)
      .filter(([, lines]) => lines > MAX_LINES)
    assert.deepEqual(long, [])
  })
})

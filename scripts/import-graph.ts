// The import graph of the action's TypeScript (src/): which module imports which, the longest
// chain of imports, and any circle. `node --import tsx scripts/import-graph.ts [dir]` prints the
// counts; the architecture test holds the rules.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'

export interface ImportGraph {
  /** Module (path relative to the root) → the modules of the same tree it imports. */
  edges: Map<string, string[]>
  /** Module → the packages it imports (@actions/core, zod, ...). */
  packages: Map<string, string[]>
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? sources(full) : name.endsWith('.ts') ? [full] : []
  })
}

export function importGraph(root: string): ImportGraph {
  const edges = new Map<string, string[]>()
  const packages = new Map<string, string[]>()
  for (const file of sources(root)) {
    const id = path.relative(root, file)
    const local: string[] = []
    const external: string[] = []
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2]) as string
      if (spec.startsWith('.')) local.push(path.relative(root, path.resolve(path.dirname(file), spec)).replace(/\.js$/, '.ts'))
      else external.push(spec)
    }
    edges.set(id, [...new Set(local)])
    packages.set(id, [...new Set(external)])
  }
  return { edges, packages }
}

/** Every circle of imports, each as the modules around it. */
export function circles(graph: ImportGraph): string[][] {
  const found: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (id: string): void => {
    state.set(id, 'open')
    stack.push(id)
    for (const next of graph.edges.get(id) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next])
      else if (!state.has(next)) visit(next)
    }
    stack.pop()
    state.set(id, 'done')
  }
  for (const id of graph.edges.keys()) if (!state.has(id)) visit(id)
  return found
}

/** The longest chain of imports (in modules), circles cut where they close. */
export function depth(graph: ImportGraph): number {
  const memo = new Map<string, number>()
  const walk = (id: string, seen: Set<string>): number => {
    if (memo.has(id)) return memo.get(id) as number
    let deepest = 0
    for (const next of graph.edges.get(id) ?? []) {
      if (!seen.has(next)) deepest = Math.max(deepest, walk(next, new Set([...seen, next])))
    }
    memo.set(id, deepest + 1)
    return deepest + 1
  }
  return Math.max(0, ...[...graph.edges.keys()].map((id) => walk(id, new Set([id]))))
}

export function arrows(graph: ImportGraph): number {
  return [...graph.edges.values()].reduce((n, to) => n + to.length, 0)
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const graph = importGraph(process.argv[2] ?? 'src')
  const found = circles(graph)
  console.log(`${graph.edges.size} modules, ${arrows(graph)} import arrows, depth ${depth(graph)}, ${found.length} circle(s)`)
  for (const c of found) console.log(`  circle: ${c.join(' → ')}`)
}

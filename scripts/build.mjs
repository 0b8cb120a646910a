// Bundles src/ into dist/ with ncc (ESM), ships the Python bridge (bridge/) beside it, and checks that the
// bundle really holds its dependencies: ncc leaves `webpackMissingModule` where it could not.
import { execFileSync } from 'node:child_process'
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { isBuiltin } from 'node:module'

rmSync('dist', { recursive: true, force: true })
execFileSync('npx', ['ncc', 'build', 'src/index.ts', '-o', 'dist', '--license', 'licenses.txt', '--quiet'], {
  stdio: 'inherit'
})
// A lazily imported module (@actions/cache, @actions/github)
// becomes a chunk of its own, and
// ncc then writes licenses.txt for the last chunk only. The licenses come from a second build of
// the same code with that module imported up front: one chunk, every bundled package.
mkdirSync('.cache/licenses', { recursive: true })
writeFileSync('.cache/licenses/entry.ts', "import '@actions/cache'\nimport '@actions/github'\nimport '../../src/index.js'\n")
execFileSync('npx', ['ncc', 'build', '.cache/licenses/entry.ts', '-o', '.cache/licenses/out', '--license', 'licenses.txt', '--quiet'], {
  stdio: 'inherit'
})
copyFileSync('.cache/licenses/out/licenses.txt', 'dist/licenses.txt')
rmSync('.cache/licenses', { recursive: true, force: true })
// The Python bridge ships as it is: the whole bridge/ folder (its script, its package, the protocol's
// schema), without bytecode caches.
cpSync('bridge', 'dist/bridge', { recursive: true, filter: (from) => !/(^|[\\/])__pycache__$|\.pyc$/.test(from) })
writeFileSync('dist/package.json', JSON.stringify({ type: 'module' }, null, 2) + '\n')

const bundle = readdirSync('dist')
  .filter((name) => name.endsWith('.js'))
  .map((name) => readFileSync(`dist/${name}`, 'utf8'))
  .join('\n')
const problems = []
if (bundle.includes('webpackMissingModule')) problems.push('a module could not be bundled (webpackMissingModule)')
// What the bundle still loads at run time must be Node's own modules, nothing from npm.
const runtimeImports = [
  ...bundle.matchAll(/^import\s[^;]*?from\s*["']([^"']+)["']/gm),
  ...bundle.matchAll(/__WEBPACK_EXTERNAL_createRequire\(import\.meta\.url\)\(["']([^"']+)["']\)/g)
].map((m) => m[1])
for (const name of new Set(runtimeImports)) {
  if (!isBuiltin(name)) problems.push(`${name} is imported at run time instead of bundled`)
}
if (problems.length) {
  console.error(`dist/ is broken:\n- ${problems.join('\n- ')}`)
  process.exit(1)
}

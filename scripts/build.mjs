// Bundles src/ into dist/ with ncc (ESM), ships the Python bridge (and its queue module) beside it, and checks that the
// bundle really holds its dependencies: ncc leaves `webpackMissingModule` where it could not.
import { execFileSync } from 'node:child_process'
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { isBuiltin } from 'node:module'

rmSync('dist', { recursive: true, force: true })
execFileSync('npx', ['ncc', 'build', 'src/index.ts', '-o', 'dist', '--license', 'licenses.txt', '--quiet'], {
  stdio: 'inherit'
})
copyFileSync('src/launch_bridge.py', 'dist/launch_bridge.py')
copyFileSync('src/launch_queue.py', 'dist/launch_queue.py')
writeFileSync('dist/package.json', JSON.stringify({ type: 'module' }, null, 2) + '\n')

const bundle = readFileSync('dist/index.js', 'utf8')
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
  console.error(`dist/index.js is broken:\n- ${problems.join('\n- ')}`)
  process.exit(1)
}

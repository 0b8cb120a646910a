// `npm run bench:setup`: what the SDK setup costs, as medians of repeated runs of the real bundled
// action (dist/index.js under Node 24) with the fake SDK (test/fake-sdk) and real pip.
// - warm path: wandb already installed for the interpreter; against the floor, which is
//   `node -e ''` plus `python3 -c 'import wandb'` (the least any Node action using the SDK costs);
// - Python processes the action spawns on the warm path (the launched job's own excluded);
// - the setup from a fresh install, from the tool cache, and with an existing install.
// Not part of `npm test`. Options: --runs N (default 7); --baseline DIR also times the warm path
// of another build (e.g. the dist/ of the commit before the SDK setup) for comparison.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const NODE24 = path.join(ROOT, 'node_modules', '.bin', 'node')
const ACTION = path.join(ROOT, 'dist', 'index.js')
const FAKE_SDK = path.join(ROOT, 'test', 'fake-sdk')
const FIXTURES = path.join(ROOT, 'test', 'setup', 'fixtures')
const runsArg = process.argv.indexOf('--runs')
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7
const baselineArg = process.argv.indexOf('--baseline')
const BASELINE = baselineArg > 0 ? path.resolve(process.argv[baselineArg + 1], 'index.js') : undefined

const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim()
const scratch = mkdtempSync(path.join(tmpdir(), 'wandb-bench-'))
const wheels = path.join(scratch, 'wheels')
execFileSync(python, [
  path.join(FIXTURES, 'make_wheel.py'),
  wheels,
  'wandb',
  '0.30.0',
  path.join(FAKE_SDK, 'wandb'),
  path.join(FAKE_SDK, 'job.py')
])
const pipEnv = { PIP_CONFIG_FILE: '/dev/null', PIP_NO_INDEX: '1', PIP_FIND_LINKS: wheels, PIP_DISABLE_PIP_VERSION_CHECK: '1' }

function timed(command, args, env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: scratch })
    let stdout = ''
    child.stdout.on('data', (c) => (stdout += c))
    child.stderr.on('data', () => {})
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, ms: Number(process.hrtime.bigint() - started) / 1e6 }))
  })
}

async function action(extraEnv, inputs = {}, entry = ACTION) {
  const dir = mkdtempSync(path.join(scratch, 'run-'))
  const files = { GITHUB_OUTPUT: path.join(dir, 'out'), GITHUB_STATE: path.join(dir, 'state'), GITHUB_STEP_SUMMARY: path.join(dir, 'sum') }
  for (const f of Object.values(files)) writeFileSync(f, '')
  const count = path.join(dir, 'pythons.jsonl')
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    RUNNER_TEMP: dir,
    GITHUB_WORKSPACE: dir,
    ...files,
    ...pipEnv,
    PYTHONPATH: path.join(FIXTURES, 'count'),
    COUNT_PYTHON_FILE: count,
    INPUT_API_KEY: 'fake0123456789abcdef0123456789abcdef0key',
    INPUT_JOB: 'ent/proj/ok:latest',
    INPUT_RESOURCE: 'local-process',
    INPUT_PYTHON: python,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...extraEnv
  }
  const result = await timed(NODE24, [entry], env)
  if (result.code !== 0) throw new Error(`the action failed:\n${result.stdout}`)
  const pythons = existsSync(count)
    ? readFileSync(count, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .filter((p) => !String(p.argv[0]).endsWith('job.py'))
    : []
  const setup = [...result.stdout.matchAll(/ in (\d+\.\d)s\n::endgroup::/g)].map((m) => Number(m[1]) * 1000)
  return { ms: result.ms, pythons: pythons.length, setupMs: setup.at(-1) ?? 0 }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const fmt = (ms) => `${(ms / 1000).toFixed(3)} s`

async function repeat(n, fn) {
  const out = []
  for (let i = 0; i < n; i++) out.push(await fn(i))
  return out
}

const results = {}
// Warm path: the fake SDK on PYTHONPATH stands for an installed wandb.
const warmEnv = { PYTHONPATH: `${path.join(FIXTURES, 'count')}${path.delimiter}${FAKE_SDK}` }
await action(warmEnv) // one untimed run: file caches, Python bytecode
// Interleaved with the baseline, if any, so that both see the same machine load.
const warm = []
const baseline = BASELINE ? [] : undefined
for (let i = 0; i < RUNS; i++) {
  warm.push(await action(warmEnv))
  if (baseline) baseline.push(await action(warmEnv, {}, BASELINE))
}
const floorEnv = { PATH: process.env.PATH, HOME: process.env.HOME, PYTHONPATH: FAKE_SDK }
const floor = await repeat(RUNS, async () => {
  const node = await timed(NODE24, ['-e', ''], floorEnv)
  const py = await timed(python, ['-c', 'import wandb'], floorEnv)
  return node.ms + py.ms
})
results.warm = median(warm.map((r) => r.ms))
results.startup = median(await repeat(RUNS, async () => (await timed(NODE24, [ACTION], { PATH: process.env.PATH })).ms))
results.floor = median(floor)
results.pythons = Math.max(...warm.map((r) => r.pythons))

// Not installed: a fresh tool cache every time, then the same tool cache again.
const installRuns = Math.max(3, Math.ceil(RUNS / 2))
const fresh = await repeat(installRuns, async () => {
  const cache = mkdtempSync(path.join(scratch, 'toolcache-'))
  const r = await action({ RUNNER_TOOL_CACHE: cache })
  rmSync(cache, { recursive: true, force: true })
  return r
})
const toolCache = mkdtempSync(path.join(scratch, 'toolcache-'))
await action({ RUNNER_TOOL_CACHE: toolCache })
const reuse = await repeat(RUNS, () => action({ RUNNER_TOOL_CACHE: toolCache }))

console.log(`wandb-launch-action SDK setup benchmark (medians; ${RUNS} runs, ${installRuns} for fresh installs)`)
console.log(
  `Python ${execFileSync(python, ['-c', 'import sys; print(sys.version.split()[0])'], { encoding: 'utf8' }).trim()} at ${python}; fake SDK; pip from a local wheel folder`
)
console.log('')
console.log('warm path (wandb already installed):')
console.log(`  action wall time                      ${fmt(results.warm)}`)
console.log(`  floor: node -e '' + python -c 'import wandb'  ${fmt(results.floor)}`)
console.log(`  ratio action / floor                  ${(results.warm / results.floor).toFixed(2)}`)
if (baseline) console.log(`  baseline build (${path.relative(process.cwd(), BASELINE)})  ${fmt(median(baseline.map((r) => r.ms)))}`)
console.log(`  action start-up alone: node dist/index.js with no inputs  ${fmt(results.startup)}`)
console.log(`  Python processes spawned by the action ${results.pythons} (the launched job's own not counted)`)
console.log('')
console.log('setup ("Set up W&B SDK" group time / whole action wall time):')
console.log(
  `  existing install (found)   ${fmt(median(warm.map((r) => r.setupMs)))} / ${fmt(results.warm)}  (${median(warm.map((r) => r.pythons))} Python process)`
)
console.log(
  `  tool cache (reused venv)   ${fmt(median(reuse.map((r) => r.setupMs)))} / ${fmt(median(reuse.map((r) => r.ms)))}  (${median(reuse.map((r) => r.pythons))} Python processes)`
)
console.log(
  `  fresh install (pip)        ${fmt(median(fresh.map((r) => r.setupMs)))} / ${fmt(median(fresh.map((r) => r.ms)))}  (${median(fresh.map((r) => r.pythons))} Python processes)`
)
rmSync(scratch, { recursive: true, force: true })

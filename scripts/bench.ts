// `npm run bench`: what a launch and a job's output cost through the bundled action with the real
// wandb 0.30.0 against the local backend (test/backend), side by side in one run, medians of
// interleaved rounds (so a machine that speeds up or slows down affects every column alike):
// - the import floor, `python -c 'import wandb.sdk.launch'`; the action's warm launch of
//   ent/proj/myjob (local-process); the SDK's own launch() called directly (bench_sdk_launch.py);
// - job output of 0, 5 and 50 MB (100-byte lines, test/helpers/print_job.py) through the action
//   against the same command run plainly: wall time, the bridge's CPU and peak RSS (read from
//   /proc while it runs), and the job's lines counted and hashed on both sides;
// - queue mode (one run, default polling): requests per minute while waiting, and how long after
//   the run's end (the backend's oplog) the action has noticed it;
// - a fresh runner (no wandb, empty tool cache), as every GitHub-hosted job is: the SDK setup
//   with a fresh install (a cache miss, then the save) against the virtualenv restored from the
//   Actions cache (the local v2 service of test/helpers/cache-service.ts); pip installs the fake
//   SDK's wheels here (no package index), so the install column is a floor of a real one.
// Options: --runs N (default 3). Needs the real SDK: `npm test -- contract` provides it once.
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import path from 'node:path'
import { ROOT, startAction } from '../test/helpers/action.js'
import { BACKEND_KEY, REAL_PYTHON, realSdkEnv, startBackend, type Backend, readOplog } from '../test/helpers/backend.js'
import { PRINT_JOB, printJob } from '../test/helpers/print-job.js'
import { proc, processes } from '../test/helpers/procs.js'
import { startCacheService } from '../test/helpers/cache-service.js'
import { baseVenv, buildWheels, runSetup } from '../test/setup/setup-helpers.js'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'

const runsArg = process.argv.indexOf('--runs')
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3
const OUTPUT_MB = [0, 5, 50]
const LINE = 100
const TICK = 100 // clock ticks per second in /proc/<pid>/stat on Linux

if (!existsSync(REAL_PYTHON)) {
  console.error('Run `npm test -- contract` once first: it provides the real SDK in .cache/.')
  process.exit(1)
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
const seconds = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e9

/** The job's numbered lines in a text: how many, and a hash of them in order. */
function jobLines(text: string): { count: number; sha: string } {
  const hash = createHash('sha256')
  let count = 0
  for (const line of text.split('\n')) {
    if (line.length === LINE - 1 && /^\d+$/.test(line)) {
      hash.update(line + '\n')
      count++
    }
  }
  return { count, sha: hash.digest('hex').slice(0, 12) }
}

/** Polls /proc for the bridge (dist/bridge/launch_bridge.py below `root`): its CPU seconds and peak RSS. */
function watchBridge(root: () => number | undefined): () => { cpu: number; rssMb: number } {
  let cpu = 0
  let rssMb = 0
  let bridge: number | undefined
  const look = (): void => {
    const parent = root()
    if (parent === undefined) return
    bridge ??= processes().find((p) => p.ppid === parent && p.cmdline.includes('launch_bridge.py'))?.pid
    if (bridge === undefined) return
    const reading = proc(bridge)
    if (!reading) return // it has ended: the last reading stands (at most one poll interval short)
    cpu = reading.cpuTicks / TICK
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${bridge}/status`, 'utf8'))
      if (hwm) rssMb = Number(hwm[1]) / 1024
    } catch {
      // ended between the two reads
    }
  }
  const timer = setInterval(look, 20)
  return () => {
    clearInterval(timer)
    return { cpu, rssMb }
  }
}

// The jobs' `python` is the benchmark's interpreter, first on PATH as actions/setup-python leaves
// it on a GitHub runner; where `python` is a version manager's shim (pyenv: ~0.15 s per start),
// a job's start would otherwise weigh on the action's column and not on the import floor's.
const env = { ...realSdkEnv(), WANDB_API_KEY: BACKEND_KEY, PATH: `${path.dirname(REAL_PYTHON)}${path.delimiter}${process.env.PATH}` }

async function actionLaunch(backend: Backend, inputs: Record<string, string> = {}) {
  let child: number | undefined
  const stop = watchBridge(() => child)
  const run = await startAction({
    fake: false,
    inputs: {
      job: 'ent/proj/myjob:latest',
      resource: 'local-process',
      python: REAL_PYTHON,
      base_url: backend.url,
      entity: 'ent',
      project: 'proj',
      ...inputs
    },
    env,
    onStart: (c) => (child = c.pid),
    timeoutMs: 600_000
  })
  const bridge = stop()
  if (run.code !== 0) throw new Error(`the action failed:\n${run.stdout.slice(-3000)}`)
  return { seconds: run.seconds, ...bridge, lines: jobLines(run.stdout) }
}

function importFloor(): number {
  const started = process.hrtime.bigint()
  const r = spawnSync(REAL_PYTHON, ['-c', 'import wandb.sdk.launch'], { env: { ...process.env, ...env } })
  if (r.status !== 0) throw new Error(String(r.stderr))
  return seconds(started)
}

function sdkLaunch(backend: Backend): number {
  const started = process.hrtime.bigint()
  const r = spawnSync(REAL_PYTHON, [path.join(ROOT, 'scripts', 'bench_sdk_launch.py')], {
    env: { ...process.env, ...env, WANDB_BASE_URL: backend.url },
    cwd: ROOT,
    timeout: 120_000
  })
  if (r.status !== 0) throw new Error(`the SDK's launch() failed:\n${String(r.stderr).slice(-2000)}`)
  return seconds(started)
}

function plain(mb: number): Promise<{ seconds: number; lines: { count: number; sha: string } }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn(REAL_PYTHON, [PRINT_JOB, 'lines', String((mb * 1e6) / LINE), String(LINE)], {
      stdio: ['ignore', 'pipe', 'inherit']
    })
    const chunks: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => chunks.push(c))
    child.on('error', reject)
    child.on('close', () => resolve({ seconds: seconds(started), lines: jobLines(Buffer.concat(chunks).toString('utf8')) }))
  })
}

/** One queued run of slowjob (30 s once claimed): requests while it runs, and the notice delay. */
async function queueRun() {
  const backend = await startBackend({ agentDelay: 2, env: { HARNESS_SLEEP: '30' } })
  try {
    const run = await startAction({
      fake: false,
      inputs: {
        job: 'ent/proj/slowjob:latest',
        queue: 'q',
        run_id: 'bench-q',
        python: REAL_PYTHON,
        base_url: backend.url,
        entity: 'ent',
        project: 'proj'
      },
      env,
      timeoutMs: 300_000
    })
    const ended = Date.now() / 1000
    if (run.code !== 0) throw new Error(`the queued run failed:\n${run.stdout.slice(-3000)}`)
    const ops = readOplog(backend)
    const running = ops.find((op) => op.kind === 'agent' && op.to === 'running')
    const finished = ops.find((op) => op.kind === 'agent' && op.to === 'finished')
    if (!running || !finished) throw new Error('the backend logged no running and finished states for the queued run')
    const push = ops.findIndex((op) => op.op === 'pushToRunQueueByName')
    const graphql = ops.filter((op, i) => op.kind === 'graphql' && i > push)
    const waiting = graphql.filter((op) => op.ts >= running.ts && op.ts <= finished.ts)
    const setUp = graphql.filter((op) => ['GetDefaultEntity', 'Viewer', 'ServerFeaturesQuery'].includes(op.op ?? ''))
    return {
      perMinute: (waiting.length * 60) / (finished.ts - running.ts),
      // the action's end is the bound: it noticed the end at most that long after
      notice: ended - finished.ts,
      setUp: setUp.length
    }
  } finally {
    await backend.stop()
  }
}

/** A fresh runner's setup: fresh installs (each against an empty cache) and restores, interleaved. */
async function freshRunners() {
  const wheels = buildWheels(['0.30.0'])
  const bare = baseVenv(wheels, [])
  const inputs = {
    api_key: BACKEND_KEY,
    resource: 'local-process',
    job: 'ent/proj/ok:latest',
    entity: 'ent',
    project: 'proj',
    python: bare
  }
  const filled = await startCacheService()
  // Every hosted runner has its tool cache at the same path (the cache version hashes it): emptied.
  const toolCache = mkdtempSync(path.join(tmpdir(), 'bench-runner-'))
  const fresh = () => {
    rmSync(toolCache, { recursive: true, force: true })
    mkdirSync(toolCache, { recursive: true })
    return toolCache
  }
  const install: number[] = []
  const restore: number[] = []
  try {
    await runSetup(wheels, fresh(), { inputs, env: filled.env('v2') }) // fills the cache
    for (let i = 0; i < RUNS; i++) {
      const empty = await startCacheService()
      try {
        const run = await runSetup(wheels, fresh(), { inputs, env: empty.env('v2') })
        if (run.code !== 0 || !/freshly installed/.test(run.stdout))
          throw new Error(`the fresh install failed:\n${run.stdout.slice(-2000)}`)
        install.push(run.seconds)
      } finally {
        await empty.stop()
      }
      const run = await runSetup(wheels, fresh(), { inputs, env: filled.env('v2') })
      if (run.code !== 0 || !/restored from the Actions cache/.test(run.stdout))
        throw new Error(`the restore failed:\n${run.stdout.slice(-2000)}`)
      restore.push(run.seconds)
    }
  } finally {
    await filled.stop()
  }
  return { install, restore }
}

const backend = await startBackend()
try {
  const floor: number[] = []
  const warm: number[] = []
  const direct: number[] = []
  const out = new Map(
    OUTPUT_MB.map((mb) => [
      mb,
      { action: [] as number[], plain: [] as number[], cpu: [] as number[], rss: [] as number[], same: true, detail: '' }
    ])
  )
  await actionLaunch(backend) // first launch of the session: compiles .pyc, warms the page cache
  for (let i = 0; i < RUNS; i++) {
    floor.push(importFloor())
    warm.push((await actionLaunch(backend)).seconds)
    direct.push(sdkLaunch(backend))
    for (const mb of OUTPUT_MB) {
      const o = out.get(mb)!
      const p = await plain(mb)
      const a = await actionLaunch(backend, { entry_point: printJob(REAL_PYTHON, 'lines', String((mb * 1e6) / LINE), String(LINE)) })
      o.plain.push(p.seconds)
      o.action.push(a.seconds)
      o.cpu.push(a.cpu)
      o.rss.push(a.rssMb)
      const equal = p.lines.count === a.lines.count && p.lines.sha === a.lines.sha
      o.same &&= equal
      o.detail = `${a.lines.count} lines, sha256 ${a.lines.sha}${equal ? '' : ` (plain: ${p.lines.count} lines, sha256 ${p.lines.sha})`}`
    }
  }
  const q = await queueRun()
  const runners = await freshRunners()

  const f = median(floor)
  const s = (x: number) => `${x.toFixed(2)} s`
  console.log(`wandb-launch-action bench: real wandb 0.30.0, local backend; medians of ${RUNS} interleaved rounds`)
  console.log(
    `machine: ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} at the end; the jobs' python: ${path.dirname(REAL_PYTHON)} first on PATH`
  )
  console.log('')
  // Each round's own ratio as well: the floor and the launch beside it saw the same machine.
  const paired = (xs: number[]): string => {
    const r = xs.map((x, i) => x / floor[i]!)
    return `${median(r).toFixed(2)} (${Math.min(...r).toFixed(2)} to ${Math.max(...r).toFixed(2)})`
  }
  console.log('| launch of ent/proj/myjob (local-process) | median | vs import floor: ratio of medians | per round: median (range) |')
  console.log('| --- | --- | --- | --- |')
  console.log(
    `| import floor: \`python -c 'import wandb.sdk.launch'\` | ${s(f)} (${s(Math.min(...floor))} to ${s(Math.max(...floor))}) | 1.00 | 1.00 |`
  )
  console.log(
    `| the action, warm (Node start, SDK check and import, launch, job, wait, report) | ${s(median(warm))} | ${(median(warm) / f).toFixed(2)} | ${paired(warm)} |`
  )
  console.log(
    `| the SDK's own launch(synchronous=True), called directly (no-image builder patched in) | ${s(median(direct))} | ${(median(direct) / f).toFixed(2)} | ${paired(direct)} |`
  )
  console.log('')
  console.log('| job output | plain command | through the action | bridge CPU | bridge peak RSS | job lines (count, checksum) |')
  console.log('| --- | --- | --- | --- | --- | --- |')
  for (const mb of OUTPUT_MB) {
    const o = out.get(mb)!
    console.log(
      `| ${mb} MB | ${s(median(o.plain))} | ${s(median(o.action))} | ${s(median(o.cpu))} | ${median(o.rss).toFixed(0)} MB | ${o.same ? 'equal' : 'DIFFERENT'}: ${o.detail} |`
    )
  }
  console.log('')
  console.log('| queue mode (one run, default polling) | |')
  console.log('| --- | --- |')
  console.log(`| requests per minute while the run runs | ${q.perMinute.toFixed(1)} |`)
  console.log(`| end of the run to the action's end (upper bound of the notice delay) | ${s(q.notice)} |`)
  console.log(`| Viewer / GetDefaultEntity / ServerFeaturesQuery after the push | ${q.setUp} |`)
  console.log('')
  console.log('| a fresh runner (no wandb, empty tool cache): the whole step, fake SDK wheels | median | range |')
  console.log('| --- | --- | --- |')
  const range = (xs: number[]) => `${s(Math.min(...xs))} to ${s(Math.max(...xs))}`
  console.log(`| fresh install (cache miss, install, save) | ${s(median(runners.install))} | ${range(runners.install)} |`)
  console.log(
    `| virtualenv restored from the Actions cache (local v2 service) | ${s(median(runners.restore))} | ${range(runners.restore)} |`
  )
} finally {
  await backend.stop()
}

// `npm run bench:contract`: the wall time of a launch of ent/proj/myjob through the bundled action
// with the real SDK against the local backend, next to the floor every launch pays:
// `python -c 'import wandb.sdk.launch'` with the same interpreter. Medians of repeated runs.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { startAction } from '../test/helpers/action.js'
import { BACKEND_KEY, REAL_PYTHON, realSdkEnv, startBackend } from '../test/helpers/backend.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 7)

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

if (!existsSync(REAL_PYTHON)) {
  console.error('Run `npm test -- contract` once first: it builds the real SDK virtualenv.')
  process.exit(1)
}
const backend = await startBackend()
try {
  const importFloor = (): number => {
    const started = process.hrtime.bigint()
    const r = spawnSync(REAL_PYTHON, ['-c', 'import wandb.sdk.launch'], { env: { ...process.env, ...realSdkEnv() } })
    if (r.status !== 0) throw new Error(String(r.stderr))
    return Number(process.hrtime.bigint() - started) / 1e9
  }
  const launch = async (extraEnv: Record<string, string>): Promise<number> => {
    const run = await startAction({
      fake: false,
      inputs: { job: 'ent/proj/myjob:latest', resource: 'local-process', python: REAL_PYTHON, base_url: backend.url, entity: 'ent', project: 'proj' },
      env: { ...realSdkEnv(), WANDB_API_KEY: BACKEND_KEY, ...extraEnv }
    })
    if (run.code !== 0) throw new Error(`launch failed:\n${run.stdout}`)
    return run.seconds
  }
  // Interleaved, so that a machine that speeds up or slows down affects all three alike.
  const floor: number[] = []
  const action: number[] = []
  const fullImport: number[] = []
  for (let i = 0; i < RUNS; i++) {
    floor.push(importFloor())
    action.push(await launch({}))
    fullImport.push(await launch({ WANDB_LAUNCH_ACTION_FULL_IMPORT: '1' }))
  }
  const f = median(floor)
  const a = median(action)
  const full = median(fullImport)
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' ')
  console.log(`runs: ${RUNS}`)
  console.log(`floor  python -c 'import wandb.sdk.launch': median ${f.toFixed(2)}s  (${fmt(floor)})`)
  console.log(`action launch of ent/proj/myjob (local-process):  median ${a.toFixed(2)}s  (${fmt(action)})  ratio ${(a / f).toFixed(2)}`)
  console.log(`same, without skipping pydantic field docstrings:  median ${full.toFixed(2)}s  (${fmt(fullImport)})  ratio ${(full / f).toFixed(2)}`)
} finally {
  await backend.stop()
}

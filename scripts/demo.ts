// `npm run demo`: the action's main job, as a newcomer wants to see it, on this machine alone.
// It provides the real W&B SDK as the tests do (scripts/real-sdk.mjs: into .cache/ once), starts
// the local W&B backend (test/backend), loads the action from action.yml as GitHub's runner does
// (test/helpers/action.ts runs dist/index.js under Node 24 with INPUT_* and the runner's files),
// and launches `metricjob`, a job that logs eval/acc and loss over a few steps, with a gate on
// eval/acc. It prints the step's log as it runs, then its outputs and its job summary, which it
// also writes as an HTML file to open in a browser. Every wait has a deadline; Ctrl-C stops the
// step and the backend and exits.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { Marked } from 'marked'
import { ROOT, startAction } from '../test/helpers/action.js'
import { BACKEND_KEY, REAL_PYTHON, realSdkEnv, startBackend, type Backend } from '../test/helpers/backend.js'
import { provideWandb030 } from './real-sdk.mjs'

const STEP_SECONDS = 180
const say = (text: string) => process.stdout.write(`\x1b[1m${text}\x1b[0m\n`)

process.chdir(ROOT) // the SDK is provided into .cache/ of the checkout
say('1/4 The real W&B SDK (wandb 0.30.0) ...')
const started = Date.now()
const sdk = provideWandb030()
if (!sdk.ok) {
  console.error(
    `The real W&B SDK could not be provided here (${sdk.reason}); with PyPI reachable, \`npm run demo\` installs wandb==0.30.0 into .cache/wandb-venv itself (or run \`npm test -- contract\` once).`
  )
  process.exit(1)
}
console.log(`    ${path.relative(ROOT, REAL_PYTHON)} (${((Date.now() - started) / 1000).toFixed(0)} s)`)

let backend: Backend | undefined
let step: ChildProcess | undefined
let stopping = false
async function cleanUp(): Promise<void> {
  if (step && step.exitCode === null) step.kill('SIGTERM') // the action cancels the run and exits
  await backend?.stop()
}
process.on('SIGINT', () => {
  if (stopping) return
  stopping = true
  console.log('\nInterrupted: stopping the step and the backend ...')
  const forced = setTimeout(() => process.exit(130), 10_000) // cancel ends in seconds; this bounds it
  forced.unref()
  void cleanUp().then(() => process.exit(130))
})

try {
  say('2/4 The local W&B backend (test/backend) ...')
  backend = await startBackend({ entrypoint: REAL_PYTHON })
  console.log(`    ${backend.url}`)

  say('3/4 The action, loaded from action.yml as the runner loads it: launching ent/proj/metricjob with a gate')
  const inputs = {
    job: 'ent/proj/metricjob:latest',
    resource: 'local-process',
    python: REAL_PYTHON,
    base_url: backend.url,
    entity: 'ent',
    project: 'proj',
    config: JSON.stringify({ overrides: { run_config: { metrics: { 'eval/acc': 0.93, loss: 0.25 }, steps: 5, seconds_per_step: 0.3 } } }),
    gates: 'eval/acc >= 0.9'
  }
  for (const [name, value] of Object.entries(inputs)) console.log(`    with.${name}: ${value}`)
  console.log("---- the step's log ----")
  let shown = 0
  let pending = ''
  let resume: string | undefined // the token that ends a stop-commands stretch
  /** A line of the step's output as GitHub's log view shows it: workflow commands obeyed, not printed. */
  const show = (line: string): void => {
    if (resume !== undefined) {
      if (line === `::${resume}::`) resume = undefined
      else console.log(line)
      return
    }
    const command = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line)
    if (!command) return console.log(line)
    const [, name, text] = command as unknown as [string, string, string]
    if (name === 'stop-commands') resume = text
    else if (name === 'group') console.log(`\x1b[36m▸ ${text}\x1b[0m`)
    else if (['error', 'warning', 'notice'].includes(name))
      console.log(`${name[0]!.toUpperCase()}${name.slice(1)}: ${text.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%')}`)
    // endgroup, add-mask, debug, save-state ...: obeyed by the runner, not shown
  }
  const run = await startAction({
    fake: false,
    inputs,
    env: { ...realSdkEnv(), WANDB_API_KEY: BACKEND_KEY },
    timeoutMs: STEP_SECONDS * 1000,
    onStart: (child) => (step = child),
    onStdout: (text) => {
      const lines = (pending + text.slice(shown)).split('\n')
      shown = text.length
      pending = lines.pop() ?? ''
      lines.forEach(show)
    }
  })
  if (pending) show(pending)
  if (run.stderr.trim()) process.stdout.write(run.stderr)
  console.log(
    `---- the step ended: exit code ${run.code}${run.signal ? ` (${run.signal}: over ${STEP_SECONDS} s)` : ''} in ${run.seconds.toFixed(1)} s ----`
  )

  say('4/4 Its outputs and job summary')
  for (const [name, value] of Object.entries(run.outputs))
    console.log(`  ${name}=${value.length > 160 ? `${value.slice(0, 157)}...` : value}`)
  console.log('---- the job summary (GITHUB_STEP_SUMMARY) ----')
  console.log(run.summary.trim())
  const html = path.join(ROOT, '.cache', 'demo-summary.html')
  const body = await new Marked({ gfm: true }).parse(run.summary)
  writeFileSync(
    html,
    `<!doctype html><meta charset="utf-8"><title>wandb-launch-action: job summary</title>` +
      `<style>body{font:15px/1.5 -apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:960px;margin:2em auto;padding:0 1em}` +
      `table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:4px 10px}code{background:#f6f8fa;padding:0 4px}</style>\n${body}`
  )
  console.log(`---- written as HTML: ${html} ----`)
  say(
    run.code === 0
      ? `The run ${run.outputs.run_id} finished and passed its gate.`
      : `The step failed (exit code ${run.code}): see its log above.`
  )
  process.exitCode = run.code === 0 ? 0 : 1
} finally {
  if (!stopping) await cleanUp()
}

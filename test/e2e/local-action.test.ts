// The contributor's loop of the README's Development section: `npx @github/local-action . src/main.ts
// .env` with the repository's .env.example, run once. With the real SDK provided (.cache/wandb-venv,
// as the contract tier leaves it) it runs against the local W&B backend as the example says; else
// the same .env with the fake SDK (test/fake-sdk) in its place. local-action runs src/main.ts
// itself, through its own stand-ins for @actions/core 2 and @actions/github (we build on core 3):
// the outputs come back as ::set-output lines, the summary in GITHUB_STEP_SUMMARY.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { FAKE_SDK, ROOT } from '../helpers/action.js'
import { REAL_PYTHON, REAL_VENV, realSdkEnv, startBackend, type Backend } from '../helpers/backend.js'

const LOCAL_ACTION = path.join(ROOT, 'node_modules', '.bin', 'local-action')
const real = existsSync(path.join(REAL_VENV, '.ready'))

/** The .env.example of the repository, each line kept unless `change` gives it another value. */
function envFile(change: Record<string, string | undefined>): string {
  const lines = readFileSync(path.join(ROOT, '.env.example'), 'utf8').split('\n')
  const seen = new Set<string>()
  const out = lines.flatMap((line) => {
    const name = /^([A-Z_]+)=/.exec(line)?.[1]
    if (!name || !(name in change)) return [line]
    seen.add(name)
    return change[name] === undefined ? [] : [`${name}=${change[name]}`]
  })
  for (const [name, value] of Object.entries(change)) if (!seen.has(name) && value !== undefined) out.push(`${name}=${value}`)
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'local-action-')), '.env')
  writeFileSync(file, out.join('\n'))
  return file
}

function localAction(env: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(LOCAL_ACTION, ['.', 'src/main.ts', env], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' }
    })
    let stdout = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c))
    child.stderr.on('data', (c: Buffer) => (stdout += c))
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout })
    })
  })
}

describe(`npx @github/local-action . src/main.ts .env (${real ? 'the real SDK against the local W&B backend' : 'the fake SDK: no real SDK in .cache/'})`, () => {
  let backend: Backend | undefined
  let run: { code: number | null; stdout: string }
  let summary: string
  before(async () => {
    summary = path.join(mkdtempSync(path.join(tmpdir(), 'local-action-summary-')), 'summary.md')
    if (real) {
      backend = await startBackend({ entrypoint: REAL_PYTHON })
      run = await localAction(
        envFile({
          INPUT_BASE_URL: backend.url,
          INPUT_PYTHON: REAL_PYTHON,
          GITHUB_STEP_SUMMARY: summary,
          PYTHONPATH: realSdkEnv().PYTHONPATH
        })
      )
    } else {
      run = await localAction(
        envFile({
          INPUT_JOB: 'ent/proj/ok:latest',
          INPUT_BASE_URL: undefined,
          INPUT_GATES: undefined,
          INPUT_PYTHON: 'python3',
          PYTHONPATH: FAKE_SDK,
          PATH: `${path.join(FAKE_SDK, 'bin')}${path.delimiter}${process.env.PATH}`,
          WANDB_LAUNCH_ACTION_NO_PROBE: '1', // the fake SDK plays the server in-process
          GITHUB_STEP_SUMMARY: summary
        })
      )
    }
  })
  after(async () => backend?.stop())

  it('runs src/main.ts to a finished run, with its outputs and job summary', () => {
    assert.equal(run.code, 0, run.stdout)
    assert.match(run.stdout, /Running Action/)
    assert.match(run.stdout, /^::set-output name=run_id::[0-9a-z]{8}$/m)
    assert.match(run.stdout, /^::set-output name=state::finished$/m)
    if (real) assert.match(run.stdout, /^::set-output name=gates_passed::true$/m)
    assert.doesNotMatch(run.stdout, /::error::/)
    assert.match(readFileSync(summary, 'utf8'), /<h3>W&amp;B Launch<\/h3>/)
  })
})

// Runs the bundled action (dist/index.js) as a real process under Node 24, the action's
// runtime, with INPUT_* variables and fresh GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY
// files, as the runner does.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const ACTION = path.join(ROOT, 'dist', 'index.js')
export const NODE24 = path.join(ROOT, 'node_modules', '.bin', 'node')
export const FAKE_SDK = path.join(ROOT, 'test', 'fake-sdk')
export const TEST_KEY = 'fake0123456789abcdef0123456789abcdef0key'

export interface ActionRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** What the fake SDK recorded, one object per call. */
  calls: Array<Record<string, unknown> & { call: string }>
  /** What each fake job wrote about itself, by run ID. */
  jobs: Record<string, { pid: number; pgid: number; argv: string[]; env: Record<string, string> }>
  dir: string
  seconds: number
}

export interface ActionOptions {
  inputs?: Record<string, string>
  env?: Record<string, string | undefined>
  /** Use the fake SDK (default) or leave PYTHONPATH and PATH as given. */
  fake?: boolean
  /** Called once the process has started, e.g. to signal it. */
  onStart?: (child: ChildProcess, dir: string) => void
  /** Called for every chunk the action prints. */
  onStdout?: (text: string, child: ChildProcess) => void
  timeoutMs?: number
}

export function startAction(options: ActionOptions = {}): Promise<ActionRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wandb-launch-test-'))
  const files = {
    GITHUB_OUTPUT: path.join(dir, 'output'),
    GITHUB_STATE: path.join(dir, 'state'),
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary')
  }
  for (const file of Object.values(files)) writeFileSync(file, '')
  const jobsDir = path.join(dir, 'jobs')
  const fake = options.fake ?? true
  const env: Record<string, string | undefined> = {
    PATH: fake ? `${path.join(FAKE_SDK, 'bin')}${path.delimiter}${process.env.PATH}` : process.env.PATH,
    HOME: process.env.HOME,
    RUNNER_TEMP: dir,
    RUNNER_TOOL_CACHE: path.join(dir, 'toolcache'),
    GITHUB_WORKSPACE: dir,
    // Should a test reach the SDK install, pip sees no index and no machine configuration:
    // it fails at once instead of waiting on the network (tests that install set their own).
    PIP_CONFIG_FILE: '/dev/null',
    PIP_NO_INDEX: '1',
    ...files,
    ...(fake
      ? {
          PYTHONPATH: FAKE_SDK,
          FAKE_WANDB_RECORD: path.join(dir, 'calls.jsonl'),
          FAKE_WANDB_JOB_DIR: jobsDir
        }
      : {}),
    ...options.env
  }
  // "{dir}" in a value stands for this run's temporary folder (absolute)
  for (const [name, value] of Object.entries(env)) env[name] = value?.replaceAll('{dir}', dir)
  for (const [name, value] of Object.entries(options.inputs ?? {})) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  mkdirSync(jobsDir, { recursive: true })
  const started = Date.now()
  const child = spawn(NODE24, [ACTION], { env: clean(env), cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk
    options.onStdout?.(stdout, child)
  })
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk))
  options.onStart?.(child, dir)
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({
        code,
        signal,
        stdout,
        stderr,
        outputs: parseOutputs(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
        summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
        calls: readJsonLines(path.join(dir, 'calls.jsonl')),
        jobs: readJobs(jobsDir),
        dir,
        seconds: (Date.now() - started) / 1000
      })
    })
  })
}

function clean(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>
}

/** GITHUB_OUTPUT as @actions/core writes it: name<<DELIMITER, value lines, DELIMITER. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '')
    if (!match) continue
    const [, name, delimiter] = match
    const value: string[] = []
    while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i] ?? '')
    outputs[name as string] = value.join('\n')
  }
  return outputs
}

function readJsonLines(file: string): ActionRun['calls'] {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
}

function readJobs(dir: string): ActionRun['jobs'] {
  if (!existsSync(dir)) return {}
  const jobs: ActionRun['jobs'] = {}
  for (const name of readdirSync(dir)) {
    const match = /^(?:job|env-[^-]+)-(.+)\.json$/.exec(name)
    if (match) jobs[match[1] as string] = JSON.parse(readFileSync(path.join(dir, name), 'utf8'))
  }
  return jobs
}

/** The ::error:: annotations the action printed. */
export function errors(run: ActionRun): string[] {
  return [...run.stdout.matchAll(/^::error::(.*)$/gm)].map((m) =>
    (m[1] as string).replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
  )
}

/** True while any process with that id is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Polls until check() returns a value other than undefined, or throws after timeoutMs. */
export async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const value = check()
    if (value !== undefined) return value
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** The dump a fake or harness job wrote about itself, once it has. */
export function jobDump(dir: string, runId: string): { pid: number; pgid: number; env: Record<string, string> } | undefined {
  for (const name of [`jobs/job-${runId}.json`]) {
    const file = path.join(dir, name)
    if (existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, 'utf8'))
      } catch {
        return undefined // still being written
      }
    }
  }
  return undefined
}

// Runs the action the way GitHub's runner does: action.yml is loaded with a strict YAML parser
// (a parse error or a duplicate key fails the test, as GitHub would refuse the action), its
// `runs.main` is started under the Node version `runs.using` names, every INPUT_* comes from the
// test's value or else action.yml's `default`, fresh GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV /
// GITHUB_PATH / GITHUB_STEP_SUMMARY files are handed over, and outputs are read back from them
// as the runner parses them. A `post:` step, if action.yml has one, runs with the saved state.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { NoOperationTraceWriter } from '@actions/workflow-parser'
import { convertActionTemplate, parseAction } from '@actions/workflow-parser/actions/index'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'
import YAML from 'yaml'
import { checkActionMetadata } from '../../scripts/action-metadata.js'
import { checkActionSchema } from '../../scripts/action-schema.js'
import { tokenString } from './expressions.js'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const ACTION_YML = path.join(ROOT, 'action.yml')
const NODE24 = path.join(ROOT, 'node_modules', '.bin', 'node')
export const FAKE_SDK = path.join(ROOT, 'test', 'fake-sdk')
export const TEST_KEY = 'fake0123456789abcdef0123456789abcdef0key'

interface ActionInput {
  description: string
  required?: boolean
  default?: string
}
export interface ActionManifest {
  name: string
  description: string
  author?: string
  branding?: { icon: string; color: string }
  inputs: Record<string, ActionInput>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string; pre?: string; post?: string; 'pre-if'?: string; 'post-if'?: string }
  /** Each input's default as GitHub's action parser reads it (an expression token or a literal). */
  defaultTokens: Record<string, TemplateToken | undefined>
}

/**
 * action.yml as GitHub reads it, with the checks `npm run lint` makes (ours and GitHub's action
 * schema): a YAML error, warning or duplicate key, a key GitHub does not allow, an expression where
 * the runner refuses one, another runtime than node24 or a missing runs.main throws. `root` is where runs.main is looked for.
 */
export function loadActionManifest(file = ACTION_YML, text = readFileSync(file, 'utf8'), root = path.dirname(file)): ActionManifest {
  const problems = checkActionMetadata(text, file, root)
  // GitHub's own action schema, once the YAML is sound (its messages on broken YAML add nothing)
  if (!problems.some((p) => p.message.startsWith('YAML:'))) problems.push(...checkActionSchema(text, file))
  if (problems.length) {
    const what = problems.some((p) => p.message.startsWith('YAML:')) ? 'not valid YAML' : 'not valid action metadata'
    throw new Error(
      `${file} is ${what}, so GitHub cannot load the action:\n${problems.map((p) => `${p.line}:${p.column}: ${p.message}`).join('\n')}`
    )
  }
  const manifest = YAML.parse(text) as ActionManifest
  manifest.inputs ??= {}
  manifest.outputs ??= {}
  const parsed = parseAction({ name: file, content: text }, new NoOperationTraceWriter())
  const template = convertActionTemplate(parsed.context, parsed.value!)
  manifest.defaultTokens = Object.fromEntries((template.inputs ?? []).map((input) => [input.id, input.default]))
  return manifest
}

/** The runner's name for an input's variable: spaces become underscores, then upper case. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/** What `${{ ... }}` in an input default reads (the action schema allows github, runner, job, strategy, matrix). */
export interface DefaultContext {
  github?: { token?: string } & Record<string, unknown>
}

/** An input's default as the runner passes it: its expression evaluated by GitHub's evaluator. */
export function evaluateDefault(manifest: ActionManifest, input: string, context: DefaultContext): string {
  try {
    return tokenString(manifest.defaultTokens[input], {
      github: context.github ?? {},
      runner: { os: 'Linux', arch: 'X64' },
      job: {},
      strategy: {},
      matrix: {}
    })
  } catch (error) {
    throw new Error(`action.yml input ${input}: ${(error as Error).message}`, { cause: error })
  }
}

/**
 * The INPUT_* variables the runner sets: every declared input, from the step's `with:` or else its
 * default. An input that action.yml does not declare throws (the runner only warns, but a test
 * that names one is a test of something GitHub would not pass as documented).
 */
export function inputEnv(manifest: ActionManifest, given: Record<string, string>, context: DefaultContext = {}): Record<string, string> {
  const unknown = Object.keys(given).filter((name) => !Object.hasOwn(manifest.inputs, name))
  if (unknown.length) {
    throw new Error(
      `Unexpected input(s) ${unknown.map((n) => `'${n}'`).join(', ')}: action.yml declares ${Object.keys(manifest.inputs).join(', ')}`
    )
  }
  const env: Record<string, string> = {}
  for (const name of Object.keys(manifest.inputs)) {
    const value = Object.hasOwn(given, name) ? given[name] : evaluateDefault(manifest, name, context)
    env[inputEnvName(name)] = value as string
  }
  return env
}

/**
 * A file command file (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV) as the runner parses it: `name=value`
 * lines and `name<<DELIMITER` blocks. A malformed line throws, as the runner fails the step.
 */
export function parseFileCommand(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  if (lines.at(-1) === '') lines.pop()
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    if (line === '') continue
    const eq = line.indexOf('=')
    const heredoc = line.indexOf('<<')
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      const name = line.slice(0, eq)
      if (!name) throw new Error(`file command line ${i + 1} has an empty name: ${line}`)
      values[name] = line.slice(eq + 1)
    } else if (heredoc > 0) {
      const name = line.slice(0, heredoc)
      const delimiter = line.slice(heredoc + 2)
      if (!delimiter) throw new Error(`file command line ${i + 1}: empty delimiter`)
      const value: string[] = []
      for (i++; ; i++) {
        if (i >= lines.length) throw new Error(`file command: no closing delimiter ${delimiter} for ${name}`)
        if (lines[i] === delimiter) break
        value.push(lines[i] as string)
      }
      values[name] = value.join('\n')
    } else {
      throw new Error(`file command line ${i + 1} is neither name=value nor name<<delimiter: ${line}`)
    }
  }
  return values
}

export interface ActionRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  /** What the action saved with core.saveState (GITHUB_STATE). */
  state: Record<string, string>
  /** What the action (or anything it started) wrote for later steps: GITHUB_ENV and GITHUB_PATH. */
  laterEnv: string
  laterPath: string
  summary: string
  /** What the fake SDK recorded, one object per call. */
  calls: Array<Record<string, unknown> & { call: string }>
  /** What each fake job wrote about itself, by run ID. */
  jobs: Record<string, { pid: number; pgid: number; argv: string[]; env: Record<string, string> }>
  dir: string
  seconds: number
}

export interface ActionOptions {
  /** The step's `with:`; inputs not given take action.yml's defaults. */
  inputs?: Record<string, string>
  env?: Record<string, string | undefined>
  /** Use the fake SDK (default) or leave PYTHONPATH and PATH as given. */
  fake?: boolean
  /** GITHUB_WORKSPACE and the working directory; default: the run's temporary folder. */
  workspace?: string
  /** Values for the expressions in input defaults (`${{ github.token }}`). */
  github?: DefaultContext['github']
  /** action.yml to load (a scratch copy, for testing the loader itself). */
  /** The test feeds the action lines that are not events on purpose: do not fail on them. */
  allowBadEvents?: boolean
  actionYml?: string
  /** Called once the process has started, e.g. to signal it. */
  onStart?: (child: ChildProcess, dir: string) => void
  /** Called for every chunk the action prints. */
  onStdout?: (text: string, child: ChildProcess) => void
  timeoutMs?: number
}

export async function startAction(options: ActionOptions = {}): Promise<ActionRun> {
  const actionYml = options.actionYml ?? ACTION_YML
  const manifest = loadActionManifest(actionYml)
  const actionDir = path.dirname(actionYml)
  const dir = mkdtempSync(path.join(tmpdir(), 'wandb-launch-test-'))
  const files = {
    GITHUB_OUTPUT: path.join(dir, 'output'),
    GITHUB_STATE: path.join(dir, 'state'),
    GITHUB_ENV: path.join(dir, 'env'),
    GITHUB_PATH: path.join(dir, 'path'),
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary')
  }
  for (const file of Object.values(files)) writeFileSync(file, '')
  const jobsDir = path.join(dir, 'jobs')
  const fake = options.fake ?? true
  const workspace = options.workspace ?? dir
  const env: Record<string, string | undefined> = {
    PATH: fake ? `${path.join(FAKE_SDK, 'bin')}${path.delimiter}${process.env.PATH}` : process.env.PATH,
    HOME: process.env.HOME,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION: 'wandb-launch',
    RUNNER_OS: process.platform === 'darwin' ? 'macOS' : 'Linux',
    RUNNER_TEMP: dir,
    RUNNER_TOOL_CACHE: path.join(dir, 'toolcache'),
    GITHUB_WORKSPACE: workspace,
    // Should a test reach the SDK install, pip sees no index and no machine configuration:
    // it fails at once instead of waiting on the network (tests that install set their own).
    PIP_CONFIG_FILE: '/dev/null',
    PIP_NO_INDEX: '1',
    ...files,
    ...(fake
      ? {
          PYTHONPATH: FAKE_SDK,
          FAKE_WANDB_RECORD: path.join(dir, 'calls.jsonl'),
          // the fake SDK plays the server in-process: there is no base_url to probe
          WANDB_LAUNCH_ACTION_NO_PROBE: '1',
          FAKE_WANDB_JOB_DIR: jobsDir,
          FAKE_WANDB_RUNS_DIR: path.join(dir, 'runs')
        }
      : {}),
    ...options.env
  }
  // "{dir}" in a value stands for this run's temporary folder (absolute)
  for (const [name, value] of Object.entries(env)) env[name] = value?.replaceAll('{dir}', dir)
  Object.assign(env, inputEnv(manifest, options.inputs ?? {}, { github: options.github }))
  mkdirSync(jobsDir, { recursive: true })
  const started = Date.now()
  const deadline = started + (options.timeoutMs ?? 60_000)
  const main = await runScript(path.join(actionDir, manifest.runs.main), clean(env), workspace, deadline, options)
  let { stdout, stderr } = main
  const state = parseFileCommand(readFileSync(files.GITHUB_STATE, 'utf8'))
  if (manifest.runs.post) {
    // The runner runs post with the state main saved, as STATE_<name> variables.
    const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]))
    const post = await runScript(path.join(actionDir, manifest.runs.post), clean({ ...env, ...stateEnv }), workspace, deadline, {})
    stdout += post.stdout
    stderr += post.stderr
  }
  // Every event the bridge sent was parsed with the protocol's schema; one it refused fails the
  // test (the action itself only warns, as a user's step should not fail on it).
  const refused = stdout.split('\n').filter((line) => line.includes('not an event of its protocol'))
  if (refused.length && !options.allowBadEvents) throw new Error(`the bridge sent events the protocol refuses:\n${refused.join('\n')}`)
  return {
    code: main.code,
    signal: main.signal,
    stdout,
    stderr,
    outputs: parseFileCommand(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    state,
    laterEnv: readFileSync(files.GITHUB_ENV, 'utf8'),
    laterPath: readFileSync(files.GITHUB_PATH, 'utf8'),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    calls: readJsonLines(path.join(dir, 'calls.jsonl')),
    jobs: readJobs(jobsDir),
    dir,
    seconds: (Date.now() - started) / 1000
  }
}

interface ScriptExit {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

function runScript(
  script: string,
  env: Record<string, string>,
  cwd: string,
  deadline: number,
  hooks: Pick<ActionOptions, 'onStart' | 'onStdout'>
): Promise<ScriptExit> {
  const child = spawn(NODE24, [script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk
    hooks.onStdout?.(stdout, child)
  })
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk))
  hooks.onStart?.(child, env.RUNNER_TEMP as string)
  const timer = setTimeout(() => child.kill('SIGKILL'), Math.max(0, deadline - Date.now()))
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

function clean(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>
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

/**
 * Ends a job left running on purpose (synchronous: false), whatever the test's assertions did: it
 * waits a little for the job to have started, then kills its process group.
 */
export async function endJob(dir: string, runId: string): Promise<void> {
  const job = await waitFor(`job ${runId} to start`, () => jobDump(dir, runId), 5_000).catch(() => undefined)
  if (!job) return
  try {
    process.kill(-job.pgid, 'SIGKILL')
  } catch {
    // it has ended already
  }
}

// An emulator of one GitHub Actions job, for the workflows this repository ships and the examples
// in its docs, built on GitHub's own libraries: each workflow (and each Markdown example, wrapped
// as one) is parsed and validated by @actions/workflow-parser against GitHub's workflow schema (a
// schema error, an unknown key, a context a key may not read: the test fails with the parser's
// message and the line), and every `${{ }}` is evaluated by @actions/expressions (see
// expressions.ts) over the contexts listed in `contexts()` below, status functions included.
// What the emulator adds: the steps run in order as the runner runs them, each `uses: ./` through
// the runner emulation of action.ts (action.yml loaded as the runner loads it), each `run:` with
// bash, file commands (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH) read back between steps.
//
// Not emulated, and failing with a message that says so: other actions than this one and the
// setup actions below, `strategy` (matrix expansion; a test may give one `matrix`), `services`,
// `container`, shells other than bash. actions/checkout, actions/setup-python and
// actions/setup-node are no-ops (the workspace is already there; the machine's Python and Node
// are used, or a PATH the test gives).
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  convertWorkflowTemplate,
  isBoolean,
  isMapping,
  isSequence,
  NoOperationTraceWriter,
  parseWorkflow,
  type WorkflowTemplate
} from '@actions/workflow-parser'
import type { Job as ParsedJob, Step as ParsedStep } from '@actions/workflow-parser/model/workflow-template'
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'
import { isDocument, isSeq, parseDocument } from 'yaml'
import { parseFileCommand, startAction } from './action.js'
import { evaluate, mappingStrings, sourceText, tokenString, truthy, type Contexts, type JobStatus } from './expressions.js'

export interface Step {
  /** The id written in the YAML; GitHub's generated one (`__run_2`) is `key`. */
  id?: string
  key: string
  /** As written (expressions kept), for tests that read the YAML. */
  uses?: string
  run?: string
  with?: Record<string, string>
  env?: Record<string, string>
  /** Where it is, for messages: `ci.yml line 40`. */
  where: string
  tokens: {
    name?: TemplateToken
    if: TemplateToken
    continueOnError?: boolean | TemplateToken
    env?: TemplateToken
    with?: TemplateToken
    run?: TemplateToken
    timeoutMinutes?: TemplateToken
    workingDirectory?: TemplateToken
  }
}

export interface Job {
  /** Where the job came from, for messages: `ci.yml jobs.self-test`, `README.md line 40`. */
  source: string
  /** Its key in the workflow's jobs. */
  id: string
  /** The jobs whose results it needs (`needs:`). */
  needs: string[]
  steps: Step[]
  /** The workflow it belongs to (its source), for jobs that need one another; unset for a list of steps. */
  workflow?: string
  tokens: { workflowEnv?: TemplateToken; env?: TemplateToken; if?: TemplateToken; outputs?: TemplateToken }
  /** workflow_dispatch inputs and their defaults, for the inputs context. */
  inputDefaults: Record<string, unknown>
}

export type Outcome = 'success' | 'failure' | 'skipped'

export interface StepResult {
  id?: string
  name: string
  outcome: Outcome
  conclusion: Outcome
  outputs: Record<string, string>
  stdout: string
  stderr: string
  /** Set when the emulator did not really run the step (setup actions). */
  note?: string
}

export interface JobResult {
  result: 'success' | 'failure' | 'skipped'
  steps: StepResult[]
  /** The job's outputs, as the jobs that need it see them. */
  outputs: Record<string, string>
}

/** What a job that needs another sees of it: `needs.<id>.outputs.<name>`, `needs.<id>.result`. */
export interface NeededJob {
  result: 'success' | 'failure' | 'skipped'
  outputs: Record<string, string>
}

export interface JobContext {
  secrets?: Record<string, string>
  vars?: Record<string, string>
  runId?: string
  /** github.workspace: the folder run steps start in and the action's workspace. */
  workspace: string
  token?: string
  /** github.ref_name: the branch (default main). */
  refName?: string
  /** More of the github context (e.g. event_name, sha, repository), over the emulator's values. */
  github?: Record<string, unknown>
  /** The matrix context of this job (the emulator does not expand `strategy`). */
  matrix?: Record<string, unknown>
  /** The inputs context (workflow_dispatch), over the workflow's input defaults. */
  inputs?: Record<string, unknown>
  /** Run the action against the fake SDK (startAction's `fake`). */
  fake?: boolean
  /** More environment for every step (e.g. pip's package source), below the YAML's own env. */
  env?: Record<string, string>
  /** Folders put first on PATH for every step, as a setup action would. */
  path?: string[]
  /** `uses:` values that mean this action (besides ./), e.g. the README's owner/name@v1. */
  self?: RegExp
  /** Per step, unless the step's timeout-minutes says otherwise. */
  stepTimeoutMs?: number
  /** The results of the jobs this one needs, by job id. */
  needs?: Record<string, NeededJob>
  /** github.event: the webhook payload of the triggering event (e.g. client_payload). */
  event?: Record<string, unknown>
}

const SETUP_ACTIONS = /^actions\/(checkout|setup-python|setup-node)@/
const JOB_KEYS = new Set(['name', 'runs-on', 'steps', 'env', 'permissions', 'timeout-minutes', 'needs', 'outputs', 'if', 'concurrency'])
const STEP_KEYS = new Set([
  'id',
  'name',
  'uses',
  'run',
  'with',
  'env',
  'if',
  'continue-on-error',
  'shell',
  'timeout-minutes',
  'working-directory'
])

// ---- parsing -------------------------------------------------------------------------------------

/** Where a line of the parsed text is in the file the reader knows: the Markdown, for an example. */
type LineMap = (line: number) => number

interface Parsed {
  template: WorkflowTemplate
  root: MappingToken
}

/** A workflow as GitHub reads it; any problem GitHub's parser finds throws, with file and line. */
async function parseStrict(text: string, name: string, where: (line: number) => string, lines: LineMap = (l) => l): Promise<Parsed> {
  const { context, value } = parseWorkflow({ name, content: text }, new NoOperationTraceWriter())
  const fail = (): never => {
    const problems = context.errors.getErrors().map((e) => {
      const start = e.range?.start ?? { line: Number(/Line: (\d+)/.exec(e.prefix ?? '')?.[1] ?? 1), column: 0 }
      return `${where(lines(start.line))}: ${e.rawMessage}`
    })
    throw new Error(`GitHub's workflow parser refuses it:\n${problems.join('\n')}`)
  }
  if (context.errors.count > 0 || !value) fail()
  const template = await convertWorkflowTemplate(context, value!)
  if (context.errors.count > 0) fail()
  return { template, root: value as MappingToken }
}

/** The job `name` of the workflow file. */
export async function loadJob(file: string, name: string): Promise<Job> {
  const base = path.basename(file)
  const parsed = await parseStrict(readFileSync(file, 'utf8'), base, (line) => `${base} line ${line}`)
  const job = parsed.template.jobs.find((j) => j.id.value === name)
  if (!job) throw new Error(`${file} has no job ${name}`)
  return toJob(parsed, job as ParsedJob, `${base} jobs.${name}`, (line) => `${base} line ${line}`, base)
}

/**
 * Every ```yaml block of a Markdown text that uses this action (`uses:` matching `self`), as a job:
 * a whole workflow gives its jobs (a block of `jobs:` alone is read as a workflow_dispatch
 * workflow), a list gives one job of those steps. Each is parsed by GitHub's parser as such.
 */
export async function markdownJobs(markdown: string, self: RegExp, file = 'README.md'): Promise<Job[]> {
  const jobs: Job[] = []
  for (const match of markdown.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)) {
    const text = match[1] as string
    if (!text.split('\n').some((line) => usesOf(line, self))) continue
    const first = markdown.slice(0, match.index).split('\n').length + 1 // the block's first line
    const source = `${file} line ${first}`
    const where = (line: number) => `${file} line ${line}`
    const doc = parseDocument(text)
    if (isDocument(doc) && isSeq(doc.contents)) {
      // A list of steps: as the steps of a job of a workflow, which is what GitHub would read.
      const indent = Math.min(
        ...text
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => /^ */.exec(l)![0].length)
      )
      const header = 'on: push\njobs:\n  example:\n    runs-on: ubuntu-latest\n    steps:\n'
      const body = text
        .split('\n')
        .map((l) => (l.trim() ? '      ' + l.slice(indent) : l))
        .join('\n')
      const lines: LineMap = (line) => first + line - 6
      const parsed = await parseStrict(header + body, file, where, lines)
      jobs.push(toJob(parsed, parsed.template.jobs[0] as ParsedJob, source, (line) => where(lines(line))))
    } else {
      const hasOn = /^on:/m.test(text)
      const lines: LineMap = (line) => first + line - (hasOn ? 1 : 2)
      const parsed = await parseStrict(hasOn ? text : `on: workflow_dispatch\n${text}`, file, where, lines)
      for (const job of parsed.template.jobs) {
        jobs.push(toJob(parsed, job as ParsedJob, `${source} jobs.${job.id.value}`, (line) => where(lines(line)), source))
      }
    }
  }
  return jobs
}

function usesOf(line: string, self: RegExp): boolean {
  const uses = /^\s*(?:- )?uses:\s*(\S+)/.exec(line)?.[1]
  return uses !== undefined && (uses === './' || self.test(uses))
}

function toJob(parsed: Parsed, job: ParsedJob, source: string, where: (line: number) => string, workflow?: string): Job {
  if (job.type !== 'job') throw new Error(`${source}: the workflow emulator does not run reusable workflows`)
  const raw = mapping(mapping(parsed.root.find('jobs')).find(job.id.value))
  for (const { key } of raw) {
    const name = tokenString(key, {})
    if (!JOB_KEYS.has(name)) throw new Error(`${where(key.line ?? 0)}: the workflow emulator does not implement the job key \`${name}\``)
  }
  const rawSteps = raw.find('steps')
  if (!rawSteps || !isSequence(rawSteps)) throw new Error(`${source}: no steps`)
  const steps = job.steps.map((step: ParsedStep, index) => {
    const rawStep = mapping(rawSteps.get(index))
    const at = where(rawStep.line ?? 0)
    for (const { key } of rawStep) {
      const name = tokenString(key, {})
      if (!STEP_KEYS.has(name))
        throw new Error(`${where(key.line ?? 0)}: the workflow emulator does not implement the step key \`${name}\``)
    }
    const shell = rawStep.find('shell')
    if (shell && tokenString(shell, {}) !== 'bash') throw new Error(`${at}: only shell bash is emulated`)
    if (!('uses' in step) && !('run' in step)) throw new Error(`${at}: only uses and run steps are emulated`)
    const texts = (token: TemplateToken | undefined) =>
      token && isMapping(token)
        ? Object.fromEntries([...token].map(({ key, value }) => [tokenString(key, {}), sourceText(value) ?? '']))
        : undefined
    const written = rawStep.find('id')
    return {
      id: written ? step.id : undefined,
      key: step.id,
      uses: 'uses' in step ? step.uses.value : undefined,
      run: 'run' in step ? sourceText(step.run) : undefined,
      with: texts(rawStep.find('with')),
      env: texts(rawStep.find('env')),
      where: at,
      tokens: {
        name: step.name,
        if: (step as { if: TemplateToken }).if,
        continueOnError: step['continue-on-error'],
        env: 'env' in step ? step.env : undefined,
        with: rawStep.find('with'),
        run: 'run' in step ? step.run : undefined,
        timeoutMinutes: rawStep.find('timeout-minutes'),
        workingDirectory: rawStep.find('working-directory')
      }
    } satisfies Step
  })
  const dispatch = parsed.template.events.workflow_dispatch?.inputs ?? {}
  return {
    source,
    id: job.id.value,
    needs: (job.needs ?? []).map((n) => n.value),
    steps,
    workflow,
    tokens: { workflowEnv: parsed.template.env, env: job.env, if: job.if, outputs: job.outputs },
    inputDefaults: Object.fromEntries(Object.entries(dispatch).map(([name, input]) => [name, input.default ?? null]))
  }
}

function mapping(token: TemplateToken | undefined): MappingToken {
  if (!token || !isMapping(token)) throw new Error('a mapping was expected')
  return token
}

// ---- running -----------------------------------------------------------------------------------

interface StepState {
  outputs: Record<string, string>
  outcome: Outcome
  conclusion: Outcome
}

/** Runs the job's steps in order, as the runner does, and reports each step and the job. */
export async function runJob(job: Job, context: JobContext): Promise<JobResult> {
  for (const id of job.needs) {
    if (!context.needs?.[id]) throw new Error(`${job.source}: needs the job ${id}, whose result the test did not give`)
  }
  const needs = context.needs ?? {}
  const steps: Record<string, StepState> = {}
  const status: JobStatus = { failed: false }
  const runnerTemp = mkdtempSync(path.join(tmpdir(), 'workflow-runner-'))
  // What GITHUB_ENV and GITHUB_PATH of earlier steps added, as the runner carries them on.
  const addedEnv: Record<string, string> = {}
  const addedPath: string[] = []
  let env: Record<string, string> = {}
  const github = {
    run_id: context.runId ?? '4242',
    run_number: '1',
    run_attempt: '1',
    workspace: context.workspace,
    token: context.token ?? 'ghs_fake-token-for-the-emulator',
    ref_name: context.refName ?? 'main',
    ref: `refs/heads/${context.refName ?? 'main'}`,
    sha: '0123456789abcdef0123456789abcdef01234567',
    repository: 'octo/models',
    repository_owner: 'octo',
    actor: 'octocat',
    event_name: 'push',
    server_url: 'https://github.com',
    api_url: 'https://api.github.com',
    job: job.id,
    workflow: 'CI',
    event: context.event ?? {},
    ...context.github
  }
  /** The contexts an expression of this job can read (the parser has checked which a key may read). */
  const contexts = (): Contexts => ({
    github,
    secrets: { GITHUB_TOKEN: github.token, ...context.secrets },
    vars: context.vars ?? {},
    env,
    matrix: context.matrix ?? {},
    inputs: { ...job.inputDefaults, ...context.inputs },
    runner: {
      os: 'Linux',
      arch: 'X64',
      name: 'workflow-emulator',
      temp: runnerTemp,
      tool_cache: path.join(runnerTemp, 'toolcache'),
      environment: 'self-hosted'
    },
    job: { status: status.failed ? 'failure' : 'success' },
    strategy: { 'fail-fast': true, 'job-index': 0, 'job-total': 1, 'max-parallel': 1 },
    steps,
    needs
  })

  // The job's if: its status functions look at the jobs it needs.
  if (job.tokens.if) {
    const needsStatus: JobStatus = { failed: Object.values(needs).some((n) => n.result === 'failure') }
    if (!truthy(evaluate(expressionOf(job.tokens.if), contexts(), needsStatus))) return { result: 'skipped', steps: [], outputs: {} }
  }
  env = mappingStrings(job.tokens.workflowEnv, contexts)
  const jobEnv = { ...env, ...mappingStrings(job.tokens.env, contexts) }

  const results: StepResult[] = []
  for (const step of job.steps) {
    const result = await runStep(step).catch((error: Error) => {
      throw new Error(`${step.where}${step.id ? ` (${step.id})` : ''}: ${error.message}`)
    })
    results.push(result)
    steps[step.key] = { outputs: result.outputs, outcome: result.outcome, conclusion: result.conclusion }
    if (result.conclusion === 'failure') status.failed = true
  }
  // The job's outputs, evaluated once its steps are done (as the runner does).
  env = jobEnv
  const outputs = mappingStrings(job.tokens.outputs, contexts)
  return { result: status.failed ? 'failure' : 'success', steps: results, outputs }

  async function runStep(step: Step): Promise<StepResult> {
    // The env context a step sees: the workflow's and the job's, what earlier steps added, its own.
    env = { ...jobEnv, ...addedEnv }
    env = { ...env, ...mappingStrings(step.tokens.env, contexts, status) }
    const name = step.tokens.name ? tokenString(step.tokens.name, contexts(), status) : (step.uses ?? step.run?.split('\n')[0] ?? '')
    const base = { id: step.id, name, outputs: {}, stdout: '', stderr: '' }
    if (!truthy(evaluate(expressionOf(step.tokens.if), contexts(), status))) return { ...base, outcome: 'skipped', conclusion: 'skipped' }

    const flag = step.tokens.continueOnError
    const continueOnError =
      flag === undefined
        ? false
        : typeof flag === 'boolean'
          ? flag
          : isBoolean(flag)
            ? flag.value
            : truthy(evaluate(expressionOf(flag), contexts(), status))
    const minutes = step.tokens.timeoutMinutes ? Number(tokenString(step.tokens.timeoutMinutes, contexts(), status)) : undefined
    const timeoutMs = minutes ? minutes * 60_000 : (context.stepTimeoutMs ?? 120_000)
    const stepEnv = {
      ...context.env,
      ...(context.path?.length || addedPath.length
        ? { PATH: [...addedPath, ...(context.path ?? []), process.env.PATH].join(path.delimiter) }
        : {}),
      GITHUB_RUN_ID: github.run_id,
      GITHUB_JOB: job.id,
      ...env
    }
    const cwd = step.tokens.workingDirectory
      ? path.resolve(context.workspace, tokenString(step.tokens.workingDirectory, contexts(), status))
      : context.workspace
    let ran: {
      ok: boolean
      outputs: Record<string, string>
      stdout: string
      stderr: string
      laterEnv: string
      laterPath: string
      note?: string
    }
    if (step.uses !== undefined && (step.uses === './' || context.self?.test(step.uses))) {
      const inputs = mappingStrings(step.tokens.with, contexts, status)
      const run = await startAction({
        inputs,
        env: stepEnv,
        fake: context.fake ?? true,
        workspace: context.workspace,
        github: { token: github.token },
        timeoutMs
      })
      ran = {
        ok: run.code === 0,
        outputs: run.outputs,
        stdout: run.stdout,
        stderr: run.stderr,
        laterEnv: run.laterEnv,
        laterPath: run.laterPath
      }
    } else if (step.uses !== undefined && SETUP_ACTIONS.test(step.uses)) {
      mappingStrings(step.tokens.with, contexts, status) // its expressions are still evaluated
      ran = {
        ok: true,
        outputs: {},
        stdout: '',
        stderr: '',
        laterEnv: '',
        laterPath: '',
        note: `${step.uses} is a no-op in the workflow emulator`
      }
    } else if (step.uses !== undefined) {
      throw new Error(`the workflow emulator does not know the action ${step.uses}`)
    } else {
      ran = await bash(tokenString(step.tokens.run, contexts(), status), stepEnv, cwd, github.workspace, runnerTemp, timeoutMs)
    }
    Object.assign(addedEnv, parseFileCommand(ran.laterEnv))
    addedPath.unshift(...ran.laterPath.split('\n').filter(Boolean).reverse())
    const outcome: Outcome = ran.ok ? 'success' : 'failure'
    return {
      ...base,
      outcome,
      conclusion: outcome === 'failure' && continueOnError ? 'success' : outcome,
      outputs: ran.outputs,
      stdout: ran.stdout,
      stderr: ran.stderr,
      ...(ran.note ? { note: ran.note } : {})
    }
  }
}

/** An `if:` as GitHub's converter leaves it: an expression token (with success() added when it had no status function). */
function expressionOf(token: TemplateToken | undefined): string {
  if (token && 'expression' in token) return (token as { expression: string }).expression
  return sourceText(token) ?? 'success()'
}

/** A `run:` script as the runner runs it with shell bash, with its file commands read back. */
async function bash(
  script: string,
  env: Record<string, string | undefined>,
  cwd: string,
  workspace: string,
  runnerTemp: string,
  timeoutMs: number
): Promise<{ ok: boolean; outputs: Record<string, string>; stdout: string; stderr: string; laterEnv: string; laterPath: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'workflow-step-'))
  const files = {
    GITHUB_OUTPUT: path.join(dir, 'output'),
    GITHUB_ENV: path.join(dir, 'env'),
    GITHUB_PATH: path.join(dir, 'path'),
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary')
  }
  const script_ = path.join(dir, 'step.sh')
  writeFileSync(script_, script)
  for (const file of Object.values(files)) writeFileSync(file, '')
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script_], {
    cwd,
    env: Object.fromEntries(
      Object.entries({
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: workspace,
        RUNNER_TEMP: runnerTemp,
        ...files,
        ...env
      }).filter((entry): entry is [string, string] => entry[1] !== undefined)
    ),
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const code = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  clearTimeout(timer)
  const read = (file: string) => readFileSync(file, 'utf8')
  return {
    ok: code === 0,
    outputs: parseFileCommand(read(files.GITHUB_OUTPUT)),
    stdout,
    stderr,
    laterEnv: read(files.GITHUB_ENV),
    laterPath: read(files.GITHUB_PATH)
  }
}

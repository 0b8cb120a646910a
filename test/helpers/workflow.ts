// A small emulator of one GitHub Actions job, for the workflows this repository ships and the
// examples in its README: it runs the steps in order as the runner does, each `uses: ./` through
// the runner emulation of test/helpers/action.ts, each `run:` with bash, with the `${{ }}`
// expressions they use substituted. It knows only what our own YAML needs; anything else (another
// action, an expression, a key it does not implement) fails with a message that says so, so new
// YAML cannot go untested quietly.
//
// Not emulated: actions/checkout, actions/setup-python and actions/setup-node are no-ops (the
// workspace is already there; the machine's Python and Node are used, or a PATH the test gives).
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseDocument } from 'yaml'
import { parseFileCommand, startAction } from './action.js'

export interface Step {
  id?: string
  name?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
  env?: Record<string, unknown>
  if?: unknown
  'continue-on-error'?: unknown
  shell?: string
  'timeout-minutes'?: number
}

export interface Job {
  /** Where the job came from, for messages: `ci.yml jobs.self-test`, `README.md line 40`. */
  source: string
  env: Record<string, unknown>
  steps: Step[]
  /** Its key in the workflow's jobs, and the jobs whose results it needs (`needs:`). */
  id?: string
  needs: string[]
  /** The job's `outputs:` (expressions over its steps), read by the jobs that need it. */
  outputs: Record<string, unknown>
  /** The workflow it belongs to (its source), for jobs that need one another. */
  workflow?: string
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
  result: 'success' | 'failure'
  steps: StepResult[]
  /** The job's outputs, as the jobs that need it see them. */
  outputs: Record<string, string>
}

/** What a job that needs another sees of it: `needs.<id>.outputs.<name>`, `needs.<id>.result`. */
export interface NeededJob {
  result: 'success' | 'failure'
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
const JOB_KEYS = new Set(['name', 'runs-on', 'steps', 'env', 'permissions', 'timeout-minutes', 'needs', 'outputs'])
const STEP_KEYS = new Set(['id', 'name', 'uses', 'run', 'with', 'env', 'if', 'continue-on-error', 'shell', 'timeout-minutes'])

/** The job `name` of the workflow file, strictly parsed. */
export function loadJob(file: string, name: string): Job {
  const workflow = parseStrict(readFileSync(file, 'utf8'), file) as { env?: Record<string, unknown>; jobs?: Record<string, unknown> }
  const job = workflow.jobs?.[name]
  if (!job) throw new Error(`${file} has no job ${name}`)
  return toJob(job, `${path.basename(file)} jobs.${name}`, workflow.env, name)
}

/**
 * Every ```yaml block of a Markdown text that uses this action (`uses:` matching `self`), as a job:
 * a whole workflow gives its jobs, a list gives one job of those steps.
 */
export function markdownJobs(markdown: string, self: RegExp, file = 'README.md'): Job[] {
  const jobs: Job[] = []
  for (const match of markdown.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)) {
    const text = match[1] as string
    if (!text.split('\n').some((line) => usesOf(line, self))) continue
    const line = markdown.slice(0, match.index).split('\n').length + 1
    const source = `${file} line ${line}`
    const doc = parseStrict(text, source)
    if (Array.isArray(doc)) jobs.push(toJob({ steps: doc }, source))
    else {
      const workflow = doc as { env?: Record<string, unknown>; jobs?: Record<string, unknown> }
      if (!workflow.jobs) throw new Error(`${source}: a block that uses the action is neither a list of steps nor a workflow`)
      for (const [name, job] of Object.entries(workflow.jobs)) jobs.push(toJob(job, `${source} jobs.${name}`, workflow.env, name, source))
    }
  }
  return jobs
}

function usesOf(line: string, self: RegExp): boolean {
  const uses = /^\s*(?:- )?uses:\s*(\S+)/.exec(line)?.[1]
  return uses !== undefined && (uses === './' || self.test(uses))
}

function parseStrict(text: string, source: string): unknown {
  const doc = parseDocument(text, { strict: true, uniqueKeys: true, prettyErrors: true })
  const problems = [...doc.errors, ...doc.warnings]
  if (problems.length) throw new Error(`${source}: ${problems.map((p) => p.message).join('\n')}`)
  return doc.toJS()
}

function toJob(value: unknown, source: string, workflowEnv: Record<string, unknown> = {}, id?: string, workflow?: string): Job {
  const job = value as Record<string, unknown>
  for (const key of Object.keys(job)) {
    if (!JOB_KEYS.has(key)) throw new Error(`${source}: the workflow emulator does not implement the job key \`${key}\``)
  }
  const steps = job.steps as Step[]
  steps.forEach((step, index) => {
    for (const key of Object.keys(step)) {
      if (!STEP_KEYS.has(key)) throw new Error(`${source} step ${index + 1}: the workflow emulator does not implement \`${key}\``)
    }
    if (step.shell !== undefined && step.shell !== 'bash') throw new Error(`${source} step ${index + 1}: only shell bash is emulated`)
  })
  const needs = job.needs === undefined ? [] : Array.isArray(job.needs) ? (job.needs as string[]) : [String(job.needs)]
  const outputs = (job.outputs ?? {}) as Record<string, unknown>
  return { source, env: { ...workflowEnv, ...(job.env as Record<string, unknown> | undefined) }, steps, id, needs, outputs, workflow }
}

// ---- expressions -------------------------------------------------------------------------------

export type Value = string | number | boolean | null

/** What an expression can see: the contexts our YAML uses, and the job's status so far. */
export interface Scope {
  github: { run_id: string; workspace: string; token: string; ref_name: string }
  secrets: Record<string, string>
  vars: Record<string, string>
  env: Record<string, string>
  steps: Record<string, { outputs: Record<string, string>; outcome: Outcome; conclusion: Outcome }>
  needs: Record<string, NeededJob>
  /** github.event, the triggering event's payload. */
  event: Record<string, unknown>
  /** false once a step has concluded failure. */
  healthy: boolean
}

/** Replaces every ${{ expression }} in `text` with its value as a string. */
export function substitute(text: string, scope: Scope): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) => asString(evaluate(expression, scope)))
}

/** Whether a step with this `if:` runs. As on GitHub, without a status function success() is implied. */
export function shouldRun(condition: unknown, scope: Scope): boolean {
  if (condition === undefined) return scope.healthy
  if (typeof condition === 'boolean') return condition && scope.healthy
  const text = String(condition).trim()
  const expression = /^\$\{\{([\s\S]*)\}\}$/.exec(text)?.[1] ?? text
  const value = truthy(evaluate(expression, scope))
  return /\b(always|success|failure|cancelled)\s*\(/.test(expression) ? value : value && scope.healthy
}

export function evaluate(expression: string, scope: Scope): Value {
  const tokens = tokenize(expression)
  let at = 0
  const fail = (why: string): never => {
    throw new Error(`the workflow emulator cannot evaluate \${{ ${expression.trim()} }}: ${why}`)
  }
  const peek = () => tokens[at]
  const take = (text?: string) => {
    const token = tokens[at]
    if (!token || (text !== undefined && token.text !== text)) fail(`expected ${text ?? 'more'} at ${token?.text ?? 'the end'}`)
    at++
    return token as Token
  }
  const or = (): Value => {
    let left = and()
    while (peek()?.text === '||') {
      take()
      const right = and()
      left = truthy(left) ? left : right
    }
    return left
  }
  const and = (): Value => {
    let left = comparison()
    while (peek()?.text === '&&') {
      take()
      const right = comparison()
      left = truthy(left) ? right : left
    }
    return left
  }
  const comparison = (): Value => {
    let left = unary()
    while (peek() && ['==', '!=', '<', '<=', '>', '>='].includes(peek()!.text)) {
      const op = take().text
      left = compare(op, left, unary())
    }
    return left
  }
  const unary = (): Value => {
    if (peek()?.text === '!') {
      take()
      return !truthy(unary())
    }
    return primary()
  }
  const primary = (): Value => {
    const token = take()
    if (token.kind === 'string' || token.kind === 'number') return token.value
    if (token.text === '(') {
      const value = or()
      take(')')
      return value
    }
    if (token.kind !== 'name') fail(`unexpected ${token.text}`)
    if (token.text === 'true') return true
    if (token.text === 'false') return false
    if (token.text === 'null') return null
    if (peek()?.text === '(') {
      take('(')
      take(')')
      const status: Record<string, () => boolean> = {
        always: () => true,
        success: () => scope.healthy,
        failure: () => !scope.healthy,
        cancelled: () => false
      }
      return (status[token.text] ?? fail(`the function ${token.text}() is not emulated`))()
    }
    return lookup(token.text, scope, fail)
  }
  const value = or()
  if (at < tokens.length) fail(`unexpected ${tokens[at]!.text}`)
  return value
}

function lookup(name: string, scope: Scope, fail: (why: string) => never): Value {
  const [context, ...rest] = name.split('.')
  const key = rest.join('.')
  switch (context) {
    case 'github':
      if (key in scope.github) return scope.github[key as keyof Scope['github']]
      if (rest[0] === 'event') {
        let node: unknown = scope.event
        for (const part of rest.slice(1)) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined
        if (node === undefined || (typeof node === 'object' && node !== null)) return fail(`github.${key} is not in the event the test gives`)
        return node as Value
      }
      return fail(`github.${key} is not emulated (known: ${Object.keys(scope.github).join(', ')})`)
    case 'secrets':
      return scope.secrets[key] ?? fail(`the test gives no secret ${key}`)
    case 'vars':
      return scope.vars[key] ?? fail(`the test gives no variable ${key}`)
    case 'env':
      return scope.env[key] ?? ''
    case 'steps': {
      const [id, field, output, ...more] = rest
      const step = scope.steps[id ?? '']
      if (!step) return fail(`no earlier step has the id ${id}`)
      if (field === 'outputs' && output && more.length === 0) return step.outputs[output] ?? ''
      if ((field === 'outcome' || field === 'conclusion') && !output) return step[field]
      return fail(`steps.${rest.join('.')} is not emulated (outputs.<name>, outcome, conclusion)`)
    }
    case 'needs': {
      const [id, field, output, ...more] = rest
      const needed = scope.needs[id ?? '']
      if (!needed) return fail(`the job does not need a job ${id}`)
      if (field === 'outputs' && output && more.length === 0) return needed.outputs[output] ?? ''
      if (field === 'result' && !output) return needed.result
      return fail(`needs.${rest.join('.')} is not emulated (outputs.<name>, result)`)
    }
    default:
      return fail(`the context ${context} is not emulated`)
  }
}

interface Token {
  kind: 'string' | 'number' | 'name' | 'op'
  text: string
  value: Value
}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = []
  const pattern = /\s*(?:'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_.-]*)|(==|!=|<=|>=|&&|\|\||[!()<>]))/y
  const end = expression.trimEnd().length
  let at = 0
  while (at < end) {
    pattern.lastIndex = at
    const match = pattern.exec(expression)
    if (!match) {
      const rest = JSON.stringify(expression.slice(at).trim())
      throw new Error(`the workflow emulator cannot evaluate \${{ ${expression.trim()} }}: unexpected ${rest}`)
    }
    at = pattern.lastIndex
    if (match[1] !== undefined) tokens.push({ kind: 'string', text: match[0].trim(), value: match[1].replace(/''/g, "'") })
    else if (match[2] !== undefined) tokens.push({ kind: 'number', text: match[2], value: Number(match[2]) })
    else if (match[3] !== undefined) tokens.push({ kind: 'name', text: match[3], value: null })
    else tokens.push({ kind: 'op', text: match[4] as string, value: null })
  }
  return tokens
}

function truthy(value: Value): boolean {
  return !(value === false || value === null || value === '' || value === 0 || Number.isNaN(value))
}

/** GitHub's comparison: strings ignore case; different types are compared as numbers. */
function compare(op: string, left: Value, right: Value): boolean {
  let a: Value = left
  let b: Value = right
  if (typeof a === 'string' && typeof b === 'string') {
    a = a.toLowerCase()
    b = b.toLowerCase()
  } else if (typeof a !== typeof b) {
    a = asNumber(a)
    b = asNumber(b)
  }
  switch (op) {
    case '==':
      return a === b
    case '!=':
      return a !== b
    case '<':
      return a! < b!
    case '<=':
      return a! <= b!
    case '>':
      return a! > b!
    default:
      return a! >= b!
  }
}

function asNumber(value: Value): number {
  if (value === null) return 0
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'string') return value.trim() === '' ? 0 : Number(value)
  return value
}

function asString(value: Value): string {
  return value === null ? '' : String(value)
}

// ---- running -----------------------------------------------------------------------------------

/** Runs the job's steps in order, as the runner does, and reports each step and the job. */
export async function runJob(job: Job, context: JobContext): Promise<JobResult> {
  const scope: Scope = {
    github: {
      run_id: context.runId ?? '4242',
      workspace: context.workspace,
      token: context.token ?? 'ghs_fake-token-for-the-emulator',
      ref_name: context.refName ?? 'main'
    },
    secrets: context.secrets ?? {},
    vars: context.vars ?? {},
    env: {},
    steps: {},
    needs: context.needs ?? {},
    event: context.event ?? {},
    healthy: true
  }
  for (const id of job.needs) {
    if (!scope.needs[id]) throw new Error(`${job.source}: needs the job ${id}, whose result the test did not give`)
  }
  const results: StepResult[] = []
  for (const [index, step] of job.steps.entries()) {
    const where = `${job.source} step ${index + 1}${step.id ? ` (${step.id})` : ''}`
    const result = await runStep(step, scope, context).catch((error: Error) => {
      throw new Error(`${where}: ${error.message}`)
    })
    results.push(result)
    if (step.id) scope.steps[step.id] = { outputs: result.outputs, outcome: result.outcome, conclusion: result.conclusion }
    if (result.conclusion === 'failure') scope.healthy = false
  }
  // The job's outputs, evaluated once its steps are done (as the runner does).
  const outputs: Record<string, string> = {}
  for (const [name, value] of Object.entries(job.outputs)) outputs[name] = substitute(asText(value), scope)
  return { result: scope.healthy ? 'success' : 'failure', steps: results, outputs }

  async function runStep(step: Step, scope: Scope, context: JobContext): Promise<StepResult> {
    // The env context a step sees: the job's, then its own (each value substituted first).
    scope.env = {}
    for (const [name, value] of Object.entries(job.env)) scope.env[name] = substitute(asText(value), scope)
    for (const [name, value] of Object.entries(step.env ?? {})) scope.env[name] = substitute(asText(value), scope)
    const name = substitute(step.name ?? step.uses ?? step.run?.split('\n')[0] ?? '', scope)
    const base = { id: step.id, name, outputs: {}, stdout: '', stderr: '' }
    if (!shouldRun(step.if, scope)) return { ...base, outcome: 'skipped', conclusion: 'skipped' }

    const continueOnError = truthy(typeof step['continue-on-error'] === 'string' ? evaluate(unwrap(step['continue-on-error']), scope) : (step['continue-on-error'] as Value) ?? false)
    const timeoutMs = step['timeout-minutes'] ? step['timeout-minutes'] * 60_000 : context.stepTimeoutMs ?? 120_000
    const env = {
      ...context.env,
      ...(context.path?.length ? { PATH: [...context.path, process.env.PATH].join(path.delimiter) } : {}),
      GITHUB_RUN_ID: scope.github.run_id,
      ...scope.env
    }
    let ran: { ok: boolean; outputs: Record<string, string>; stdout: string; stderr: string; note?: string }
    if (step.uses !== undefined && (step.uses === './' || context.self?.test(step.uses))) {
      const inputs: Record<string, string> = {}
      for (const [input, value] of Object.entries(step.with ?? {})) inputs[input] = substitute(asText(value), scope)
      const run = await startAction({
        inputs,
        env,
        fake: context.fake ?? true,
        workspace: context.workspace,
        github: { token: scope.github.token },
        timeoutMs
      })
      ran = { ok: run.code === 0, outputs: run.outputs, stdout: run.stdout, stderr: run.stderr }
    } else if (step.uses !== undefined && SETUP_ACTIONS.test(step.uses)) {
      for (const value of Object.values(step.with ?? {})) substitute(asText(value), scope) // unknown expressions still fail
      ran = { ok: true, outputs: {}, stdout: '', stderr: '', note: `${step.uses} is a no-op in the workflow emulator` }
    } else if (step.uses !== undefined) {
      throw new Error(`the workflow emulator does not know the action ${step.uses}`)
    } else if (step.run !== undefined) {
      ran = await bash(substitute(step.run, scope), env, context.workspace, scope.github, timeoutMs)
    } else {
      throw new Error('a step needs uses or run')
    }
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

/** A `run:` script as the runner runs it with shell bash, with GITHUB_OUTPUT read back. */
async function bash(
  script: string,
  env: Record<string, string | undefined>,
  cwd: string,
  github: Scope['github'],
  timeoutMs: number
): Promise<{ ok: boolean; outputs: Record<string, string>; stdout: string; stderr: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'workflow-step-'))
  const files = { script: path.join(dir, 'step.sh'), GITHUB_OUTPUT: path.join(dir, 'output'), GITHUB_STEP_SUMMARY: path.join(dir, 'summary') }
  writeFileSync(files.script, script)
  writeFileSync(files.GITHUB_OUTPUT, '')
  writeFileSync(files.GITHUB_STEP_SUMMARY, '')
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', files.script], {
    cwd,
    env: Object.fromEntries(
      Object.entries({
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: github.workspace,
        RUNNER_TEMP: dir,
        GITHUB_OUTPUT: files.GITHUB_OUTPUT,
        GITHUB_STEP_SUMMARY: files.GITHUB_STEP_SUMMARY,
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
  return { ok: code === 0, outputs: parseFileCommand(readFileSync(files.GITHUB_OUTPUT, 'utf8')), stdout, stderr }
}

/** A YAML scalar as the runner passes it on: inputs and env values are strings. */
function asText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'object') throw new Error(`a mapping or list where a string belongs: ${JSON.stringify(value)}`)
  return String(value)
}

function unwrap(text: string): string {
  return /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(text)?.[1] ?? text
}

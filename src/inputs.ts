// Every input of action.yml is read here, once, and parsed by one zod schema. Defaults mirror
// action.yml, because tests and local runs do not get action.yml's defaults.
import * as core from '@actions/core'
import { z } from 'zod'
import {
  checkRunId,
  didYouMean,
  generateRunId,
  parseDuration,
  parseEntryPoint,
  parseMapping,
  type Mapping
} from './values.js'
import { RESOURCES, type Resource } from './resources.js'
import { parseExtraPackages, parseWandbVersion, type WandbVersion } from './sdk-packages.js'

/** launch_add's priority levels, by the names `wandb launch --priority` takes. */
export const PRIORITIES = { critical: 0, high: 1, medium: 2, low: 3 } as const
export type Priority = keyof typeof PRIORITIES

/** Inputs that only mean something with a queue. */
const QUEUE_ONLY = ['priority', 'template_variables', 'project_queue', 'queue_timeout'] as const

export const DEFAULT_BASE_URL = 'https://api.wandb.ai'

/** The names in action.yml; the record type makes sure none is missed or misspelled. */
export const INPUT_NAMES = [
  'job',
  'docker_image',
  'entry_point',
  'version',
  'name',
  'resource',
  'resource_args',
  'project',
  'entity',
  'config',
  'synchronous',
  'run_id',
  'repository',
  'api_key',
  'base_url',
  'python',
  'timeout',
  'queue',
  'priority',
  'template_variables',
  'project_queue',
  'queue_timeout',
  // SDK setup (src/sdk-setup.ts)
  'wandb_version',
  'extra_packages'
] as const
export type InputName = (typeof INPUT_NAMES)[number]
export type RawInputs = Record<InputName, string>

export interface Inputs {
  job?: string
  dockerImage?: string
  entryPoint?: string[]
  version?: string
  name?: string
  resource: Resource
  /** False when resource was left empty (local-container then, or the queue's own resource). */
  resourceGiven: boolean
  resourceArgs?: Mapping
  project?: string
  entity?: string
  config?: Mapping
  synchronous: boolean
  runId: string
  /** True when the action made the run ID up, false when it was given. */
  runIdGenerated: boolean
  repository?: string
  apiKey: string
  /** Where the key came from, for a message about a rejected one. */
  apiKeyFrom: 'the api_key input' | 'WANDB_API_KEY'
  baseUrl: string
  python?: string
  timeoutSeconds?: number
  /** Queue mode: push to this queue instead of running the job here. */
  queue?: QueueInputs
  /** SDK setup (src/sdk-setup.ts): which wandb, and what else to install with it. */
  wandbVersion: WandbVersion
  extraPackages: string[]
}

export interface QueueInputs {
  name: string
  /** launch_add's 0 (critical) to 3 (low). */
  priority?: number
  templateVariables?: Record<string, string | number | boolean>
  projectQueue?: string
  /** How long an agent may take to pick the item up. */
  timeoutSeconds?: number
}

export class InputError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid inputs (nothing was launched):\n${problems.map((p) => `  - ${p.replaceAll('\n', '\n    ')}`).join('\n')}`)
    this.name = 'InputError'
  }
}

export function readRawInputs(): RawInputs {
  const raw = {} as RawInputs
  for (const name of INPUT_NAMES) raw[name] = core.getInput(name)
  return raw
}

type Env = Record<string, string | undefined>

/** A parser from values.ts as a zod transform: its error message becomes the input's issue. */
function parsed<T>(parse: (value: string) => T) {
  return (value: string, ctx: z.RefinementCtx): T => {
    try {
      return parse(value)
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) })
      return z.NEVER
    }
  }
}

const optionalText = z
  .string()
  .transform((v) => v.trim() || undefined)

const noSpaces = (what: string) =>
  optionalText.refine((v) => v === undefined || !/\s/.test(v), `must be ${what} without spaces`)

function schema(workspace: string) {
  const mapping = optionalText.transform((v, ctx) =>
    v === undefined ? undefined : parsed((text) => parseMapping(text, workspace))(v, ctx)
  )
  return z
    .object({
      job: noSpaces('a job reference like entity/project/name:alias').refine(
        (v) => v === undefined || /^[^/:]+(\/[^/:]+){0,2}(:[^/:]+)?$/.test(v),
        'must be a job reference like entity/project/name:alias'
      ),
      docker_image: noSpaces('an image reference like registry/image:tag'),
      entry_point: optionalText.transform((v, ctx) =>
        v === undefined ? undefined : parsed(parseEntryPoint)(v, ctx)
      ),
      version: optionalText,
      name: optionalText,
      resource: z
        .string()
        .transform((v) => v.trim() || 'local-container')
        .pipe(z.enum(RESOURCES, { error: (issue) => `must be one of ${RESOURCES.join(', ')}${didYouMean(String(issue.input), RESOURCES)}` })),
      resource_args: mapping,
      project: noSpaces('a project name'),
      entity: noSpaces('an entity name'),
      config: mapping,
      synchronous: z
        .string()
        .transform((v) => v.trim() || 'true')
        // What the runner's own boolean inputs take (core.getBooleanInput: YAML 1.2's core schema),
        // no more: yes/on/1 would work here and nowhere else. Not .pipe(): its issue aborts the
        // object, so the checks below would not run.
        .transform(parsed((v) => {
          if (['true', 'True', 'TRUE'].includes(v)) return true
          if (['false', 'False', 'FALSE'].includes(v)) return false
          throw new Error(`must be true or false, got "${v}"`)
        })),
      run_id: optionalText.transform((v, ctx) => (v === undefined ? undefined : parsed(checkRunId)(v, ctx))),
      repository: optionalText,
      api_key: optionalText,
      base_url: z
        .string()
        .transform((v) => v.trim().replace(/\/+$/, ''))
        .refine((v) => /^https?:\/\/[^\s/]+(\/\S*)?$/.test(v), 'must be an http:// or https:// URL'),
      python: optionalText,
      timeout: optionalText.transform((v, ctx) => (v === undefined ? undefined : parsed(parseDuration)(v, ctx))),
      queue: noSpaces('a queue name'),
      priority: optionalText.transform((v, ctx) => {
        if (v === undefined) return undefined
        const level = v.toLowerCase()
        if (Object.hasOwn(PRIORITIES, level)) return PRIORITIES[level as Priority]
        // launch_add's own numbers are accepted as well as their names
        if (/^[0-3]$/.test(level)) return Number(level)
        ctx.addIssue({
          code: 'custom',
          message: `must be one of ${Object.keys(PRIORITIES).join(', ')}, or launch_add's number for it, 0 (critical) to 3 (low)${didYouMean(v, Object.keys(PRIORITIES))}`
        })
        return z.NEVER
      }),
      template_variables: mapping.transform((v, ctx) => (v === undefined ? undefined : templateValues(v, ctx))),
      project_queue: noSpaces('a project name'),
      queue_timeout: optionalText.transform((v, ctx) => (v === undefined ? undefined : parsed(parseDuration)(v, ctx))),
      wandb_version: z.string().transform(parsed(parseWandbVersion)),
      extra_packages: z.string().transform(parsed(parseExtraPackages))
    })
    .superRefine((v, ctx) => {
      if (Boolean(v.job) === Boolean(v.docker_image)) {
        ctx.addIssue({
          code: 'custom',
          path: ['job'],
          message: v.job
            ? 'job and docker_image were both given: give exactly one of the two'
            : 'give exactly one of job (entity/project/name:alias) or docker_image'
        })
      }
      if (!v.api_key) {
        ctx.addIssue({
          code: 'custom',
          path: ['api_key'],
          message: 'is required: set api_key (for example ${{ secrets.WANDB_API_KEY }}) or the WANDB_API_KEY environment variable'
        })
      }
      for (const name of QUEUE_ONLY) {
        if (v[name] !== undefined && !v.queue) {
          ctx.addIssue({ code: 'custom', path: [name], message: 'applies only to queue mode: it needs queue' })
        }
      }
      if (typeof v.queue_timeout === 'number' && v.synchronous === false && v.queue) {
        ctx.addIssue({
          code: 'custom',
          path: ['queue_timeout'],
          message: 'applies only while waiting for an agent: it needs synchronous: true'
        })
      }
      const runConfig = containerRunConfigBytes(v.resource, v.queue, v.config)
      if (runConfig > CONTAINER_RUN_CONFIG_BYTES) {
        ctx.addIssue({
          code: 'custom',
          path: ['config'],
          message: `overrides.run_config is ${runConfig} bytes as JSON; local-container hands it to the container in environment variables, which Linux limits to about 2 MiB in all, so at most ${CONTAINER_RUN_CONFIG_BYTES} bytes (1 MiB) fit: use resource local-process (it reads a run config of up to 8 MiB from a file), or move the large data into an artifact the run reads`
        })
      }
      if (typeof v.timeout === 'number' && v.synchronous === false) { // not when timeout itself failed
        ctx.addIssue({
          code: 'custom',
          path: ['timeout'],
          message: 'applies only while waiting: it needs synchronous: true'
        })
      }
    }, { when: () => true }) // also when a field failed: every problem is reported at once
}

/** local-container: the run config travels in the container's environment (src/job_settings.py). */
export const CONTAINER_RUN_CONFIG_BYTES = 1024 * 1024

function containerRunConfigBytes(resource: string, queue: string | undefined, config: Mapping | undefined): number {
  if (resource !== 'local-container' || queue) return 0 // a queue's agent starts the run elsewhere
  const runConfig = (config?.overrides as Mapping | undefined)?.run_config
  return runConfig === undefined ? 0 : Buffer.byteLength(JSON.stringify(runConfig))
}

/** Template variable values: strings and numbers (booleans are passed as they are). */
function templateValues(values: Mapping, ctx: z.RefinementCtx): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {}
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value
    else {
      ctx.addIssue({
        code: 'custom',
        message: `${key} must be a string or a number, got ${Array.isArray(value) ? 'a list' : value === null ? 'nothing' : `a ${typeof value}`}`
      })
    }
  }
  return out
}

/** Parses every input at once; throws InputError listing all problems, each naming its input. */
export function parseInputs(raw: RawInputs, env: Env = process.env): Inputs {
  const withEnvDefaults = {
    ...raw,
    api_key: raw.api_key.trim() || env.WANDB_API_KEY || '',
    base_url: raw.base_url.trim() || env.WANDB_BASE_URL?.trim() || DEFAULT_BASE_URL
  }
  const result = schema(env.GITHUB_WORKSPACE || process.cwd()).safeParse(withEnvDefaults)
  if (!result.success) {
    throw new InputError(
      result.error.issues.map((issue) => `${String(issue.path[0] ?? 'inputs')}: ${issue.message}`)
    )
  }
  const v = result.data
  return {
    job: v.job,
    dockerImage: v.docker_image,
    entryPoint: v.entry_point,
    version: v.version,
    name: v.name,
    resource: v.resource,
    resourceGiven: raw.resource.trim() !== '',
    resourceArgs: v.resource_args,
    project: v.project,
    entity: v.entity,
    config: v.config,
    synchronous: v.synchronous,
    runId: v.run_id ?? generateRunId(),
    runIdGenerated: v.run_id === undefined,
    repository: v.repository,
    apiKey: v.api_key as string,
    apiKeyFrom: raw.api_key.trim() ? 'the api_key input' : 'WANDB_API_KEY',
    baseUrl: v.base_url,
    python: v.python,
    timeoutSeconds: v.timeout,
    queue: v.queue
      ? {
          name: v.queue,
          priority: v.priority,
          templateVariables: v.template_variables,
          projectQueue: v.project_queue,
          timeoutSeconds: v.queue_timeout
        }
      : undefined,
    wandbVersion: v.wandb_version,
    extraPackages: v.extra_packages
  }
}

// The action's inputs: their names (as action.yml has them), what they become once parsed, and
// reading them from the runner, once.
import * as core from '@actions/core'
import type { WandbVersion } from '../sdk/plan.js'
import type { Promotion } from './promote.js'
import type { Gate, GateMissing } from '../verdict/gates.js'
import type { Resource } from './resources.js'
import type { Mapping } from './values.js'

/** launch_add's priority levels, by the names `wandb launch --priority` takes. */
export const PRIORITIES = { critical: 0, high: 1, medium: 2, low: 3 } as const
export type Priority = keyof typeof PRIORITIES

/** Inputs that launch a run, so they are errors when attach follows one launched before (resource
 *  too: its default is filled in by the schema, so parseInputs checks the raw text). */
export const LAUNCH_ONLY = [
  'job',
  'docker_image',
  'entry_point',
  'version',
  'name',
  'resource_args',
  'config',
  'run_id',
  'repository',
  'priority',
  'template_variables'
] as const

/** Inputs that only mean something with a queue. */
export const QUEUE_ONLY = ['priority', 'template_variables', 'project_queue', 'queue_timeout'] as const

export const DEFAULT_BASE_URL = 'https://api.wandb.ai'

/** attach by run path: how long a run not on W&B yet is waited for when queue_timeout is empty. */
export const ATTACH_WAIT_SECONDS = 600

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
  // following a run
  'progress_interval',
  'watch_metrics',
  'attach',
  // where a run came from, and taking an earlier run of the same launch
  'provenance',
  'reuse',
  // SDK setup
  'wandb_version',
  'extra_packages',
  // Gates on the run's metrics and the pull-request report
  'gates',
  'gate_missing',
  'gate_mode',
  'baseline',
  'tags',
  'comment',
  'comment_key',
  'github_token',
  'check_name',
  // Promotion of the model of a run that passed
  'promote',
  'promote_artifact',
  'promote_in_warn_mode'
] as const
type InputName = (typeof INPUT_NAMES)[number]
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
  /** Seconds between progress lines while a remote run runs; 0: none. */
  progressSeconds: number
  /** Summary keys the progress lines show. */
  watchMetrics: string[]
  /** Follow this run (launched before) instead of launching one. */
  attach?: AttachTarget
  /** SDK setup: which wandb, and what else to install with it. */
  wandbVersion: WandbVersion
  extraPackages: string[]
  /** Conditions on the run's summary metrics, checked once it has ended. */
  gates: Gate[]
  gateMissing: GateMissing
  /** warn: failed gates are warnings and the step stays green. */
  gateMode: 'fail' | 'warn'
  baseline?: BaselineInput
  /** Added to the run through the public API once it has ended. */
  tags: string[]
  /** Report on the pull request: one comment, edited in place. */
  comment: boolean
  /** Tells this step's comment from the others: comment_key, else workflow, job and launch inputs. */
  commentKey: string
  commentKeyGiven: boolean
  githubToken?: string
  /** Report as a check run of this name. */
  checkName?: string
  /** Record on the run where it came from (config.github, notes). */
  provenance: boolean
  /** Take an earlier run of the same launch on the same commit instead of launching. */
  reuse: boolean
  /** attach by run path: how long a run not on W&B yet is waited for (queue_timeout, else ATTACH_WAIT_SECONDS). */
  appearSeconds?: number
  /** Link the run's model to this collection with these aliases once it has passed. */
  promote?: Promotion
  /** Which logged artifact to promote, by name; else the run's only model. */
  promoteArtifact?: string
  /** With gate_mode warn: promote all the same when every gate passed. */
  promoteInWarnMode: boolean
}

/** The run the gates compare with: a run path, or run filters of which the newest finished run is taken. */
export type BaselineInput = { path: string } | { filters: Mapping }

interface QueueInputs {
  name: string
  /** launch_add's 0 (critical) to 3 (low). */
  priority?: number
  templateVariables?: Record<string, string | number | boolean>
  projectQueue?: string
  /** How long an agent may take to pick the item up. */
  timeoutSeconds?: number
}

/** A run by its path, or (with queue) a queue item whose run is looked up in entity/project. */
export type AttachTarget = { kind: 'run'; entity: string; project: string; runId: string } | { kind: 'queue_item'; itemId: string }

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

// The events the bridge writes to its stdout, one JSON object per line, and how a line is read.
import { z } from 'zod'
import { Mapping } from './request.js'
import { CurvesEvent, PromotionEvent } from './after-run.js'
import { PROVENANCE_EVENTS, ProvenanceEvent, ReusedEvent } from './provenance.js'

const MetricValue = z.union([z.string(), z.number(), z.boolean(), z.null()])

export const SdkEvent = z
  .strictObject({
    event: z.literal('sdk'),
    python: z.string(),
    python_version: z.string(),
    wandb_version: z.string().nullable()
  })
  .describe('The interpreter and the wandb found, before anything else.')

const SubmittedEvent = z
  .strictObject({
    event: z.literal('submitted'),
    run_id: z.string(),
    backend_id: z.string().nullable(),
    entity: z.string().nullable(),
    project: z.string().nullable(),
    run_type: z.string(),
    launch_seconds: z.number()
  })
  .describe('Direct mode and attach: the run was launched (or found).')

const QueuedEvent = z
  .strictObject({
    event: z.literal('queued'),
    queue_item_id: z.string(),
    queue: z.string(),
    project_queue: z.string(),
    run_id: z.string().nullable().describe('The run ID the agent is asked to use.'),
    entity: z.string().nullable(),
    project: z.string().nullable()
  })
  .describe('Queue mode: the item is on the queue.')

export const ProgressEvent = z
  .strictObject({
    event: z.literal('progress'),
    stage: z.string().describe("queued, claimed, item_failed, api_error, or the run's state (pending, running, ...)."),
    run_id: z.string().nullable(),
    item_state: z.string().nullable(),
    run_state: z.string().nullable(),
    message: z.string().nullable()
  })
  .describe('Sent once per change while following a queue item and its run, or a remote run.')

export const HeartbeatEvent = z
  .strictObject({
    event: z.literal('heartbeat'),
    run_id: z.string().nullable(),
    step: z.number().nullable(),
    metrics: z.record(z.string(), MetricValue)
  })
  .describe('A running remote run, at most every progress interval: its step and the watched metrics.')

export const RunLogEvent = z
  .strictObject({
    event: z.literal('run_log'),
    run_id: z.string().nullable(),
    lines: z.array(z.string()),
    note: z.string().nullable()
  })
  .describe('After a run that failed on W&B: the last lines of its output.log, or why there are none.')

export const RunRecordEvent = z
  .strictObject({
    event: z.literal('run_record'),
    state: z.string().nullable().describe('null when the run could not be read (error says why).'),
    summary: Mapping.describe("The run's summary metrics, nested keys as W&B stores them."),
    step: z.number().nullable().describe('The last history step, null without history.'),
    error: z.string().nullable(),
    missing: z.boolean().optional().describe('W&B has no run of that ID: the job never called wandb.init.')
  })
  .describe('After a synchronous run ended: the run as W&B recorded it, read back through the public API.')

export const BaselineEvent = z
  .strictObject({
    event: z.literal('baseline'),
    path: z.string().nullable().describe('null: no run matched.'),
    summary: Mapping.nullable(),
    error: z.string().nullable().describe('The lookup failed.')
  })
  .describe('With gates on a baseline: the run compared with.')

const TagsEvent = z
  .strictObject({
    event: z.literal('tags'),
    tags: z.array(z.string()),
    error: z.string().nullable().describe('null: added.')
  })
  .describe('With tags: what adding them to the run came to.')

export const ResultEvent = z
  .strictObject({
    event: z.literal('result'),
    state: z.string().nullable().describe("The run's state (either vocabulary), or UNCONFIRMED."),
    cancelled: z.boolean(),
    timed_out: z.boolean(),
    submitted: z.boolean(),
    cancel_error: z.string().nullable(),
    backend_id: z.string().nullish(),
    exit_code: z.number().int().nullish().describe("A local run: its process's exit code."),
    job_tail: z.array(z.string()).nullish().describe("A local run: the job's own last lines (none of the SDK's)."),
    queue_item_id: z.string().nullish().describe('Queue mode and attach by item from here on.'),
    run_id: z.string().nullish(),
    item_state: z.string().nullish(),
    item_error: z.string().nullish().describe("The failed queue item's error message."),
    item_error_stage: z.string().nullish().describe("Where the failed item's error arose (agent, build, ...)."),
    item_error_files: z.array(z.string()).nullish().describe('The files W&B names with that error.'),
    run_started: z.boolean().nullish().describe('An agent started the run (it was seen on W&B).'),
    queue_timed_out: z.boolean().nullish().describe('No agent picked the item up within queue_timeout.'),
    item_removed: z.boolean().nullish().describe('The item was taken off the queue (cancel, timeout, no agent).'),
    never_appeared: z.boolean().nullish().describe('attach by run path: the run was not on W&B within attach_wait_seconds.')
  })
  .describe('How the launch ended: the last event.')

const ERROR_KINDS = [
  'wandb_missing',
  'wandb_too_old',
  'wandb_unsatisfied',
  'packages_missing',
  'launch_error',
  'bad_request',
  'auth_rejected',
  'server_unreachable',
  'server_error',
  'job_not_found',
  'docker_unavailable',
  'runner_not_configured'
] as const

/** Error kinds after which nothing was launched and another interpreter may be tried. */
export const SDK_UNUSABLE = ['wandb_missing', 'wandb_too_old', 'wandb_unsatisfied', 'packages_missing'] as const

export const ErrorDetail = z
  .strictObject({
    base_url: z.string().optional(),
    status: z.number().int().nullish(),
    reason: z.string().optional().describe('server_unreachable: refused, DNS, TLS, timeout.'),
    entity: z.string().nullish().describe('job_not_found: where the job was looked for, and what is there.'),
    project: z.string().nullish(),
    name: z.string().optional(),
    alias: z.string().optional(),
    aliases: z.array(z.string()).optional(),
    close: z.array(z.string()).optional(),
    what: z.string().optional().describe("runner_not_configured: what the runner's client lacks.")
  })
  .describe('Facts for the cause-and-fix line of a classified error.')
export type ErrorDetail = z.infer<typeof ErrorDetail>

export const ErrorEvent = z
  .strictObject({
    event: z.literal('error'),
    kind: z.enum(ERROR_KINDS).describe('launch_error: not classified; each other kind has its own cause-and-fix line.'),
    message: z.string(),
    exception_type: z.string().nullable(),
    traceback: z.string().nullable(),
    detail: ErrorDetail.optional(),
    python: z.string().optional().describe('An unusable SDK: the interpreter that was tried.'),
    base_python: z.string().optional().describe('The interpreter to build a virtualenv from: the base of python when that is a venv.'),
    python_version: z.string().optional(),
    wandb_version: z.string().nullish(),
    requirement: z.string().nullish().describe('wandb_unsatisfied: the requirement the installed wandb does not meet.')
  })
  .describe('The launch failed before a result: the last event.')

export const EVENT_SCHEMAS = {
  sdk: SdkEvent,
  submitted: SubmittedEvent,
  queued: QueuedEvent,
  progress: ProgressEvent,
  heartbeat: HeartbeatEvent,
  run_log: RunLogEvent,
  run_record: RunRecordEvent,
  baseline: BaselineEvent,
  tags: TagsEvent,
  ...PROVENANCE_EVENTS,
  curves: CurvesEvent,
  promotion: PromotionEvent,
  result: ResultEvent,
  error: ErrorEvent
} as const

export const BridgeEvent = z.discriminatedUnion('event', [
  SdkEvent,
  SubmittedEvent,
  QueuedEvent,
  ProgressEvent,
  HeartbeatEvent,
  RunLogEvent,
  RunRecordEvent,
  BaselineEvent,
  TagsEvent,
  ProvenanceEvent,
  ReusedEvent,
  CurvesEvent,
  PromotionEvent,
  ResultEvent,
  ErrorEvent
])
export type BridgeEvent = z.infer<typeof BridgeEvent>
export type SdkEvent = z.infer<typeof SdkEvent>
type SubmittedEvent = z.infer<typeof SubmittedEvent>
type QueuedEvent = z.infer<typeof QueuedEvent>
export type ProgressEvent = z.infer<typeof ProgressEvent>
export type HeartbeatEvent = z.infer<typeof HeartbeatEvent>
export type RunLogEvent = z.infer<typeof RunLogEvent>
export type RunRecordEvent = z.infer<typeof RunRecordEvent>
export type BaselineEvent = z.infer<typeof BaselineEvent>
type TagsEvent = z.infer<typeof TagsEvent>
export type ResultEvent = z.infer<typeof ResultEvent>
export type ErrorEvent = z.infer<typeof ErrorEvent>

/** One line of the bridge's stdout as an event, or why it is not one (the field and the problem). */
export function parseEventLine(line: string): { ok: true; event: BridgeEvent } | { ok: false; problem: string } {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return { ok: false, problem: 'not JSON' }
  }
  const parsed = BridgeEvent.safeParse(value)
  if (parsed.success) return { ok: true, event: parsed.data }
  const issue = parsed.error.issues[0]
  const where = issue?.path.length ? issue.path.join('.') : 'the event'
  return { ok: false, problem: `${where}: ${issue?.message ?? 'invalid'}` }
}

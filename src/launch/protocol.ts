// The contract between the action and the Python bridge, written once. The bridge's JSON Schema
// (`npm run protocol`) is generated from these schemas and committed; the bridge's own protocol
// module mirrors it, and a test on each side fails when the two disagree.
//
// The process rules:
// - stdin: one request (BridgeRequest), then end of file. The API key is not in it: it travels in
//   the bridge's environment.
// - stdout: one event per line (BridgeEvent). The last is `result` or `error`; the stream closing
//   after `result` while the bridge runs on means an asynchronous local run was left detached.
// - stderr: the SDK's and the job's output, shown as the step's log.
// - SIGTERM: cancel. The bridge stops the run within CANCEL_SECONDS, its watchdog ends it at
//   WATCHDOG_SECONDS, and the action kills it at BRIDGE_CANCEL_SECONDS, so a cancel ends within 5 s.
import { z } from 'zod'
import { PROVENANCE_EVENTS, PROVENANCE_REQUEST, ProvenanceEvent, ReusedEvent } from './protocol-provenance.js'
import { AFTER_RUN_REQUEST, CurvesEvent, PromotionEvent } from './protocol-after-run.js'

// ---- shared constants ----------------------------------------------------------------------

/** The oldest wandb the bridge supports. */
export const MIN_WANDB_VERSION = '0.17.3'

/** A cancel whose stop the W&B API or the runner did not confirm in time. */
export const UNCONFIRMED = 'unconfirmed'

/** After SIGTERM: the bridge's own budget to stop the run and report. */
const CANCEL_SECONDS = 3.0
/** After SIGTERM: the bridge's watchdog reports what it has and exits. */
const WATCHDOG_SECONDS = 4.2
/** After SIGTERM: the action kills a bridge still running. */
export const BRIDGE_CANCEL_SECONDS = 4.6

// Two vocabularies of states meet in a result. W&B's run states (the run as W&B recorded it):
/** A W&B run still under way. */
const RUN_LIVE_STATES = ['running', 'pending', 'preempting'] as const
/** A W&B run that ended. */
const RUN_END_STATES = ['finished', 'failed', 'crashed', 'killed', 'preempted'] as const
/** A W&B run that ended without finishing. */
const RUN_FAILED_STATES = ['failed', 'crashed', 'killed', 'preempted'] as const
// And the SDK launch runner's states (the job as its runner saw it, direct mode):
/** A runner's job that ended. */
const RUNNER_END_STATES = ['finished', 'failed', 'stopped', 'preempted'] as const
/** Either vocabulary: the state of a run that failed the step. */
export const FAILED_STATES: readonly string[] = [...new Set([...RUN_FAILED_STATES, ...RUNNER_END_STATES])].filter((s) => s !== 'finished')

export const CONSTANTS = {
  MIN_WANDB_VERSION,
  UNCONFIRMED,
  CANCEL_SECONDS,
  WATCHDOG_SECONDS,
  BRIDGE_CANCEL_SECONDS,
  RUN_LIVE_STATES,
  RUN_END_STATES,
  RUN_FAILED_STATES,
  RUNNER_END_STATES
}

// ---- the request ---------------------------------------------------------------------------

const Mapping = z.record(z.string(), z.unknown())

export const LaunchArguments = z
  .strictObject({
    job: z.string().optional(),
    entry_point: z.array(z.string()).optional(),
    version: z.string().optional(),
    name: z.string().optional(),
    resource: z.string().optional().describe("Absent only in queue mode when not given: the queue's resource applies."),
    resource_args: Mapping.optional(),
    project: z.string().optional(),
    entity: z.string().optional(),
    docker_image: z.string().optional(),
    config: Mapping.optional(),
    run_id: z.string(),
    repository: z.string().optional()
  })
  .describe("wandb.sdk.launch.launch()'s arguments by the SDK's own names (launch_add()'s in queue mode).")

const QueueArguments = z
  .strictObject({
    name: z.string(),
    priority: z.number().int().optional(),
    template_variables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    project_queue: z.string().optional(),
    timeout_seconds: z.number().optional().describe('How long an agent may take to pick the item up.')
  })
  .describe("Queue mode: launch_add()'s queue arguments.")

const ProgressArguments = z
  .strictObject({
    interval_seconds: z.number().describe('Seconds between heartbeats of a running remote run; 0: none.'),
    metrics: z
      .array(z.string())
      .describe('Summary keys the heartbeats carry: the exact key, else a path through nested values split on ".".')
  })
  .describe('How a followed run is reported while it runs.')

const AttachArguments = z
  .union([z.strictObject({ run_path: z.string() }), z.strictObject({ queue_item_id: z.string() })])
  .describe('Follow a run launched before: by its path, or by its queue item.')

const BaselineArguments = z
  .union([z.strictObject({ path: z.string() }), z.strictObject({ filters: Mapping })])
  .describe('The run the gates compare with: by its path, or the newest finished run matching filters.')

export const BridgeRequest = z.strictObject({
  launch: LaunchArguments,
  queue: QueueArguments.optional(),
  synchronous: z.boolean().describe('The bridge always launches asynchronously in the SDK and does the waiting itself.'),
  timeout_seconds: z.number().optional(),
  progress: ProgressArguments,
  attach: AttachArguments.optional().describe('Instead of launching: follow this run (launch then holds only entity, project and run_id).'),
  detached_log: z.string().optional().describe("Asynchronous local runs outlive the action: the job's output is appended here."),
  wandb_requirement: z
    .string()
    .optional()
    .describe('A PEP 440 specifier wandb.__version__ must meet, checked before anything is launched (else wandb_unsatisfied).'),
  required_modules: z.array(z.string()).optional().describe("Modules the resource's runner imports, looked for likewise."),
  own_site_packages_first: z.boolean().optional().describe("Set for the action's own virtualenv: its site-packages go before PYTHONPATH."),
  baseline: BaselineArguments.optional(),
  tags: z.array(z.string()).optional().describe('Tags to add to the run after it ended.'),
  ...PROVENANCE_REQUEST,
  ...AFTER_RUN_REQUEST
})
export type BridgeRequest = z.infer<typeof BridgeRequest>
export type LaunchArguments = z.infer<typeof LaunchArguments>
type QueueArguments = z.infer<typeof QueueArguments>

// ---- the events ----------------------------------------------------------------------------

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

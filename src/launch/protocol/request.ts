// The request the action writes to the bridge's stdin: wandb.sdk.launch.launch()'s arguments by
// the SDK's own names, and how the bridge is to follow and report the run.
import { z } from 'zod'
import { AFTER_RUN_REQUEST } from './after-run.js'
import { PROVENANCE_REQUEST } from './provenance.js'

export const Mapping = z.record(z.string(), z.unknown())

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

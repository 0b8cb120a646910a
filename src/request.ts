// Inputs -> the request the Python bridge passes to wandb.sdk.launch.launch() (or, in queue mode,
// launch_add()), by the SDK's own argument names. The API key is not part of it: it travels in
// the bridge's environment.
import type { Inputs } from './inputs.js'
import { isLocal } from './resources.js'
import type { Mapping } from './values.js'

export interface LaunchArguments {
  job?: string
  entry_point?: string[]
  version?: string
  name?: string
  /** Absent only in queue mode when not given: the queue's resource applies. */
  resource?: string
  resource_args?: Mapping
  project?: string
  entity?: string
  docker_image?: string
  config?: Mapping
  run_id: string
  repository?: string
}

/** Queue mode: launch_add()'s queue arguments, and how long an agent may take. */
export interface QueueArguments {
  name: string
  priority?: number
  template_variables?: Record<string, string | number | boolean>
  project_queue?: string
  timeout_seconds?: number
}

/** How a followed run is reported while it runs (src/run_progress.py). */
export interface ProgressArguments {
  /** Seconds between heartbeats of a running remote run; 0: none. */
  interval_seconds: number
  /** Summary keys the heartbeats carry. */
  metrics: string[]
}

/** Follow a run launched before (src/attach.py): by its path, or by its queue item. */
export type AttachArguments = { run_path: string } | { queue_item_id: string }

export interface BridgeRequest {
  launch: LaunchArguments
  queue?: QueueArguments
  /** The bridge always launches asynchronously in the SDK and does the waiting itself. */
  synchronous: boolean
  timeout_seconds?: number
  progress: ProgressArguments
  /** Instead of launching: follow this run (launch then holds only entity, project and run_id). */
  attach?: AttachArguments
  /** Asynchronous local runs outlive the action: the job's output is appended here. */
  detached_log?: string
  /** SDK setup (src/sdk-setup.ts): a PEP 440 specifier wandb.__version__ must meet, checked
   *  before anything is launched; when it does not, the bridge reports wandb_unsatisfied. */
  wandb_requirement?: string
  /** Modules the resource's runner imports (kubernetes_asyncio, boto3, ...), looked for likewise. */
  required_modules?: string[]
  /** Set for the action's own virtualenv: its site-packages go before PYTHONPATH. */
  own_site_packages_first?: boolean
  /** After the run (src/after_run.py): the run the gates compare with, and tags to add. */
  baseline?: { path: string } | { filters: Mapping }
  tags?: string[]
}

export function buildRequest(inputs: Inputs, detachedLog?: string): BridgeRequest {
  const queue = inputs.queue
  const progress = { interval_seconds: inputs.progressSeconds, metrics: inputs.watchMetrics }
  if (inputs.attach) {
    const target = inputs.attach
    return withoutUndefined({
      launch: withoutUndefined({ run_id: inputs.runId, entity: inputs.entity, project: inputs.project }),
      queue: queue
        ? withoutUndefined({ name: queue.name, project_queue: queue.projectQueue, timeout_seconds: queue.timeoutSeconds })
        : undefined,
      attach: target.kind === 'run'
        ? { run_path: `${target.entity}/${target.project}/${target.runId}` }
        : { queue_item_id: target.itemId },
      synchronous: true,
      timeout_seconds: inputs.timeoutSeconds,
      progress
    })
  }
  const launch: LaunchArguments = {
    job: inputs.job,
    entry_point: inputs.entryPoint,
    version: inputs.version,
    name: inputs.name,
    // a queue has a resource of its own: only an explicit one goes into the spec
    resource: queue && !inputs.resourceGiven ? undefined : inputs.resource,
    resource_args: inputs.resourceArgs,
    project: inputs.project,
    entity: inputs.entity,
    docker_image: inputs.dockerImage,
    config: inputs.config,
    run_id: inputs.runId,
    repository: inputs.repository
  }
  return withoutUndefined({
    launch: withoutUndefined(launch),
    queue: queue
      ? withoutUndefined({
          name: queue.name,
          priority: queue.priority,
          template_variables: queue.templateVariables,
          project_queue: queue.projectQueue,
          timeout_seconds: queue.timeoutSeconds
        })
      : undefined,
    synchronous: inputs.synchronous,
    timeout_seconds: inputs.timeoutSeconds,
    progress,
    // nothing runs here in queue mode, so nothing outlives the action
    detached_log: !queue && isLocal(inputs.resource) && !inputs.synchronous ? detachedLog : undefined,
    baseline: inputs.baseline,
    tags: inputs.tags.length ? inputs.tags : undefined
  })
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

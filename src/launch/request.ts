// Inputs -> the request the Python bridge passes to wandb.sdk.launch.launch() (or, in queue mode,
// launch_add()), by the SDK's own argument names. The API key is not part of it: it travels in
// the bridge's environment.
import { ATTACH_WAIT_SECONDS, type Inputs } from '../inputs/inputs.js'
import { isLocal } from '../inputs/resources.js'
import type { BridgeRequest, LaunchArguments } from './protocol/index.js'
import { githubProvenance, launchKey, type Origin } from './provenance.js'

/** `origin`: the runner's variables and event payload, for the run's provenance (none without). */
export function buildRequest(inputs: Inputs, detachedLog?: string, origin?: Origin): BridgeRequest {
  const queue = inputs.queue
  const progress = { interval_seconds: inputs.progressSeconds, metrics: inputs.watchMetrics }
  const provenance = (key: string | null) => (inputs.provenance && origin ? githubProvenance(origin.env, origin.event, key) : undefined)
  if (inputs.attach) {
    const target = inputs.attach
    return withoutUndefined({
      launch: withoutUndefined({ run_id: inputs.runId, entity: inputs.entity, project: inputs.project }),
      queue: queue
        ? withoutUndefined({ name: queue.name, project_queue: queue.projectQueue, timeout_seconds: queue.timeoutSeconds })
        : undefined,
      attach: target.kind === 'run' ? { run_path: `${target.entity}/${target.project}/${target.runId}` } : { queue_item_id: target.itemId },
      synchronous: true,
      timeout_seconds: inputs.timeoutSeconds,
      progress,
      provenance: provenance(null),
      attach_wait_seconds: target.kind === 'run' ? (inputs.appearSeconds ?? ATTACH_WAIT_SECONDS) : undefined,
      baseline: inputs.baseline,
      tags: inputs.tags.length ? inputs.tags : undefined,
      curves: curves(inputs)
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
  const launchArguments = withoutUndefined(launch)
  const queueArguments = queue
    ? withoutUndefined({
        name: queue.name,
        priority: queue.priority,
        template_variables: queue.templateVariables,
        project_queue: queue.projectQueue,
        timeout_seconds: queue.timeoutSeconds
      })
    : undefined
  return withoutUndefined({
    launch: launchArguments,
    queue: queueArguments,
    synchronous: inputs.synchronous,
    timeout_seconds: inputs.timeoutSeconds,
    progress,
    // nothing runs here in queue mode, so nothing outlives the action
    detached_log: !queue && isLocal(inputs.resource) && !inputs.synchronous ? detachedLog : undefined,
    baseline: inputs.baseline,
    tags: inputs.tags.length ? inputs.tags : undefined,
    provenance: provenance(launchKey({ launch: launchArguments, queue: queueArguments })),
    reuse: inputs.reuse || undefined,
    curves: curves(inputs)
  })
}

/** Charts of the first few watched metrics, once a run that was waited on has ended. */
const CHARTED_METRICS = 3
/** Rows of each series asked of the server (its sampledHistory); the chart uses fewer points. */
const HISTORY_SAMPLES = 200

function curves(inputs: Inputs): BridgeRequest['curves'] {
  if (!inputs.synchronous || inputs.watchMetrics.length === 0) return undefined
  return { metrics: inputs.watchMetrics.slice(0, CHARTED_METRICS), samples: HISTORY_SAMPLES }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

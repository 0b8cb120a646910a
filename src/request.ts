// Inputs -> the request the Python bridge passes to wandb.sdk.launch.launch(), by the SDK's own
// argument names. The API key is not part of it: it travels in the bridge's environment.
import type { Inputs } from './inputs.js'
import type { Mapping } from './values.js'

export interface LaunchArguments {
  job?: string
  entry_point?: string[]
  version?: string
  name?: string
  resource: string
  resource_args?: Mapping
  project?: string
  entity?: string
  docker_image?: string
  config?: Mapping
  run_id: string
  repository?: string
}

export interface BridgeRequest {
  launch: LaunchArguments
  /** The bridge always launches asynchronously in the SDK and does the waiting itself. */
  synchronous: boolean
  timeout_seconds?: number
  /** Asynchronous local runs outlive the action: the job's output is appended here. */
  detached_log?: string
  /** SDK setup (src/sdk-setup.ts): a PEP 440 specifier wandb.__version__ must meet, checked
   *  before anything is launched; when it does not, the bridge reports wandb_unsatisfied. */
  wandb_requirement?: string
  /** Modules the resource's runner imports (kubernetes_asyncio, boto3, ...), looked for likewise. */
  required_modules?: string[]
  /** Set for the action's own virtualenv: its site-packages go before PYTHONPATH. */
  own_site_packages_first?: boolean
}

export function buildRequest(inputs: Inputs, detachedLog?: string): BridgeRequest {
  const launch: LaunchArguments = {
    job: inputs.job,
    entry_point: inputs.entryPoint,
    version: inputs.version,
    name: inputs.name,
    resource: inputs.resource,
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
    synchronous: inputs.synchronous,
    timeout_seconds: inputs.timeoutSeconds,
    detached_log: isLocal(inputs.resource) && !inputs.synchronous ? detachedLog : undefined
  })
}

export function isLocal(resource: string): boolean {
  return resource === 'local-process' || resource === 'local-container'
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

// The failures a user meets most, each as ONE line naming the cause and the fix, from the kind
// the bridge gave its error (the bridge knows the exception types; nothing here reads
// log text). The SDK's own message follows the line, in the annotation and the summary alike.
import type { ErrorDetail, ErrorEvent } from '../launch/protocol/events.js'
import type { Inputs } from '../inputs/inputs.js'

/** Lines of the SDK's message that go into the annotation; the whole message is in the log. */
export const SDK_MESSAGE_LINES = 6

const RUNNER_SETUP: Record<string, string> = {
  kubernetes: 'give this runner cluster access before this step (a kubeconfig via KUBECONFIG, or run it in the cluster)',
  sagemaker: 'configure AWS credentials and a region before this step (for example aws-actions/configure-aws-credentials)',
  'gcp-vertex': 'authenticate to Google Cloud before this step (for example google-github-actions/auth)'
}

function list(values: string[]): string {
  return values.map((v) => `"${v}"`).join(', ')
}

/** The cause-and-fix line for a classified error, or undefined for one the action cannot explain. */
function causeAndFix(error: ErrorEvent, inputs: Inputs): string | undefined {
  const d: ErrorDetail = error.detail ?? {}
  const server = d.base_url || inputs.baseUrl
  switch (error.kind) {
    case 'auth_rejected':
      return `The W&B server at ${server} rejected the API key (from ${inputs.apiKeyFrom}): check that the secret holds a current key for this server (keys are per server; base_url picks the server). Nothing was launched.`
    case 'server_unreachable':
      return `Could not connect to the W&B server at ${server} (${d.reason ?? 'no connection'}): check base_url (or WANDB_BASE_URL) and that this runner can reach that host (network, proxy, firewall, certificates). Nothing was launched.`
    case 'server_error':
      return `The W&B server at ${server} kept answering with server errors${d.status ? ` (HTTP ${d.status})` : ''} after retries: this is a problem on the server's side, not in the inputs; re-run the step later or check the server's status.`
    case 'job_not_found': {
      const job = d.name ? `${d.name}:${d.alias ?? 'latest'}` : inputs.job
      const where = d.entity && d.project ? ` in ${d.entity}/${d.project}` : ''
      const seen = d.aliases?.length
        ? `the job exists, but not with alias "${d.alias}"; its aliases: ${list(d.aliases)}`
        : d.close?.length
          ? `jobs there with a close name: ${list(d.close)}`
          : "no job of that name there, or the API key's user cannot see the project"
      return `Job ${job} was not found${where}: ${seen}. Check the job input (entity/project/name:alias). Nothing was ${inputs.queue ? 'queued' : 'launched'}.`
    }
    case 'docker_unavailable':
      return `No Docker daemon is available on this runner, and ${
        inputs.resourceGiven ? 'resource is local-container' : 'resource was not given, so local-container (the default) was used'
      }, which builds and runs the job with Docker: set resource: local-process to run the job as a plain process here, or queue: to hand it to a launch agent. Nothing was launched.`
    case 'runner_not_configured':
      return `The ${inputs.resource} runner found ${d.what ?? 'no configuration'}: ${RUNNER_SETUP[inputs.resource] ?? 'configure its client before this step'}, or use queue: to hand the run to a launch agent.`
    default:
      return undefined
  }
}

/** Kinds the bridge found by its own checks, before the SDK said anything. */
const OWN_CHECKS: readonly string[] = ['server_unreachable', 'docker_unavailable']

/** The step's error for a bridge error: the cause-and-fix line, then what the SDK said. */
export function explainError(error: ErrorEvent, inputs: Inputs): string {
  const said = shortened(error.message || error.exception_type || 'the launch failed')
  const line = causeAndFix(error, inputs)
  if (!line) return said
  return `${line}\n${OWN_CHECKS.includes(error.kind) ? said : `wandb said: ${said}`}`
}

/** A long SDK message (a docker build's output, say) keeps its first lines; launch.ts logs it whole. */
function shortened(message: string): string {
  const lines = message.trim().split('\n')
  if (lines.length <= SDK_MESSAGE_LINES) return message.trim()
  return `${lines.slice(0, SDK_MESSAGE_LINES).join('\n')}\n(${lines.length - SDK_MESSAGE_LINES} more lines in the step's log)`
}

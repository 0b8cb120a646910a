// The environment the bridge, the SDK and so the job start with: this step's, less what only the
// runner and this action may use. A local job inherits the bridge's environment, and with the
// runner's file-command paths it could set later steps' variables, PATH, outputs and summary
// (the stop-commands guard does not cover files); the Actions tokens would let it reach the
// runner's cache, results and OIDC services as this workflow. Everything else is kept.

/** Exact names the job never sees. */
const RUNNER_ONLY_NAMES = [
  'GITHUB_ENV',
  'GITHUB_PATH',
  'GITHUB_OUTPUT',
  'GITHUB_STATE',
  'GITHUB_STEP_SUMMARY',
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RUNTIME_URL',
  'ACTIONS_CACHE_URL',
  'ACTIONS_CACHE_SERVICE_V2',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_URL'
] as const

/** Prefixes of names the job never sees: the action's own inputs (the key among them) and saved state. */
const RUNNER_ONLY_PREFIXES = ['INPUT_', 'STATE_', 'ACTIONS_ID_TOKEN_REQUEST_']

export function isRunnerOnly(name: string): boolean {
  const upper = name.toUpperCase() // Windows names are case-insensitive
  return (RUNNER_ONLY_NAMES as readonly string[]).includes(upper) || RUNNER_ONLY_PREFIXES.some((p) => upper.startsWith(p))
}

/** A copy of env without the runner-only names. */
function jobEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !isRunnerOnly(name)))
}

/** The bridge's environment: the job's, with the API key and base URL the SDK reads (never argv). */
export function bridgeEnv(env: NodeJS.ProcessEnv, apiKey: string, baseUrl: string): NodeJS.ProcessEnv {
  return { ...jobEnv(env), WANDB_API_KEY: apiKey, WANDB_BASE_URL: baseUrl }
}

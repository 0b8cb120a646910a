// Values that must never reach the log in clear: the API key, and whatever a mapping holds under
// a key that names a secret. The SDK prints the launch spec (queue mode, redacted by the bridge as
// well) and, for local-process, the job's environment with the run config.
import * as core from '@actions/core'
import type { Inputs } from './inputs.js'

const SECRET_KEY = /secret|token|passw(or)?d|api[-_]?key|credential|private[-_]?key|auth/i

/**
 * The string values in a mapping that sit under a key that names a secret (password, token,
 * api_key, ...), at any depth; everything below such a key counts. Used to mask them in the log.
 */
function secretLookingValues(value: unknown, underSecret = false): string[] {
  if (typeof value === 'string') return underSecret && value.trim().length >= 3 ? [value] : []
  if (Array.isArray(value)) return value.flatMap((v) => secretLookingValues(v, underSecret))
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => secretLookingValues(v, underSecret || SECRET_KEY.test(k)))
  }
  return []
}

/** Masks the API key and every secret-looking value of the mappings the SDK may print. */
export function maskSecrets(inputs: Inputs): void {
  core.setSecret(inputs.apiKey)
  for (const mapping of [inputs.config, inputs.resourceArgs, inputs.queue?.templateVariables]) {
    for (const secret of secretLookingValues(mapping)) core.setSecret(secret)
  }
}

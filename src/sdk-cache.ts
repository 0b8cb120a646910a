// The virtualenv across workflow runs, through the Actions cache service. Everything here is
// best effort: a cache that cannot be reached or written costs a fresh install, never the step.
import * as cache from '@actions/cache'
import * as core from '@actions/core'
import { errorMessage } from './report.js'

let noticed = false

/** The service is there only inside an Actions job (ACTIONS_CACHE_URL / ACTIONS_RESULTS_URL). */
export function cacheAvailable(): boolean {
  let available = false
  try {
    available = cache.isFeatureAvailable()
  } catch {
    available = false
  }
  if (!available && !noticed) {
    noticed = true
    core.notice(
      'The Actions cache service is not available here (no ACTIONS_CACHE_URL or ACTIONS_RESULTS_URL): ' +
        'the W&B SDK virtualenv is not cached across workflow runs.'
    )
  }
  return available
}

/** True when the virtualenv was restored into dir. */
export async function restoreVenv(dir: string, key: string): Promise<boolean> {
  if (!cacheAvailable()) return false
  try {
    return (await cache.restoreCache([dir], key)) === key
  } catch (error) {
    core.warning(`Could not restore the W&B SDK virtualenv from the Actions cache: ${errorMessage(error)}`)
    return false
  }
}

export async function saveVenv(dir: string, key: string): Promise<void> {
  if (!cacheAvailable()) return
  try {
    await cache.saveCache([dir], key)
    core.info(`Saved the virtualenv to the Actions cache as ${key}`)
  } catch (error) {
    // Another job saving the same key first is the usual reason: their copy is as good as ours.
    core.info(`The virtualenv was not saved to the Actions cache: ${errorMessage(error)}`)
  }
}

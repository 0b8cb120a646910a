// The virtualenv across workflow runs, through the Actions cache service. Everything here is
// best effort: a cache that cannot be reached or written costs a fresh install, never the step.
// @actions/cache (with the Azure storage client under it) is loaded only when it is needed:
// loading it up front more than doubles the action's start-up, which the warm path must not pay.
import * as core from '@actions/core'
import { errorMessage } from '../text/error-message.js'

let noticed = false

/** The service is there only inside an Actions job (ACTIONS_CACHE_URL / ACTIONS_RESULTS_URL). */
// A chunk of its own (dist/<id>.index.js), read from disk only when the cache is used.
const loadCache = () => import('@actions/cache')

/** The same test as cache.isFeatureAvailable(), made before the module is loaded. */
async function cacheAvailable(env: Record<string, string | undefined> = process.env): Promise<boolean> {
  let available = false
  if (env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL) {
    try {
      available = (await loadCache()).isFeatureAvailable()
    } catch {
      available = false
    }
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
  if (!(await cacheAvailable())) return false
  try {
    return (await (await loadCache()).restoreCache([dir], key)) === key
  } catch (error) {
    core.warning(`Could not restore the W&B SDK virtualenv from the Actions cache: ${errorMessage(error)}`)
    return false
  }
}

export async function saveVenv(dir: string, key: string): Promise<void> {
  if (!(await cacheAvailable())) return
  try {
    // saveCache reports most failures as a warning of its own and returns -1.
    const id = await (await loadCache()).saveCache([dir], key)
    if (id !== -1) core.info(`Saved the virtualenv to the Actions cache as ${key}`)
  } catch (error) {
    // Another job saving the same key first is the usual reason: their copy is as good as ours.
    core.info(`The virtualenv was not saved to the Actions cache: ${errorMessage(error)}`)
  }
}

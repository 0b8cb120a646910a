// The virtualenv across workflow runs, through the Actions cache service. Everything here is
// best effort: a cache that cannot be reached or written costs a fresh install, never the step.
// @actions/cache (with the Azure storage client under it) is loaded only when it is needed:
// loading it up front more than doubles the action's start-up, which the warm path must not pay.
import * as core from '@actions/core'
import { errorMessage } from '../text/error-message.js'

let noticed = false

/**
 * How long a restore or a save may take. The toolkit's requests have no deadline of their own, so
 * a service that stops answering would hold the step for good; past this the virtualenv is
 * installed afresh (or left unsaved) and the request is abandoned.
 */
const CACHE_SECONDS = Number(process.env.WANDB_LAUNCH_ACTION_CACHE_SECONDS) || 300

class CacheTimeout extends Error {}

/** The service let a request run past its deadline: this run asks it nothing more. */
let unanswered = false

function withinDeadline<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CacheTimeout(`${what} did not answer within ${CACHE_SECONDS} s`)), CACHE_SECONDS * 1000)
  })
  return Promise.race([work, deadline])
    .catch((error: unknown) => {
      if (error instanceof CacheTimeout) unanswered = true
      throw error
    })
    .finally(() => clearTimeout(timer))
}

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
    const cache = await loadCache()
    return (await withinDeadline(cache.restoreCache([dir], key), 'the Actions cache service')) === key
  } catch (error) {
    core.warning(`Could not restore the W&B SDK virtualenv from the Actions cache: ${errorMessage(error)}`)
    return false
  }
}

export async function saveVenv(dir: string, key: string): Promise<void> {
  if (unanswered) {
    core.info('The virtualenv was not saved to the Actions cache: the service did not answer the restore either.')
    return
  }
  if (!(await cacheAvailable())) return
  try {
    // saveCache reports most failures as a warning of its own and returns -1.
    const cache = await loadCache()
    const id = await withinDeadline(cache.saveCache([dir], key), 'the Actions cache service')
    if (id !== -1) core.info(`Saved the virtualenv to the Actions cache as ${key}`)
  } catch (error) {
    if (error instanceof CacheTimeout) {
      core.warning(`The W&B SDK virtualenv was not saved to the Actions cache: ${error.message}. The next run installs it again.`)
      return
    }
    // Another job saving the same key first is the usual reason: their copy is as good as ours.
    core.info(`The virtualenv was not saved to the Actions cache: ${errorMessage(error)}`)
  }
}

// Promotion: once the verdict says the run passed, a second bridge process links the model the
// run logged (promote mode). A process of its own because the verdict (the gates) is only known
// after the launch's bridge has reported everything; it pays one more SDK import, only when a
// model is to be linked.
import * as core from '@actions/core'
import { randomUUID } from 'node:crypto'
import type { Inputs } from '../inputs/inputs.js'
import { inert } from '../text/markup.js'
import { Bridge } from './bridge-process.js'
import type { CancelHandle } from './follow.js'
import { bridgeEnv } from './job-env.js'
import { badEventsWarning } from './log-lines.js'
import type { PromotionOutcome, Submitted } from './outcome.js'
import type { PromotionEvent } from './protocol/after-run.js'
import type { BridgeRequest } from './protocol/index.js'

/** Links the run's model as the promote input says; never throws (a failure is in the outcome). */
export async function promoteModel(
  inputs: Inputs,
  python: string,
  launched: BridgeRequest,
  submitted: Submitted,
  cancel: CancelHandle,
  env: NodeJS.ProcessEnv = process.env
): Promise<PromotionOutcome> {
  const promote = inputs.promote!
  const request: BridgeRequest = {
    launch: { run_id: submitted.runId, entity: submitted.entity, project: submitted.project },
    synchronous: true,
    progress: { interval_seconds: 0, metrics: [] },
    promote: { parts: promote.parts, aliases: promote.aliases, ...(inputs.promoteArtifact ? { artifact: inputs.promoteArtifact } : {}) },
    // the same SDK as the launch's, found the same way
    ...(launched.wandb_requirement ? { wandb_requirement: launched.wandb_requirement } : {}),
    ...(launched.own_site_packages_first ? { own_site_packages_first: true } : {})
  }
  const outcome: { tried: true; event?: PromotionEvent; error?: string; wandbVersion?: string } = { tried: true }
  const tail: string[] = []
  const badEvents: string[] = [] // lines on the event stream the protocol does not know
  const stopToken = randomUUID()
  core.startGroup(`Promote the model of W&B run ${submitted.runId} to ${promote.target}`)
  process.stdout.write(`::stop-commands::${stopToken}\n`)
  try {
    const bridge = Bridge.start({
      python,
      request,
      env: bridgeEnv(env, inputs.apiKey, inputs.baseUrl),
      onLog: (lines) => {
        tail.push(...lines)
        tail.splice(0, Math.max(0, tail.length - 20))
        process.stdout.write(`${inert(lines.join('\n'))}\n`)
      },
      onBadEvent: (_line, problem) => badEvents.push(problem),
      onEvent: (event) => {
        if (event.event === 'promotion') outcome.event = event
        else if (event.event === 'sdk') outcome.wandbVersion = event.wandb_version ?? undefined
        else if (event.event === 'error') outcome.error = event.message
      }
    })
    cancel.bridge = bridge
    if (cancel.requested) bridge.cancel()
    const exit = await bridge.exited
    if (!outcome.event && !outcome.error) {
      outcome.error = `the bridge exited with code ${exit.code} before saying what linking came to${tail.length ? `; its last output: ${tail.slice(-5).join(' / ')}` : ''}`
    }
  } finally {
    cancel.bridge = undefined
    process.stdout.write(`::${stopToken}::\n`)
    core.endGroup()
    if (badEvents.length) core.warning(badEventsWarning(badEvents))
  }
  return outcome
}

// Runs the launch through the bridge and collects what it reports. Outputs are set the moment
// they are known, so a later step has the run ID even when this one then fails.
import * as core from '@actions/core'
import { randomUUID } from 'node:crypto'
import { Bridge, type ErrorEvent, type ResultEvent, type SdkEvent, type SubmittedEvent } from './bridge.js'
import type { Inputs } from './inputs.js'
import type { BridgeRequest } from './request.js'
import { appUrl, runUrl } from './run-url.js'
import { setOutputs } from './report.js'

export interface Submitted {
  runId: string
  runUrl: string
  entity: string
  project: string
  backendId?: string
}

export interface Outcome {
  sdk?: SdkEvent
  submitted?: Submitted
  result?: ResultEvent
  error?: ErrorEvent
  exitCode: number | null
  /** The last lines the bridge printed, for a bridge that died without reporting. */
  logTail: string[]
  seconds: number
}

/** What a signal handler needs: one cancel, however many signals arrive. */
export interface CancelHandle {
  requested: boolean
  bridge?: Bridge
}

const TAIL_LINES = 20

export async function launchAndFollow(
  inputs: Inputs,
  python: string,
  request: BridgeRequest,
  cancel: CancelHandle,
  env: NodeJS.ProcessEnv = process.env
): Promise<Outcome> {
  const started = Date.now()
  const outcome: Outcome = { exitCode: null, logTail: [], seconds: 0 }
  const app = appUrl(inputs.baseUrl, env.WANDB_APP_URL)
  const what = inputs.job ?? inputs.dockerImage
  // The SDK's and the job's output is not ours: workflow commands in it are not obeyed.
  const stopToken = randomUUID()
  const debugLines: string[] = [] // printed once workflow commands are obeyed again

  core.startGroup(`Launch ${what} on ${inputs.resource} (run ${inputs.runId})`)
  process.stdout.write(`::stop-commands::${stopToken}\n`)
  try {
    const bridge = Bridge.start({
      python,
      request,
      env: { ...env, WANDB_API_KEY: inputs.apiKey, WANDB_BASE_URL: inputs.baseUrl },
      onLog: (line) => {
        outcome.logTail.push(line)
        if (outcome.logTail.length > TAIL_LINES) outcome.logTail.shift()
        process.stdout.write(`${line}\n`)
      },
      onBadEvent: (line) => debugLines.push(`bridge: unreadable event ${line}`),
      onEvent: (event) => {
        switch (event.event) {
          case 'sdk':
            outcome.sdk = event
            if (event.wandb_version) setOutputs({ wandb_version: event.wandb_version })
            break
          case 'submitted': {
            const entity = event.entity ?? inputs.entity ?? ''
            const project = event.project ?? inputs.project ?? ''
            const runId = event.run_id || inputs.runId
            outcome.submitted = {
              runId,
              entity,
              project,
              runUrl: runUrl(app, entity, project, runId),
              backendId: event.backend_id ?? undefined
            }
            setOutputs({
              run_id: runId,
              run_url: outcome.submitted.runUrl,
              entity,
              project,
              backend_id: event.backend_id ?? ''
            })
            break
          }
          case 'result':
            outcome.result = event
            break
          case 'error':
            outcome.error = event
            if (event.traceback) debugLines.push(event.traceback)
            break
        }
      }
    })
    cancel.bridge = bridge
    if (cancel.requested) bridge.cancel() // a signal came while the bridge was being started
    const exit = await bridge.exited
    outcome.exitCode = exit.code
  } finally {
    cancel.bridge = undefined
    process.stdout.write(`::${stopToken}::\n`)
    for (const line of debugLines) core.debug(line)
    core.endGroup()
    outcome.seconds = (Date.now() - started) / 1000
  }
  return outcome
}

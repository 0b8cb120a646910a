// Runs the launch through the bridge and collects what it reports. Outputs are set the moment
// they are known, so a later step has the run ID even when this one then fails.
import * as core from '@actions/core'
import { randomUUID } from 'node:crypto'
import { Bridge } from './bridge-process.js'
import { badEventsWarning, groupTitle, heartbeatLine, progressLine, reusedLine } from './log-lines.js'
import { workflowRunUrl } from './provenance.js'
import type { BridgeRequest, SdkEvent } from './protocol/index.js'
import { SDK_MESSAGE_LINES } from '../verdict/error-advice.js'
import type { Inputs } from '../inputs/inputs.js'
import { bridgeEnv } from './job-env.js'
import { inert } from '../text/markup.js'
import type { Outcome, Submitted } from './outcome.js'
import { setOutputs } from '../report/outputs.js'
import { appUrl, runUrl } from '../text/run-url.js'

/** What a signal handler needs: one cancel, however many signals arrive. */
export interface CancelHandle {
  requested: boolean
  bridge?: Bridge
}

/** Lines of output kept: the failure report shows up to this many. */
const TAIL_LINES = 100

/**
 * Called once the bridge has said which SDK it runs (or has ended without saying), before the
 * launch log starts: the SDK setup closes its group there with the version it found.
 */
export type OnSdk = (sdk: SdkEvent | undefined) => void

/** What the caller is told while the launch goes on. */
export interface LaunchHooks {
  onSdk?: OnSdk
  /** The run is queued or running (it may be told twice in queue mode: queued, then running). */
  onStarted?: (stage: 'queued' | 'running', outcome: Outcome) => void
}

export async function launchAndFollow(
  inputs: Inputs,
  python: string,
  request: BridgeRequest,
  cancel: CancelHandle,
  { onSdk, onStarted }: LaunchHooks = {},
  env: NodeJS.ProcessEnv = process.env
): Promise<Outcome> {
  const started = Date.now()
  const outcome: Outcome = { exitCode: null, logTail: [], seconds: 0 }
  const app = appUrl(inputs.baseUrl, env.WANDB_APP_URL)
  // The SDK's and the job's output is not ours: workflow commands in it are not obeyed.
  const stopToken = randomUUID()
  const debugLines: string[] = [] // printed once workflow commands are obeyed again
  const badEvents: string[] = [] // lines on the event stream the protocol does not know

  // Where the run went, as the SDK resolved it; the inputs where it said nothing.
  const target = (event: { run_id: string | null; entity: string | null; project: string | null }): Submitted => {
    const entity = event.entity ?? inputs.entity ?? ''
    const project = event.project ?? inputs.project ?? ''
    const runId = event.run_id || inputs.runId
    return { runId, entity, project, runUrl: runUrl(app, entity, project, runId) }
  }
  const targetOutputs = (s: Submitted) => ({ run_id: s.runId, run_url: s.runUrl, entity: s.entity, project: s.project })

  // The launch group opens once the SDK is known; the few lines printed before are held back.
  const early: string[] = []
  let runningSeen = false // queue mode: the comment says "running" once
  let logOpen = false
  const openLog = (): void => {
    if (logOpen) return
    logOpen = true
    onSdk?.(outcome.sdk)
    core.startGroup(groupTitle(inputs))
    process.stdout.write(`::stop-commands::${stopToken}\n`)
    for (const line of early.splice(0)) process.stdout.write(`${line}\n`)
  }
  // Inside the launch group workflow commands are stopped: any text may be printed.
  // inert as well as inside stop-commands: the held-back lines may be printed after it
  const logLine = (text: string): void => logLines([text])
  // One write for all the lines of a chunk: a job may print millions of them.
  function logLines(lines: string[]): void {
    if (logOpen) process.stdout.write(`${inert(lines.join('\n'))}\n`)
    else early.push(...lines.map(inert))
  }
  try {
    const bridge = Bridge.start({
      python,
      request,
      // the job inherits the bridge's environment: none of the runner's files and tokens
      env: bridgeEnv(env, inputs.apiKey, inputs.baseUrl),
      onLog: (lines) => {
        outcome.logTail.push(...lines.slice(-TAIL_LINES))
        if (outcome.logTail.length > TAIL_LINES) outcome.logTail.splice(0, outcome.logTail.length - TAIL_LINES)
        logLines(lines)
      },
      onBadEvent: (line, problem) => {
        badEvents.push(problem)
        debugLines.push(`bridge: not an event of the protocol (${problem}): ${line}`)
      },
      onEvent: (event) => {
        switch (event.event) {
          case 'sdk':
            outcome.sdk = event
            if (event.wandb_version) {
              setOutputs({ wandb_version: event.wandb_version })
              openLog() // a usable SDK: the launch starts
            }
            break
          case 'submitted':
            outcome.submitted = { ...target(event), backendId: event.backend_id ?? undefined }
            setOutputs({ ...targetOutputs(outcome.submitted), backend_id: event.backend_id ?? '' })
            onStarted?.('running', outcome)
            break
          case 'queued':
            // the run ID and the item ID are known at once: a later step can follow either
            outcome.submitted = target(event)
            outcome.queued = { itemId: event.queue_item_id, queue: event.queue, projectQueue: event.project_queue }
            setOutputs({ queue_item_id: event.queue_item_id, ...targetOutputs(outcome.submitted) })
            onStarted?.('queued', outcome)
            break
          case 'progress': {
            const s = outcome.submitted
            if (s && event.run_id && event.run_id !== s.runId) {
              // the agent named the run itself
              s.runId = event.run_id
              s.runUrl = runUrl(app, s.entity, s.project, s.runId)
              setOutputs({ run_id: s.runId, run_url: s.runUrl })
            }
            if (event.stage === 'running' && !runningSeen) {
              runningSeen = true
              onStarted?.('running', outcome)
            }
            process.stdout.write(`${inert(progressLine(event, outcome, (Date.now() - started) / 1000, request.attach_wait_seconds))}\n`)
            break
          }
          case 'run_record':
            outcome.record = event
            break
          case 'heartbeat':
            process.stdout.write(`${heartbeatLine(event, outcome, (Date.now() - started) / 1000)}\n`)
            break
          case 'run_log':
            outcome.runLog = event
            break
          case 'baseline':
            outcome.baseline = event
            break
          case 'tags':
            outcome.tagsError = event.error ?? undefined
            break
          case 'provenance':
            outcome.provenanceError = event.error
            break
          case 'reused':
            outcome.reused = {
              runId: event.run_id,
              state: event.state,
              workflowRunUrl: workflowRunUrl(env, event.github_run_id, event.github_run_attempt)
            }
            logLine(reusedLine(outcome.reused, env.GITHUB_SHA))
            break
          case 'curves':
            outcome.curves = event
            break
          case 'promotion': // promote mode only (launch/promote.ts)
            break
          case 'result':
            outcome.result = event
            if (event.submitted && request.detached_log) outcome.logFile = request.detached_log
            break
          case 'error':
            outcome.error = event
            if (event.traceback) debugLines.push(event.traceback)
            // the annotation keeps the first lines of a long message
            if (event.message.split('\n').length > SDK_MESSAGE_LINES) logLine(`The whole error message:\n${event.message}`)
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
    // With no usable SDK, what the bridge said belongs to the setup group, which then closes;
    // otherwise the launch group shows it, even from a bridge that ended before naming its SDK.
    const inSetupGroup = !logOpen && onSdk !== undefined
    if (inSetupGroup) process.stdout.write(`::stop-commands::${stopToken}\n${early.map((l) => `${l}\n`).join('')}`)
    else openLog()
    process.stdout.write(`::${stopToken}::\n`)
    for (const line of debugLines) core.debug(line)
    if (badEvents.length) core.warning(badEventsWarning(badEvents))
    if (inSetupGroup) onSdk(undefined)
    else core.endGroup()
    outcome.seconds = (Date.now() - started) / 1000
  }
  return outcome
}

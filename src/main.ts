// The action, top to bottom: inputs, request, SDK (Python), launch and wait (bridge), report.
import * as core from '@actions/core'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { GitHubReport } from './report/github/github-report.js'
import { whatWhere } from './report/github/run-status.js'
import { InputError, readRawInputs, type Inputs } from './inputs/inputs.js'
import { parseInputs } from './inputs/schema.js'
import { stopInstallers } from './sdk/installer-process.js'
import { placeWithJob } from './inputs/job-defaults.js'
import { launchAndFollow, type CancelHandle, type LaunchHooks } from './launch/follow.js'
import { inert } from './text/markup.js'
import { findPython } from './sdk/python.js'
import { errorMessage } from './text/error-message.js'
import { annotation } from './verdict/verdict.js'
import { reportNotLaunched, reportOutcome } from './report/step-report.js'
import { readEventPayload } from './launch/provenance.js'
import { buildRequest } from './launch/request.js'
import { promoteModel } from './launch/promote.js'
import { decidePromotion } from './verdict/promotion.js'
import { CANCELLED, SdkSetup } from './sdk/setup.js'
import { maskSecrets } from './inputs/secrets.js'

export async function run(): Promise<void> {
  const cancel: CancelHandle = { requested: false }
  // The runner sends SIGINT on a cancelled workflow, then SIGTERM: both stop the run, once.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (cancel.requested) {
      core.info(`Received ${signal} again: still cancelling the run`)
      return
    }
    cancel.requested = true
    core.info(`Received ${signal}: cancelling the W&B run`)
    stopInstallers() // an SDK install in progress ends too
    cancel.bridge?.cancel()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  let inputs: Inputs | undefined
  try {
    const home = placeWithJob(parseInputs(readRawInputs()))
    inputs = home.inputs
    maskSecrets(inputs)
    if (home.note) core.info(home.note)
    // The pull-request comment and check run: set up beside the launch, never in its way.
    const github = GitHubReport.start(inputs)
    const launched = inputs
    const onStarted: LaunchHooks['onStarted'] = (stage, outcome) => {
      if (outcome.submitted) github?.started({ stage, submitted: { ...outcome.submitted }, queued: outcome.queued, ...whatWhere(launched) })
    }
    const python = await findPython(inputs.python)
    if (cancel.requested) throw new Error(CANCELLED)
    const detachedLog = path.join(process.env.RUNNER_TEMP || tmpdir(), `wandb-launch-${inputs.runId}.log`)
    const request = buildRequest(inputs, detachedLog, { env: process.env, event: readEventPayload(process.env) })
    // SDK: the interpreter's own wandb when it may meet wandb_version (the bridge itself checks,
    // as it starts), else the action's virtualenv.
    const sdk = new SdkSetup(inputs, python, request, () => cancel.requested)
    const first = await sdk.first()
    // Launch and wait; once more with the virtualenv when the bridge said the SDK would not do.
    let outcome = await launchAndFollow(inputs, first.python, first.request, cancel, { onSdk: first.onSdk, onStarted })
    const second = await sdk.fallback(outcome)
    if (second) outcome = await launchAndFollow(inputs, second.python, second.request, cancel, { onStarted })
    // Promotion: only once the verdict is known, with the SDK that launched.
    if (inputs.promote && !cancel.requested) {
      const decision = decidePromotion(outcome, inputs)
      const launched = second ?? first
      outcome.promotion =
        decision.promote && outcome.submitted
          ? await promoteModel(inputs, launched.python, launched.request, outcome.submitted, cancel)
          : { tried: false, why: decision.promote ? 'the run is unknown' : decision.why }
    }
    // Report: the step's verdict first, then GitHub's copy of it.
    const report = await reportOutcome(outcome, inputs)
    if (report.ok)
      core.info(inert(report.message)) // it quotes the server (states, messages)
    else core.setFailed(annotation(report))
    await github?.finish({
      conclusion: report.conclusion,
      message: report.message,
      seconds: outcome.seconds,
      submitted: outcome.submitted,
      sections: report.sections,
      gatesPassed: report.gates?.passed ?? true,
      ...whatWhere(inputs)
    })
  } catch (error) {
    const message = error instanceof InputError ? error.message : `wandb-launch: ${errorMessage(error)}`
    await reportNotLaunched(message, inputs)
    core.setFailed(message)
  }
  // The handlers stay: a late signal must not kill the process while it reports and exits.
}

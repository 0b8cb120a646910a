// The action, top to bottom: inputs, request, SDK (Python), launch and wait (bridge), report.
import * as core from '@actions/core'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { InputError, parseInputs, readRawInputs } from './inputs.js'
import { launchAndFollow, type CancelHandle } from './launch.js'
import { findPython } from './python.js'
import { errorMessage, reportOutcome } from './report.js'
import { buildRequest } from './request.js'
import { secretLookingValues } from './values.js'

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
    cancel.bridge?.cancel()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    const inputs = parseInputs(readRawInputs())
    core.setSecret(inputs.apiKey)
    if (inputs.queue) {
      // launch_add prints the launch spec; the bridge prints it redacted (launch_queue.py), and
      // values under secret-looking keys are masked too, wherever they might be printed.
      for (const mapping of [inputs.config, inputs.resourceArgs, inputs.queue.templateVariables]) {
        for (const secret of secretLookingValues(mapping)) core.setSecret(secret)
      }
    }
    const python = await findPython(inputs.python)
    if (cancel.requested) throw new Error('Cancelled before the launch started: nothing was launched.')
    const detachedLog = path.join(process.env.RUNNER_TEMP || tmpdir(), `wandb-launch-${inputs.runId}.log`)
    const request = buildRequest(inputs, detachedLog)
    const outcome = await launchAndFollow(inputs, python, request, cancel)
    const verdict = await reportOutcome(outcome, inputs)
    if (verdict.ok) core.info(verdict.message)
    else core.setFailed(verdict.message)
  } catch (error) {
    core.setFailed(error instanceof InputError ? error.message : `wandb-launch: ${errorMessage(error)}`)
  }
  // The handlers stay: a late signal must not kill the process while it reports and exits.
}

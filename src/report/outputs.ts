// The step's outputs (action.yml's outputs), set the moment each is known so that a later step
// has them even when this one then fails. Setting one never throws: a failure is a warning.
import * as core from '@actions/core'
import { errorMessage } from '../text/error-message.js'

/** Every output the action sets; action.yml declares exactly these (test/action/descriptions.test.ts). */
export const OUTPUT_NAMES = [
  'run_id',
  'run_url',
  'state',
  'entity',
  'project',
  'backend_id',
  'timed_out',
  'queue_item_id',
  'wandb_version',
  'log_file',
  'summary',
  'metrics',
  'gates',
  'gates_passed',
  'promoted_artifact',
  'promoted_version'
] as const
export type OutputName = (typeof OUTPUT_NAMES)[number]

export function setOutputs(values: Partial<Record<OutputName, string>>): void {
  for (const [name, value] of Object.entries(values)) {
    try {
      core.setOutput(name, value)
    } catch (error) {
      core.warning(`Could not set output ${name}: ${errorMessage(error)}`)
    }
  }
}

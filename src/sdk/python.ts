// Which Python interpreter runs the bridge: the `python` input, else python3, else python on PATH.
import { existsSync } from 'node:fs'
import * as io from '@actions/io'

export const HOW_TO_GET_WANDB =
  'add actions/setup-python and `pip install wandb` before this step, or set the python input to an interpreter that has wandb'

export async function findPython(requested?: string): Promise<string> {
  if (requested) {
    if (/[\\/]/.test(requested)) {
      if (existsSync(requested)) return requested
      throw new Error(`python: ${requested} does not exist; ${HOW_TO_GET_WANDB}`)
    }
    const found = await io.which(requested, false)
    if (found) return found
    throw new Error(`python: no ${requested} on PATH; ${HOW_TO_GET_WANDB}`)
  }
  for (const name of ['python3', 'python']) {
    const found = await io.which(name, false)
    if (found) return found
  }
  throw new Error(`Python was not found (no python3 or python on PATH): ${HOW_TO_GET_WANDB}`)
}

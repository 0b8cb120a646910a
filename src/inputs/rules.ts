// The rules between inputs that one input's parser cannot see: attach against the launch inputs,
// a local run's config size, template variable values, and the default comment key.
import type { z } from 'zod'
import { LAUNCH_ONLY, type AttachTarget, type RawInputs } from './inputs.js'
import { MAX_MAPPING_FILE_BYTES } from './mapping-file.js'
import { isLocal } from './resources.js'
import { checkRunId, type Mapping } from './values.js'

type Env = Record<string, string | undefined>

export const LAUNCHES = 'launches a run, but attach follows one launched before: remove it (or attach)'

type Parsed = Record<string, unknown> & { attach?: string; queue?: string; project?: string; synchronous?: boolean }

/** attach follows a run launched before: nothing may say how to launch one. */
export function checkAttach(v: Parsed, ctx: z.RefinementCtx): void {
  for (const name of LAUNCH_ONLY) {
    if (v[name] !== undefined) {
      ctx.addIssue({ code: 'custom', path: [name], message: LAUNCHES })
    }
  }
  if (v.synchronous === false) {
    ctx.addIssue({
      code: 'custom',
      path: ['synchronous'],
      message: 'attach always waits for the run: remove synchronous: false (or attach)'
    })
  }
  if (v.queue) {
    if (!v.project) {
      ctx.addIssue({ code: 'custom', path: ['project'], message: "is required with attach and queue: the project the item's run goes to" })
    }
  } else if (typeof v.attach === 'string' && !attachedRun(v.attach)) {
    ctx.addIssue({
      code: 'custom',
      path: ['attach'],
      message: `must be a run path entity/project/run_id (for example the entity, project and run_id outputs joined by /), got "${v.attach}"; a queue item ID needs queue as well`
    })
  }
}

export function attachedRun(text: string): AttachTarget | undefined {
  const parts = text.split('/')
  if (parts.length !== 3 || parts.some((p) => !p)) return undefined
  try {
    checkRunId(parts[2] as string)
  } catch {
    return undefined
  }
  return { kind: 'run', entity: parts[0] as string, project: parts[1] as string, runId: parts[2] as string }
}

/** A local run reads a large run config from a file the bridge writes, bounded as a mapping file is. */
export const LOCAL_RUN_CONFIG_BYTES = MAX_MAPPING_FILE_BYTES

export function localRunConfigBytes(resource: string, queue: string | undefined, config: Mapping | undefined): number {
  if (!isLocal(resource) || queue) return 0 // a queue's agent starts the run elsewhere
  const runConfig = (config?.overrides as Mapping | undefined)?.run_config
  return runConfig === undefined ? 0 : Buffer.byteLength(JSON.stringify(runConfig))
}

/** Template variable values: strings and numbers (booleans are passed as they are). */
export function templateValues(values: Mapping, ctx: z.RefinementCtx): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {}
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value
    else {
      ctx.addIssue({
        code: 'custom',
        message: `${key} must be a string or a number, got ${Array.isArray(value) ? 'a list' : value === null ? 'nothing' : `a ${typeof value}`}`
      })
    }
  }
  return out
}

/** What tells matrix entries apart (the runner gives an action no matrix): the launch inputs as
 *  written (a config file's path, not its contents, which a pull request may change). */
const LAUNCH_IDENTITY = [
  'job',
  'docker_image',
  'entry_point',
  'resource',
  'resource_args',
  'entity',
  'project',
  'config',
  'queue',
  'template_variables'
] as const

export function defaultCommentKey(raw: RawInputs, env: Env): string {
  const launch = LAUNCH_IDENTITY.map((name) => `${name}=${raw[name].trim()}`).join('\n')
  return `${env.GITHUB_WORKFLOW ?? ''}\n${env.GITHUB_JOB ?? ''}\n${launch}`
}

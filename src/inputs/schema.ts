// The one zod schema every input goes through, with the rules between inputs: all problems are
// reported at once, each naming the input, what it takes and the likely fix.
import { z } from 'zod'
import { parseExtraPackages, parseWandbVersion } from '../sdk/plan.js'
import { needsBaseline, parseGates } from '../verdict/gates.js'
import {
  ATTACH_WAIT_SECONDS,
  DEFAULT_BASE_URL,
  InputError,
  PRIORITIES,
  QUEUE_ONLY,
  type AttachTarget,
  type BaselineInput,
  type Priority,
  type Inputs,
  type RawInputs
} from './inputs.js'
import {
  attachedRun,
  checkAttach,
  checkReuse,
  defaultCommentKey,
  LAUNCHES,
  LOCAL_RUN_CONFIG_BYTES,
  localRunConfigBytes,
  templateValues
} from './rules.js'
import { parsePromote, parsePromoteArtifact } from './promote.js'
import { RESOURCES } from './resources.js'
import { checkRunId, didYouMean, generateRunId, parseBoolean, parseDuration, parseEntryPoint, parseMapping, parseTags } from './values.js'

type Env = Record<string, string | undefined>

/** A parser from values.ts as a zod transform: its error message becomes the input's issue. */
function parsed<T>(parse: (value: string) => T) {
  return (value: string, ctx: z.RefinementCtx): T => {
    try {
      return parse(value)
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) })
      return z.NEVER
    }
  }
}

const optionalText = z.string().transform((v) => v.trim() || undefined)

const RUN_PATH = /^[^\s/:{}[\]]+\/[^\s/:{}[\]]+\/[^\s/:{}[\]]+$/

const noSpaces = (what: string) => optionalText.refine((v) => v === undefined || !/\s/.test(v), `must be ${what} without spaces`)

function schema(workspace: string, env: Env) {
  const mapping = optionalText.transform((v, ctx) =>
    v === undefined ? undefined : parsed((text) => parseMapping(text, workspace))(v, ctx)
  )
  return z
    .object({
      job: noSpaces('a job reference like entity/project/name:alias').refine(
        (v) => v === undefined || /^[^/:]+(\/[^/:]+){0,2}(:[^/:]+)?$/.test(v),
        'must be a job reference like entity/project/name:alias'
      ),
      docker_image: noSpaces('an image reference like registry/image:tag'),
      entry_point: optionalText.transform((v, ctx) => (v === undefined ? undefined : parsed(parseEntryPoint)(v, ctx))),
      version: optionalText,
      name: optionalText,
      resource: z
        .string()
        .transform((v) => v.trim() || 'local-container')
        .pipe(
          z.enum(RESOURCES, { error: (issue) => `must be one of ${RESOURCES.join(', ')}${didYouMean(String(issue.input), RESOURCES)}` })
        ),
      resource_args: mapping,
      project: noSpaces('a project name'),
      entity: noSpaces('an entity name'),
      config: mapping,
      synchronous: z
        .string()
        .transform((v) => v.trim() || 'true')
        // Not .pipe(): its issue aborts the object, so the checks below would not run.
        .transform(parsed(parseBoolean)),
      run_id: optionalText.transform((v, ctx) => (v === undefined ? undefined : parsed(checkRunId)(v, ctx))),
      repository: optionalText,
      api_key: optionalText,
      base_url: z
        .string()
        .transform((v) => v.trim().replace(/\/+$/, ''))
        .refine((v) => /^https?:\/\/[^\s/]+(\/\S*)?$/.test(v), 'must be an http:// or https:// URL'),
      python: optionalText,
      timeout: optionalText.transform((v, ctx) => (v === undefined ? undefined : parsed(parseDuration)(v, ctx))),
      queue: noSpaces('a queue name'),
      priority: optionalText.transform((v, ctx) => {
        if (v === undefined) return undefined
        const level = v.toLowerCase()
        if (Object.hasOwn(PRIORITIES, level)) return PRIORITIES[level as Priority]
        // launch_add's own numbers are accepted as well as their names
        if (/^[0-3]$/.test(level)) return Number(level)
        ctx.addIssue({
          code: 'custom',
          message: `must be one of ${Object.keys(PRIORITIES).join(', ')}, or launch_add's number for it, 0 (critical) to 3 (low)${didYouMean(v, Object.keys(PRIORITIES))}`
        })
        return z.NEVER
      }),
      template_variables: mapping.transform((v, ctx) => (v === undefined ? undefined : templateValues(v, ctx))),
      project_queue: noSpaces('a project name'),
      queue_timeout: optionalText.transform((v, ctx) => (v === undefined ? undefined : parsed(parseDuration)(v, ctx))),
      progress_interval: z.string().transform(parsed((v) => (/^0+(\.0*)?[smh]?$/i.test(v.trim()) ? 0 : parseDuration(v || '60s')))),
      watch_metrics: z.string().transform((v) =>
        v
          .split(/[,\n]/)
          .map((m) => m.trim())
          .filter(Boolean)
      ),
      attach: noSpaces('a run path entity/project/run_id, or with queue a queue item ID'),
      wandb_version: z.string().transform(parsed(parseWandbVersion)),
      extra_packages: z.string().transform(parsed(parseExtraPackages)),
      gates: z.string().transform(parsed(parseGates)),
      gate_missing: z
        .string()
        .transform((v) => v.trim() || 'fail')
        .pipe(z.enum(['fail', 'pass'], { error: 'must be fail or pass' })),
      gate_mode: z
        .string()
        .transform((v) => v.trim() || 'fail')
        .pipe(z.enum(['fail', 'warn'], { error: 'must be fail or warn' })),
      baseline: optionalText.transform((v, ctx): BaselineInput | undefined => {
        if (v === undefined) return undefined
        if (RUN_PATH.test(v)) return { path: v }
        const filters = parsed((text) => parseMapping(text, workspace))(v, ctx)
        return filters === z.NEVER ? z.NEVER : { filters }
      }),
      tags: z.string().transform(parsed(parseTags)),
      comment: z
        .string()
        .transform((v) => v.trim() || 'false')
        .transform(parsed(parseBoolean)),
      comment_key: optionalText.refine((v) => v === undefined || !v.includes('-->'), 'must not contain -->'),
      github_token: optionalText,
      check_name: optionalText,
      provenance: z
        .string()
        .transform((v) => v.trim() || 'true')
        .transform(parsed(parseBoolean)),
      reuse: z
        .string()
        .transform((v) => v.trim() || 'false')
        .transform(parsed(parseBoolean)),
      promote: z.string().transform(parsed(parsePromote)),
      promote_artifact: z.string().transform(parsed(parsePromoteArtifact)),
      promote_in_warn_mode: z
        .string()
        .transform((v) => v.trim() || 'false')
        .transform(parsed(parseBoolean))
    })
    .superRefine(
      (v, ctx) => {
        if (v.attach) checkAttach(v, ctx)
        else if (Boolean(v.job) === Boolean(v.docker_image)) {
          ctx.addIssue({
            code: 'custom',
            path: ['job'],
            message: v.job
              ? 'job and docker_image were both given: give exactly one of the two'
              : 'give exactly one of job (entity/project/name:alias) or docker_image'
          })
        }
        if (!v.api_key) {
          ctx.addIssue({
            code: 'custom',
            path: ['api_key'],
            message: 'is required: set api_key (for example ${{ secrets.WANDB_API_KEY }}) or the WANDB_API_KEY environment variable'
          })
        }
        for (const name of QUEUE_ONLY) {
          // attach by run path: queue_timeout bounds the wait for a run not on W&B yet
          if (v[name] !== undefined && !v.queue && !(name === 'queue_timeout' && v.attach)) {
            ctx.addIssue({ code: 'custom', path: [name], message: 'applies only to queue mode: it needs queue' })
          }
        }
        if (typeof v.queue_timeout === 'number' && v.synchronous === false && v.queue && !v.attach) {
          ctx.addIssue({
            code: 'custom',
            path: ['queue_timeout'],
            message: 'applies only while waiting for an agent: it needs synchronous: true'
          })
        }
        if (v.synchronous === false) {
          // gates and tags need the run to have ended: its summary, and a run that exists
          for (const name of ['gates', 'baseline', 'tags'] as const) {
            const value = v[name]
            if (value !== undefined && (!Array.isArray(value) || value.length > 0)) {
              ctx.addIssue({ code: 'custom', path: [name], message: 'applies only when the run is waited on: it needs synchronous: true' })
            }
          }
        }
        if (Array.isArray(v.gates)) {
          const withBaseline = v.gates.filter((g) => g.threshold.kind === 'baseline')
          if (withBaseline.length && !v.baseline) {
            ctx.addIssue({
              code: 'custom',
              path: ['gates'],
              message: `${withBaseline.map((g) => `"${g.text}"`).join(', ')} compare${withBaseline.length === 1 ? 's' : ''} with baseline: set the baseline input (a run path entity/project/run_id, or run filters such as {state: finished, tags: main})`
            })
          }
          if (v.baseline && !needsBaseline(v.gates)) {
            ctx.addIssue({
              code: 'custom',
              path: ['baseline'],
              message: 'is only used by gates that compare with baseline (eval/acc >= baseline - 0.01): add one, or leave baseline empty'
            })
          }
        }
        if (!v.promote) {
          for (const name of ['promote_artifact', 'promote_in_warn_mode'] as const) {
            if (v[name])
              ctx.addIssue({ code: 'custom', path: [name], message: 'applies only with promote: set promote, or leave this empty' })
          }
        } else if (v.synchronous === false) {
          ctx.addIssue({ code: 'custom', path: ['promote'], message: 'links the model of a run that passed: it needs synchronous: true' })
        }
        for (const name of ['comment', 'check_name'] as const) {
          if (v[name] && !v.github_token) {
            ctx.addIssue({
              code: 'custom',
              path: ['github_token'],
              message: `is empty, and ${name} needs a token: leave github_token at its default, \${{ github.token }}, or give one`
            })
          }
        }
        const runConfig = localRunConfigBytes(v.resource, v.queue, v.config)
        if (runConfig > LOCAL_RUN_CONFIG_BYTES) {
          ctx.addIssue({
            code: 'custom',
            path: ['config'],
            message: `overrides.run_config is ${runConfig} bytes as JSON; a ${v.resource} run gets at most ${LOCAL_RUN_CONFIG_BYTES} bytes (8 MiB) of run config, through a file wandb.init reads (a mapping file's own limit; YAML aliases make a config larger than its file): move the large data into an artifact the run reads (run.use_artifact) and keep the run config to its parameters`
          })
        }
        if (v.reuse === true) checkReuse(v, ctx, env)
        if (typeof v.timeout === 'number' && v.synchronous === false) {
          // not when timeout itself failed
          ctx.addIssue({
            code: 'custom',
            path: ['timeout'],
            message: 'applies only while waiting: it needs synchronous: true'
          })
        }
      },
      { when: () => true }
    ) // also when a field failed: every problem is reported at once
}

/** Parses every input at once; throws InputError listing all problems, each naming its input. */
export function parseInputs(raw: RawInputs, env: Env = process.env): Inputs {
  const withEnvDefaults = {
    ...raw,
    api_key: raw.api_key.trim() || env.WANDB_API_KEY || '',
    base_url: raw.base_url.trim() || env.WANDB_BASE_URL?.trim() || DEFAULT_BASE_URL
  }
  const result = schema(env.GITHUB_WORKSPACE || process.cwd(), env).safeParse(withEnvDefaults)
  const problems = result.success ? [] : result.error.issues.map((issue) => `${String(issue.path[0] ?? 'inputs')}: ${issue.message}`)
  if (raw.attach.trim() && raw.resource.trim()) problems.push(`resource: ${LAUNCHES}`)
  if (!result.success || problems.length) throw new InputError(problems)
  const v = result.data
  const attach: AttachTarget | undefined = !v.attach
    ? undefined
    : v.queue
      ? { kind: 'queue_item', itemId: v.attach }
      : attachedRun(v.attach)
  return {
    job: v.job,
    dockerImage: v.docker_image,
    entryPoint: v.entry_point,
    version: v.version,
    name: v.name,
    resource: v.resource,
    resourceGiven: raw.resource.trim() !== '',
    resourceArgs: v.resource_args,
    project: v.project,
    entity: v.entity,
    config: v.config,
    synchronous: v.synchronous,
    runId: attach?.kind === 'run' ? attach.runId : (v.run_id ?? generateRunId()),
    runIdGenerated: v.run_id === undefined && !attach,
    repository: v.repository,
    apiKey: v.api_key as string,
    apiKeyFrom: raw.api_key.trim() ? 'the api_key input' : 'WANDB_API_KEY',
    baseUrl: v.base_url,
    python: v.python,
    timeoutSeconds: v.timeout,
    queue: v.queue
      ? {
          name: v.queue,
          priority: v.priority,
          templateVariables: v.template_variables,
          projectQueue: v.project_queue,
          timeoutSeconds: v.queue_timeout
        }
      : undefined,
    progressSeconds: v.progress_interval,
    watchMetrics: v.watch_metrics,
    attach,
    wandbVersion: v.wandb_version,
    extraPackages: v.extra_packages,
    gates: v.gates,
    gateMissing: v.gate_missing,
    gateMode: v.gate_mode,
    baseline: v.baseline,
    tags: v.tags,
    comment: v.comment,
    commentKey: v.comment_key ?? defaultCommentKey(raw, env),
    commentKeyGiven: v.comment_key !== undefined,
    githubToken: v.github_token,
    checkName: v.check_name,
    provenance: v.provenance,
    reuse: v.reuse,
    appearSeconds: attach?.kind === 'run' ? (v.queue_timeout ?? ATTACH_WAIT_SECONDS) : undefined,
    promote: v.promote,
    promoteArtifact: v.promote_artifact,
    promoteInWarnMode: v.promote_in_warn_mode
  }
}

// What the report shows after the run adds to the contract with the bridge: the charted
// metrics' history, and promote mode, which links the model of a run that passed.
import { z } from 'zod'

const CurvesArguments = z
  .strictObject({
    metrics: z.array(z.string()).describe('History keys to chart, each read on its own (Run.history(samples, keys=[metric])).'),
    samples: z.number().int().describe('Rows asked of the server for each series (its sampledHistory).')
  })
  .describe("After the run ended: these metrics' sampled history, this run's and the baseline run's.")

const PromoteArguments = z
  .strictObject({
    parts: z
      .array(z.string())
      .describe("The collection path's parts as given: [name], [project, name] or [entity or organization, project, name]."),
    aliases: z.array(z.string()),
    artifact: z.string().optional().describe("The logged artifact to link, by name; absent: the run's only model (type model).")
  })
  .describe(
    'Instead of launching: link the newest version of a model the run (launch.entity/project/run_id) logged to this collection, with Artifact.link.'
  )

/** The request's fields for them. */
export const AFTER_RUN_REQUEST = { curves: CurvesArguments.optional(), promote: PromoteArguments.optional() }

const Point = z.array(z.number()).length(2).describe('[step, value]')

export const CurvesEvent = z
  .strictObject({
    event: z.literal('curves'),
    curves: z.array(
      z.strictObject({
        metric: z.string(),
        run: z.array(Point).describe("This run's finite values in step order."),
        baseline: z.array(Point).nullable().describe("The baseline run's; null without a baseline run.")
      })
    ),
    error: z.string().nullable().describe('What could not be read (that series is left out).')
  })
  .describe('With curves: the sampled history of each charted metric.')

export const PromotionEvent = z
  .strictObject({
    event: z.literal('promotion'),
    artifact: z.string().nullable().describe('The logged artifact linked, entity/project/name:vN.'),
    target: z.string().nullable().describe('The collection path it was linked to, as passed to Artifact.link.'),
    path: z.string().nullable().describe('The linked version as the public API reads it back, entity/project/name:vN.'),
    version: z.string().nullable(),
    aliases: z.array(z.string()).describe("The linked version's aliases, as read back."),
    skipped: z.string().nullable().describe('Why nothing was linked though nothing failed: no model logged, several and none named.'),
    error: z.string().nullable().describe('The link failed: why.')
  })
  .describe('Promote mode: what linking the model came to.')

export type CurvesEvent = z.infer<typeof CurvesEvent>
export type PromotionEvent = z.infer<typeof PromotionEvent>

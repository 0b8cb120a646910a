// What provenance and reuse add to the contract with the bridge: the request's record of where a run came from and the two events about it.
import { z } from 'zod'

export const GithubProvenance = z
  .strictObject({
    repository: z.string(),
    sha: z.string().describe('GITHUB_SHA: on pull_request events the merge commit GitHub tested.'),
    ref: z.string().nullish(),
    event: z.string().nullish(),
    workflow: z.string().nullish(),
    job: z.string().nullish(),
    run_id: z.string().nullish(),
    run_attempt: z.number().int().nullish(),
    run_url: z.string().nullish().describe("The workflow run's page, at the attempt that launched."),
    pull_request: z.number().int().nullish(),
    head_sha: z.string().nullish().describe("The pull request's head commit."),
    actor: z.string().nullish(),
    launch_key: z.string().nullish().describe('SHA-256 of the launch inputs (launchKey); null for a run followed with attach.')
  })
  .describe("Where the run came from: the run's config.github, and a link in its notes.")

export const ProvenanceEvent = z
  .strictObject({
    event: z.literal('provenance'),
    run_id: z.string().nullable(),
    error: z.string().describe('Why the run could not be given its provenance.')
  })
  .describe("The run's provenance could not be written (sent once, only then).")

export const ReusedEvent = z
  .strictObject({
    event: z.literal('reused'),
    run_id: z.string(),
    entity: z.string(),
    project: z.string(),
    state: z.string().nullable(),
    github_run_id: z.string().nullable().describe('The workflow run that launched it, as its provenance records.'),
    github_run_attempt: z.number().int().nullable()
  })
  .describe('reuse: an earlier run of the same launch on this commit is followed instead of launching.')

/** The request's fields for provenance, reuse and attach's wait (BridgeRequest holds them). */
export const PROVENANCE_REQUEST = {
  provenance: GithubProvenance.optional().describe('Written on the run once it exists (absent: nothing is written).'),
  reuse: z.boolean().optional().describe('Before launching: take an earlier run of the same launch key on the same commit.'),
  attach_wait_seconds: z.number().optional().describe('attach by run path: how long a run not on W&B yet is waited for.')
}

/** The events provenance and reuse add (EVENT_SCHEMAS holds them). */
export const PROVENANCE_EVENTS = { provenance: ProvenanceEvent, reused: ReusedEvent } as const

export type GithubProvenance = z.infer<typeof GithubProvenance>

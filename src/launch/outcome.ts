// What one launch came to, as the bridge reported it: collected while the launch is followed,
// judged and summarised afterwards, and read by the SDK setup to tell an SDK that would not do.
import type { CurvesEvent, PromotionEvent } from './protocol/after-run.js'
import type { BaselineEvent, ErrorEvent, ResultEvent, RunLogEvent, RunRecordEvent, SdkEvent } from './protocol/events.js'

export interface Submitted {
  runId: string
  runUrl: string
  entity: string
  project: string
  backendId?: string
}

/** Queue mode: where the item went. */
export interface Queued {
  itemId: string
  queue: string
  projectQueue: string
}

/** reuse: an earlier run of the same launch on this commit, and the workflow run that launched it. */
export interface Reused {
  runId: string
  state: string | null
  /** Built from this repository and the recorded run ID and attempt (digits only), never taken as text. */
  workflowRunUrl?: string
}

export interface Outcome {
  sdk?: SdkEvent
  submitted?: Submitted
  queued?: Queued
  result?: ResultEvent
  /** The run as W&B recorded it once it ended (synchronous runs). */
  record?: RunRecordEvent
  /** The run the baseline gates compare with, as the bridge looked it up. */
  baseline?: BaselineEvent
  /** Adding the tags to the run failed: why. */
  tagsError?: string
  /** Writing the run's provenance failed: why. */
  provenanceError?: string
  /** reuse: the earlier run of the same launch that was taken instead of launching. */
  reused?: Reused
  /** The charted metrics' sampled history, this run's and the baseline run's. */
  curves?: CurvesEvent
  /** With promote: whether the model was linked, and what came of it. */
  promotion?: PromotionOutcome
  error?: ErrorEvent
  /** A run that failed on W&B: the end of its output.log. */
  runLog?: RunLogEvent
  /** synchronous false, local: where the job's output goes while it runs on. */
  logFile?: string
  exitCode: number | null
  /** The last lines the bridge printed (the SDK's and a local job's output): why a local run
   *  failed, or a bridge that died without reporting. */
  logTail: string[]
  seconds: number
}

/** Promotion after the verdict: not tried (why), or what linking came to (a bridge of its own). */
export type PromotionOutcome =
  { tried: false; why: string } | { tried: true; event?: PromotionEvent; error?: string; wandbVersion?: string }

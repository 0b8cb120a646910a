// What one launch came to, as the bridge reported it: collected by src/launch.ts, judged and
// summarised by src/report.ts, and read by src/sdk-setup.ts to tell an SDK that would not do.
import type { BaselineEvent, ErrorEvent, ResultEvent, RunRecordEvent, SdkEvent } from './bridge.js'

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
  error?: ErrorEvent
  exitCode: number | null
  /** The last lines the bridge printed, for a bridge that died without reporting. */
  logTail: string[]
  seconds: number
}

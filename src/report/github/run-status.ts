// What the pull-request comment and the check run show: the launch as it stands (queued or
// running, with the run's link) or as it ended (the verdict, duration and gates table).
import type { Queued, Submitted } from '../../launch/outcome.js'

/** The launch was handed over: the run is on a queue, or running. */
export interface Started {
  stage: 'queued' | 'running'
  submitted: Submitted
  queued?: Queued
  /** What ran where: the job or image, and the resource or queue. */
  what: string
  where: string
}

/** GitHub's words for how a check run ended, as the step ended. */
export type Conclusion = 'success' | 'failure' | 'cancelled' | 'timed_out'

export interface Ended {
  conclusion: Conclusion
  /** The step's verdict, one line. */
  message: string
  seconds: number
  submitted?: Submitted
  what: string
  where: string
  /** The gates as a Markdown table, empty without gates. */
  gatesTable: string
  gatesPassed: boolean
}

// What the pull-request comment and the check run show: the launch as it stands (queued or
// running, with the run's link) or as it ended (the verdict, duration and the report's sections).
import type { Inputs } from '../../inputs/inputs.js'
import type { Queued, Submitted } from '../../launch/outcome.js'
import type { ReportSections } from '../sections.js'
import type { Conclusion } from '../../verdict/verdict.js'

/** The launch was handed over: the run is on a queue, or running. */
export interface Started {
  stage: 'queued' | 'running'
  submitted: Submitted
  queued?: Queued
  /** What ran where: the job or image, and the resource or queue. */
  what: string
  where: string
}

export interface Ended {
  conclusion: Conclusion
  /** The step's verdict, one line. */
  message: string
  seconds: number
  submitted?: Submitted
  what: string
  where: string
  /** The gates, the promotion, the comparison and the curves, each fitted to the room it gets. */
  sections: ReportSections
  gatesPassed: boolean
}

/** What ran where, as the comment and the check run name it. */
export function whatWhere(inputs: Inputs): { what: string; where: string } {
  return {
    what: inputs.job ?? inputs.dockerImage ?? '',
    where: inputs.queue ? `queue ${inputs.queue.name}` : inputs.resource
  }
}

// The run goes where the job lives: entity and project that are not given come from the job
// reference (entity/project/name:alias), not from the API key's default entity, which the SDK
// would use. That default applies only to docker_image launches, which name no entity.
import type { Inputs } from './inputs.js'

export interface JobHome {
  inputs: Inputs
  /** One line for the log when the job's entity or project was taken; undefined otherwise. */
  note?: string
}

export function placeWithJob(inputs: Inputs): JobHome {
  if (!inputs.job) return { inputs }
  const parts = inputs.job.split(':')[0]!.split('/')
  const jobProject = parts.length >= 2 ? parts.at(-2) : undefined
  const jobEntity = parts.length >= 3 ? parts.at(-3) : undefined
  const entity = inputs.entity ?? jobEntity
  const project = inputs.project ?? jobProject
  const taken = [
    inputs.entity === undefined && jobEntity !== undefined ? 'entity' : undefined,
    inputs.project === undefined && jobProject !== undefined ? 'project' : undefined
  ].filter((t) => t !== undefined)
  if (taken.length === 0) return { inputs }
  return {
    inputs: { ...inputs, entity, project },
    note: `${taken.join(' and ')} not given: the run goes where the job lives, ${entity ?? "(the API key's default entity)"}/${project}`
  }
}

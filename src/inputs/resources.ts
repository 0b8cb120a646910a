// The Launch resources the action runs a job on (the resource input). The inputs schema accepts
// these names and the SDK plan says what each needs installed beside wandb.

export const RESOURCES = ['local-container', 'local-process', 'kubernetes', 'sagemaker', 'gcp-vertex'] as const
export type Resource = (typeof RESOURCES)[number]

/** The resources whose job runs on this runner (a process or a Docker container). */
export function isLocal(resource: string): boolean {
  return resource === 'local-process' || resource === 'local-container'
}

// The promote input: where to link the run's model once it has passed, and with which aliases,
// `<collection path>:<alias>[,<alias>...]`, as the SDK's Artifact.link(target_path, aliases)
// takes them. The path is a portfolio (`name`, `project/name`, `entity/project/name`), the
// legacy model registry (`model-registry/name`) or a registry (`wandb-registry-model/name`,
// `org/wandb-registry-model/name`); the bridge fills in the run's entity and project where the
// path leaves them out.

export interface Promotion {
  /** The path as written, without the aliases. */
  target: string
  /** One to three parts: [name], [project, name] or [entity or org, project, name]. */
  parts: string[]
  aliases: string[]
  /** A W&B registry (`wandb-registry-*`): its first part, when given, is an organization. */
  registry: boolean
}

/** What Artifact.link refuses in a name or an alias (the SDK's artifact path separators). */
const PART = /^[^\s/:]+$/
const MAX_NAME = 128
const REGISTRY_PREFIX = 'wandb-registry-'

const FORMAT =
  'write <collection>:<alias>[,<alias>], for example wandb-registry-model/resnet:staging,candidate, model-registry/resnet:production or my-project/resnet-best:ci'

/** Parses the promote input; undefined when empty, an Error naming what is wrong otherwise. */
export function parsePromote(raw: string): Promotion | undefined {
  const text = raw.trim()
  if (!text) return undefined
  const colon = text.indexOf(':')
  const target = (colon < 0 ? text : text.slice(0, colon)).trim()
  const aliasText = colon < 0 ? '' : text.slice(colon + 1)
  const parts = target.split('/')
  const problems: string[] = []
  if (!target) problems.push('names no collection')
  else if (parts.length > 3)
    problems.push(`"${target}" has ${parts.length} parts; a collection path has at most three (entity/project/name)`)
  else if (parts.some((p) => !PART.test(p))) problems.push(`"${target}" has an empty part or a space`)
  else if (parts.some((p) => p.length > MAX_NAME)) problems.push(`a part of "${target}" is longer than ${MAX_NAME} characters`)
  const aliases = [
    ...new Set(
      aliasText
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean)
    )
  ]
  if (colon >= 0 && aliases.length === 0) problems.push('has a colon but no alias after it')
  const bad = aliases.filter((a) => !PART.test(a) || a.length > MAX_NAME)
  if (bad.length)
    problems.push(
      `alias${bad.length === 1 ? '' : 'es'} ${bad.map((a) => `"${a}"`).join(', ')}: an alias has no space, / or : and at most ${MAX_NAME} characters`
    )
  if (problems.length) throw new Error(`${problems.join('; ')}: ${FORMAT}`)
  const project = parts.length >= 2 ? parts[parts.length - 2]! : undefined
  return { target, parts, aliases, registry: project !== undefined && project.startsWith(REGISTRY_PREFIX) && project !== REGISTRY_PREFIX }
}

/** The promote_artifact input: the name of one artifact the run logged (no version, no path). */
export function parsePromoteArtifact(raw: string): string | undefined {
  const text = raw.trim()
  if (!text) return undefined
  if (!PART.test(text)) {
    throw new Error(
      `"${text}" is not an artifact name: give the name the run logged it under, without project or version (for example resnet-weights)`
    )
  }
  return text
}

// What to install: the wandb requirement (from the wandb_version input), the packages each
// resource needs on top of wandb, and the user's extra_packages. Pure functions, no I/O, so the
// inputs schema can reject a bad value before anything is installed.
import type { Resource } from '../inputs/resources.js'
import { MIN_WANDB_VERSION } from '../launch/protocol/constants.js'

/** The one place the action's tested SDK version is pinned: installed when wandb_version is empty. */
export const TESTED_WANDB_VERSION = '0.30.0'

/**
 * Packages a resource's runner imports that plain `pip install wandb` does not bring, read from
 * the wandb 0.30.0 source (wandb/sdk/launch/...). loader.runner_from_config() imports a runner
 * module only for its own resource, so each row is only what that runner pulls in:
 * - local-process, local-container: runner/local_process.py and runner/local_container.py use
 *   the standard library and wandb's own dependencies only.
 * - kubernetes: runner/kubernetes_runner.py (get_module("kubernetes_asyncio", required=...)
 *   then `import kubernetes_asyncio`) and runner/kubernetes_monitor.py (`import kubernetes_asyncio`).
 * - sagemaker: loader.py builds AwsEnvironment.from_default() for it; environment/aws_environment.py
 *   requires boto3 and botocore (get_module(..., required=...)), and runner/sagemaker_runner.py
 *   drives SageMaker through boto3 clients. The botocore bound is the wheel's own
 *   (METADATA: `Requires-Dist: botocore>=1.5.76; extra == 'launch'`).
 * - gcp-vertex: loader.py builds GcpEnvironment.from_default(); environment/gcp_environment.py
 *   requires google.cloud.compute_v1, google.auth, google.api_core and google.cloud.storage;
 *   runner/vertex_runner.py requires google.cloud.aiplatform.
 * Registries and builders chosen in `config` (kaniko, ecr/gcr/acr) import more
 * (builder/kaniko_builder.py, registry/*.py): those go in extra_packages.
 */
export const RESOURCE_PACKAGES: Readonly<Record<Resource, readonly ResourcePackage[]>> = {
  'local-process': [],
  'local-container': [],
  kubernetes: [{ spec: 'kubernetes-asyncio', module: 'kubernetes_asyncio' }],
  sagemaker: [
    { spec: 'boto3', module: 'boto3' },
    { spec: 'botocore>=1.5.76', module: 'botocore' }
  ],
  'gcp-vertex': [
    { spec: 'google-cloud-aiplatform', module: 'google.cloud.aiplatform' },
    { spec: 'google-cloud-compute', module: 'google.cloud.compute_v1' },
    { spec: 'google-cloud-storage', module: 'google.cloud.storage' },
    { spec: 'google-auth', module: 'google.auth' },
    { spec: 'google-api-core', module: 'google.api_core' }
  ]
}

/** A package to install, and the module the SDK imports from it (what the bridge looks for). */
export interface ResourcePackage {
  spec: string
  module: string
}

/** The wandb_version input, parsed. */
export type WandbVersion =
  | { kind: 'default' }
  | { kind: 'latest' }
  /** A PEP 440 specifier set, e.g. "==0.30.0" (from a bare version) or ">=0.20,<0.31". */
  | { kind: 'specifier'; specifier: string }

const VERSION = /^\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?$/
const CLAUSE = /^(~=|===|==|!=|<=|>=|<|>)\s*(\S+)$/

/** Parses wandb_version; throws an Error saying what is accepted. */
export function parseWandbVersion(raw: string): WandbVersion {
  const text = raw.trim()
  if (!text) return { kind: 'default' }
  if (text.toLowerCase() === 'latest') return { kind: 'latest' }
  const accepted = `a version (${TESTED_WANDB_VERSION}), a version specifier (>=0.20,<0.31) or latest`
  if (VERSION.test(text)) {
    if (compareVersions(text, MIN_WANDB_VERSION) < 0) {
      throw new Error(`${text} is older than ${MIN_WANDB_VERSION}, the oldest wandb this action supports`)
    }
    return { kind: 'specifier', specifier: `==${text}` }
  }
  const clauses = text.split(',').map((c) => c.trim())
  for (const clause of clauses) {
    const match = CLAUSE.exec(clause)
    const version = match?.[2] ?? ''
    const wildcard = (match?.[1] === '==' || match?.[1] === '!=') && version.endsWith('.*')
    if (!match || !VERSION.test(wildcard ? version.slice(0, -2) : version)) {
      throw new Error(`"${text}" is not ${accepted}`)
    }
    const op = match[1]
    const belowMin = compareVersions(version, MIN_WANDB_VERSION)
    if ((op === '<' && belowMin <= 0) || (op === '<=' && belowMin < 0)) {
      throw new Error(`"${text}" allows only releases older than ${MIN_WANDB_VERSION}, the oldest wandb this action supports`)
    }
    if (op === '==' && !wildcard && compareVersions(version, MIN_WANDB_VERSION) < 0) {
      throw new Error(`"${text}" pins a release older than ${MIN_WANDB_VERSION}, the oldest wandb this action supports`)
    }
  }
  return { kind: 'specifier', specifier: clauses.map((c) => c.replace(/\s+/g, '')).join(',') }
}

const NAME = '[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?'
const REQUIREMENT = new RegExp(
  `^${NAME}(\\[${NAME}(,${NAME})*\\])?` + // name and extras
    `((~=|===|==|!=|<=|>=|<|>)[A-Za-z0-9.*+!_-]+(,(~=|===|==|!=|<=|>=|<|>)[A-Za-z0-9.*+!_-]+)*|@(https?|file|git\\+https?):\\S+)?$`
)

/**
 * Parses extra_packages: requirement specs separated by spaces or newlines. Each word goes to
 * the installer as one argument, so anything that looks like an option is refused.
 */
export function parseExtraPackages(raw: string): string[] {
  const words = raw.split(/\s+/).filter(Boolean)
  const bad = words.filter((w) => !REQUIREMENT.test(w))
  if (bad.length) {
    throw new Error(
      `${bad.map((w) => `"${w}"`).join(', ')} ${bad.length === 1 ? 'is not a requirement' : 'are not requirements'}` +
        ' like name, name[extra]>=1.2 or name@https://...; separate them with spaces or newlines, no pip options'
    )
  }
  return words
}

export interface SdkPlan {
  /** The specifier the bridge checks wandb.__version__ against (the 0.17 minimum always applies too). */
  requirement: string
  /** Modules the resource needs beside wandb: an interpreter without one of them is not used. */
  modules: string[]
  /** Whether the interpreter's own wandb may be used: not for latest (only an install tells
   *  what latest is) and not with extra_packages (their modules are not known to look for). */
  acceptInstalled: boolean
  /** What the installer gets, wandb first. */
  specs: string[]
  /** How the wandb version is named in keys and messages. */
  label: string
}

export function sdkPlan(version: WandbVersion, resource: Resource, extraPackages: readonly string[]): SdkPlan {
  const wandb =
    version.kind === 'default' ? `wandb==${TESTED_WANDB_VERSION}` : version.kind === 'latest' ? 'wandb' : `wandb${version.specifier}`
  return {
    requirement: version.kind === 'specifier' ? version.specifier : `>=${MIN_WANDB_VERSION}`,
    modules: RESOURCE_PACKAGES[resource].map((p) => p.module),
    acceptInstalled: version.kind !== 'latest' && extraPackages.length === 0,
    specs: [wandb, ...RESOURCE_PACKAGES[resource].map((p) => p.spec), ...extraPackages],
    label:
      version.kind === 'default'
        ? `>=${MIN_WANDB_VERSION} (else ${TESTED_WANDB_VERSION})`
        : version.kind === 'latest'
          ? 'latest'
          : version.specifier
  }
}

/** Compares release numbers only (0.17 == 0.17.0, 0.17rc1 == 0.17); enough for the input checks above. */
function compareVersions(a: string, b: string): number {
  const release = (text: string) => (/^\d+(\.\d+)*/.exec(text)?.[0] ?? '0').split('.').map(Number)
  const ra = release(a)
  const rb = release(b)
  for (let i = 0; i < Math.max(ra.length, rb.length); i++) {
    const d = (ra[i] ?? 0) - (rb[i] ?? 0)
    if (d) return d < 0 ? -1 : 1
  }
  return 0
}

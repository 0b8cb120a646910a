// Provides the W&B SDK without a setup step. The warm path costs nothing: the interpreter's own
// wandb is used when it meets wandb_version, and the launch bridge checks that itself before it
// launches (no Python process just to ask). Only when the bridge reports that nothing was
// launched because the SDK will not do is a virtualenv provided (tool cache, Actions cache or a
// fresh install), for the action to start the bridge again with the virtualenv's Python.
import * as core from '@actions/core'
import { getExecOutput } from '@actions/exec'
import type { Inputs } from '../inputs/inputs.js'
import { chooseInstaller, createVenv, describeInstaller, installPackages } from './installer.js'
import type { OnSdk } from '../launch/follow.js'
import type { Outcome } from '../launch/outcome.js'
import { SDK_UNUSABLE, type BridgeRequest, type ErrorEvent } from '../launch/protocol/index.js'
import { restoreVenv, saveVenv } from './venv-cache.js'
import { sdkPlan, type SdkPlan } from './plan.js'
import { inert } from '../text/markup.js'
import { installedWandbVersion, isReady, lockVenv, markReady, removeVenv, venvFor, type Venv } from './venv.js'

const SETUP_GROUP = 'Set up W&B SDK'

type SdkSource = 'found' | 'tool cache' | 'cache restore' | 'fresh install'
/** How the setup's closing line says where the SDK came from. */
const SOURCE_WORDS: Record<SdkSource, string> = {
  found: 'found',
  'tool cache': 'from the tool cache',
  'cache restore': 'restored from the Actions cache',
  'fresh install': 'freshly installed'
}

type Env = Record<string, string | undefined>

/** The bridge's error when the SDK will not do and nothing was launched: another interpreter may be tried. */
function sdkUnusable(outcome: Outcome): ErrorEvent | undefined {
  const error = outcome.error
  if (!error || outcome.submitted || outcome.result) return undefined
  return (SDK_UNUSABLE as readonly string[]).includes(error.kind) ? error : undefined
}

/** One start of the bridge: with which interpreter, and the request that says what SDK will do. */
export interface SdkChoice {
  python: string
  request: BridgeRequest
  /** Only while the interpreter's own wandb is tried: ends the setup group once the bridge has named its SDK. */
  onSdk?: OnSdk
}

/** A cancel before anything was launched, whether it came during the setup or before it. */
export const CANCELLED = 'Cancelled before the launch started: nothing was launched.'

/**
 * The SDK stage, asked twice by src/main.ts: `first()` names the interpreter to launch with
 * (`found` when its wandb may meet wandb_version, else the action's virtualenv); after that
 * launch, `fallback(outcome)` names the virtualenv to launch with again when the bridge said
 * the SDK would not do, or nothing when the outcome stands. `isCancelled` stops a retry.
 */
export class SdkSetup {
  private readonly plan: SdkPlan
  private readonly checked: BridgeRequest
  /** The first launch uses the found interpreter's own wandb, so its outcome may call for a virtualenv. */
  private triesFound = false
  private groupOpen = false

  constructor(
    private readonly inputs: Inputs,
    private readonly found: string,
    request: BridgeRequest,
    private readonly isCancelled: () => boolean = () => false,
    private readonly env: Env = process.env
  ) {
    this.plan = sdkPlan(inputs.wandbVersion, inputs.resource, inputs.extraPackages)
    this.checked = {
      ...request,
      wandb_requirement: this.plan.requirement,
      ...(this.plan.modules.length ? { required_modules: this.plan.modules } : {})
    }
  }

  async first(): Promise<SdkChoice> {
    const { plan, found } = this
    if (!plan.acceptInstalled) {
      const reason = this.inputs.extraPackages.length ? "extra_packages go into the action's own virtualenv" : 'wandb_version is latest'
      return this.venvChoice(await pythonVersion(found), reason, false)
    }
    // The bridge checks the interpreter's wandb as it starts, before launching anything: no
    // separate Python process, no install. The group ends when it has said what it found.
    const started = Date.now()
    core.startGroup(SETUP_GROUP)
    this.groupOpen = true
    this.triesFound = true
    core.info(`Looking for wandb ${plan.requirement}${plan.modules.length ? ` with ${plan.modules.join(', ')}` : ''} at ${found}`)
    const onSdk: OnSdk = (sdk) => {
      if (!sdk?.wandb_version) return // not usable: the group goes on with the install
      core.info(inert(`wandb ${sdk.wandb_version} found at ${sdk.python} in ${((Date.now() - started) / 1000).toFixed(1)}s`))
      core.endGroup()
      this.groupOpen = false
    }
    return { python: found, request: this.checked, onSdk }
  }

  async fallback(outcome: Outcome): Promise<SdkChoice | undefined> {
    if (!this.triesFound) return undefined // the first launch already had the virtualenv
    this.triesFound = false
    const unusable = sdkUnusable(outcome)
    if (!unusable) {
      if (this.groupOpen) core.endGroup() // the bridge ended without naming an SDK: the outcome says why
      this.groupOpen = false
      return undefined
    }
    if (this.isCancelled()) {
      core.endGroup()
      throw new Error(CANCELLED)
    }
    const base = unusable.python_version
      ? { python: unusable.base_python || unusable.python || this.found, version: unusable.python_version }
      : await pythonVersion(this.found)
    return this.venvChoice(base, `${unusable.message} for ${unusable.python || this.found}`, true)
  }

  private async venvChoice(base: { python: string; version: string }, reason: string, inGroup: boolean): Promise<SdkChoice> {
    const venv = await provideVenv(this.plan, base, reason, this.env, inGroup)
    this.groupOpen = false
    if (this.isCancelled()) throw new Error(CANCELLED)
    return { python: venv.python, request: { ...this.checked, own_site_packages_first: true } }
  }
}

/** The group "Set up W&B SDK" for a virtualenv: reuse, restore or install, then one closing line. */
async function provideVenv(
  plan: SdkPlan,
  base: { python: string; version: string },
  reason: string,
  env: Env = process.env,
  inGroup = false
): Promise<Venv & { source: SdkSource }> {
  const started = Date.now()
  if (!inGroup) core.startGroup(SETUP_GROUP)
  try {
    core.info(`${inert(reason)}: using a virtualenv with ${plan.specs.join(' ')} (Python ${base.version} from ${base.python})`)
    const venv = venvFor(
      {
        basePython: base.python,
        pythonVersion: base.version,
        wandbLabel: plan.label.startsWith('>=') ? 'default' : plan.label,
        specs: plan.specs,
        // latest cannot be told without asking the index: a virtualenv for it serves one day.
        epoch: plan.label === 'latest' ? new Date().toISOString().slice(0, 10) : undefined
      },
      env
    )
    const source = await readyVenv(venv, plan, base.python, env)
    const version = installedWandbVersion(venv) ?? 'of unknown version'
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    core.info(`wandb ${version} ${SOURCE_WORDS[source]} (${venv.dir}) in ${seconds}s`)
    return { ...venv, source }
  } finally {
    core.endGroup()
  }
}

async function readyVenv(venv: Venv, plan: SdkPlan, basePython: string, env: Env): Promise<SdkSource> {
  if (isReady(venv)) return 'tool cache'
  // One writer per directory: another job on this machine may be building the same one.
  const unlock = await lockVenv(venv, (note) => core.info(note))
  try {
    if (isReady(venv)) return 'tool cache' // built while we waited
    removeVenv(venv) // a half-built leftover is never used
    if ((await restoreVenv(venv.dir, venv.key)) && isReady(venv)) return 'cache restore'
    removeVenv(venv)
    const installer = await chooseInstaller(basePython, env)
    core.info(`Installing with ${describeInstaller(installer)} into ${venv.dir}`)
    try {
      await createVenv(installer, basePython, venv.dir, env)
      await installPackages(installer, basePython, venv.python, plan.specs, env)
    } catch (error) {
      removeVenv(venv)
      throw error
    }
    markReady(venv, { specs: plan.specs, python: basePython, installer: installer.tool })
  } finally {
    unlock()
  }
  await saveVenv(venv.dir, venv.key)
  return 'fresh install'
}

/** The interpreter's real path and version, for a venv that is built without asking the bridge. */
async function pythonVersion(python: string): Promise<{ python: string; version: string }> {
  const probe = await getExecOutput(
    python,
    ['-c', 'import sys; print(getattr(sys, "_base_executable", None) or sys.executable); print(sys.version.split()[0])'],
    {
      silent: true,
      ignoreReturnCode: true
    }
  )
  const [executable, version] = probe.stdout.trim().split('\n')
  if (probe.exitCode !== 0 || !version) {
    throw new Error(`${python} did not run (exit code ${probe.exitCode}): ${probe.stderr.trim().split('\n').slice(-3).join(' ')}`)
  }
  return { python: executable?.trim() || python, version: version.trim() }
}

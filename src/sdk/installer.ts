// Creates a virtualenv and installs packages into it, with uv when it is on PATH and pip
// otherwise. The user's package index settings are used as they are: the installer gets this
// process's environment (PIP_INDEX_URL, PIP_EXTRA_INDEX_URL, PIP_FIND_LINKS, PIP_CONFIG_FILE,
// ...) and pip reads its own config files. uv reads neither pip's config files nor most PIP_*
// variables, so it is used only when no pip config file is in effect, and the PIP_* index
// variables are handed to it under their UV_* names. Every process gets an argv array.
import { getExecOutput } from '@actions/exec'
import * as io from '@actions/io'
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import path from 'node:path'
import { runInstaller } from './installer-process.js'
import { isRunnerOnly } from '../launch/job-env.js'

type Env = Record<string, string | undefined>

export type Installer =
  | { tool: 'uv'; uv: string }
  /** withBasePip: the base interpreter's pip installs into the venv (pip --python, pip >= 22.3);
   *  otherwise the venv gets its own pip from ensurepip, which is slower. */
  | { tool: 'pip'; withBasePip: boolean; why?: string }

class InstallError extends Error {
  constructor(
    message: string,
    readonly tail: string[]
  ) {
    super(message)
    this.name = 'InstallError'
  }
}

const TAIL_LINES = 25

/** Every pip config file pip itself would read (pip's docs, "Configuration": files). */
export function pipConfigFiles(env: Env = process.env): string[] {
  if (env.PIP_CONFIG_FILE) return env.PIP_CONFIG_FILE === '/dev/null' || env.PIP_CONFIG_FILE === 'nul' ? [] : [env.PIP_CONFIG_FILE]
  const home = env.HOME || homedir()
  const candidates =
    process.platform === 'win32'
      ? [
          path.join(env.PROGRAMDATA || 'C:\\ProgramData', 'pip', 'pip.ini'),
          path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'pip', 'pip.ini'),
          path.join(home, 'pip', 'pip.ini')
        ]
      : [
          '/etc/pip.conf',
          ...(env.XDG_CONFIG_DIRS || '/etc/xdg')
            .split(':')
            .filter(Boolean)
            .map((d) => path.join(d, 'pip', 'pip.conf')),
          path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'pip', 'pip.conf'),
          path.join(home, '.pip', 'pip.conf'),
          ...(process.platform === 'darwin' ? [path.join(home, 'Library', 'Application Support', 'pip', 'pip.conf')] : [])
        ]
  return candidates.filter((file) => existsSync(file))
}

export async function chooseInstaller(basePython: string, env: Env = process.env): Promise<Installer> {
  const uv = await io.which('uv', false)
  const configs = pipConfigFiles(env)
  if (uv && configs.length === 0) return { tool: 'uv', uv }
  const why = uv ? `pip, not uv: uv does not read the pip configuration in ${configs.join(', ')}` : undefined
  // pip >= 22.3 can install into another interpreter: the venv then needs no pip of its own.
  const probe = await getExecOutput(basePython, ['-m', 'pip', '--version'], {
    ignoreReturnCode: true,
    silent: true,
    env: installerEnv(env)
  }).catch(() => ({ exitCode: 1, stdout: '', stderr: '' }))
  const version = /^pip (\d+)\.(\d+)/.exec(probe.stdout)
  const withBasePip =
    probe.exitCode === 0 && !!version && (Number(version[1]) > 22 || (Number(version[1]) === 22 && Number(version[2]) >= 3))
  return { tool: 'pip', withBasePip, why }
}

/** The installer's environment: ours, less the W&B key, the inputs and the runner's files and tokens,
 *  plus the uv names of pip's index settings. */
export function installerEnv(env: Env = process.env, tool: 'uv' | 'pip' = 'pip'): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(env)) if (v !== undefined && k !== 'WANDB_API_KEY' && !isRunnerOnly(k)) out[k] = v
  if (tool === 'uv') {
    const map: [string, string, (v: string) => string][] = [
      ['PIP_INDEX_URL', 'UV_INDEX_URL', (v) => v],
      ['PIP_EXTRA_INDEX_URL', 'UV_EXTRA_INDEX_URL', (v) => v], // both space-separated
      ['PIP_FIND_LINKS', 'UV_FIND_LINKS', (v) => v.trim().split(/\s+/).join(',')], // uv: commas
      ['PIP_NO_INDEX', 'UV_NO_INDEX', (v) => (/^(1|true|yes|on)$/i.test(v) ? 'true' : 'false')]
    ]
    for (const [pip, uv, convert] of map) {
      const value = env[pip]
      if (value && !env[uv]) out[uv] = convert(value)
    }
  }
  return out
}

export async function createVenv(installer: Installer, basePython: string, dir: string, env: Env = process.env): Promise<void> {
  if (installer.tool === 'uv') {
    await run(installer.uv, ['venv', '--python', basePython, dir], installerEnv(env, 'uv'), 'uv venv')
    return
  }
  const args = ['-m', 'venv', ...(installer.withBasePip ? ['--without-pip'] : []), dir]
  await run(basePython, args, installerEnv(env), 'python -m venv')
}

export async function installPackages(
  installer: Installer,
  basePython: string,
  venvPython: string,
  specs: string[],
  env: Env = process.env
): Promise<void> {
  const pipArgs = ['install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off', ...specs]
  if (installer.tool === 'uv') {
    await run(installer.uv, ['pip', 'install', '--python', venvPython, ...specs], installerEnv(env, 'uv'), 'uv pip install', specs)
  } else if (installer.withBasePip) {
    await run(basePython, ['-m', 'pip', '--python', venvPython, ...pipArgs], installerEnv(env), 'pip install', specs)
  } else {
    await run(venvPython, ['-m', 'pip', ...pipArgs], installerEnv(env), 'pip install', specs)
  }
}

/** Runs one installer command, its output in the log; throws InstallError with its last lines. */
async function run(command: string, args: string[], env: Record<string, string>, what: string, specs?: string[]): Promise<void> {
  // The installer prints package metadata and index answers: not workflow commands.
  const token = randomUUID()
  process.stdout.write(`::stop-commands::${token}\n`)
  let result
  try {
    result = await runInstaller(command, args, env)
  } finally {
    process.stdout.write(`::${token}::\n`)
  }
  if (result.cancelled) throw new InstallError(`${what} was stopped: the step was cancelled. Nothing was launched.`, [])
  if (result.exitCode === 0) return
  const lines = `${result.stdout}\n${result.stderr}`
    .split('\n')
    .map((l) => l.trimEnd())
    .filter(Boolean)
  const tail = lines.slice(-TAIL_LINES)
  const missing = noSuchVersion(lines)
  const tried = specs ? ` (packages: ${specs.join(' ')})` : ''
  const head = missing
    ? `${what} failed: the package index has no release matching ${missing}${tried}`
    : `${what} failed with exit code ${result.exitCode}${tried}`
  throw new InstallError(`${head}; its last output:\n${tail.join('\n')}`, tail)
}

/** The requirement pip or uv said it could not find any release of, if that was the failure. */
export function noSuchVersion(lines: string[]): string | undefined {
  for (const line of lines) {
    const pip = /No matching distribution found for (\S+)/.exec(line)
    if (pip) return pip[1]
    const uv = /there is no version of (\S+?)(?: and|,|$)/.exec(line) ?? /No solution found.*?\b(\S+) was not found/.exec(line)
    if (uv) return uv[1]
  }
  return undefined
}

export function describeInstaller(installer: Installer): string {
  if (installer.tool === 'uv') return `uv (${installer.uv})`
  const how = installer.withBasePip ? 'pip --python' : 'pip in the virtualenv'
  return installer.why ? `${how}; ${installer.why}` : how
}

// Where the action's own virtualenv lives and whether it is ready. A virtualenv is not
// relocatable, so its path is fixed by its key: the same key always means the same directory,
// which is also what lets @actions/cache restore it where it was saved.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import path from 'node:path'

/** Written after a successful install only: a venv without it is half-built and never used. */
const MARKER = '.wandb-launch-action.json'

export interface VenvSpec {
  /** The interpreter the venv is built from (sys.executable, as the bridge reported it). */
  basePython: string
  pythonVersion: string
  /** wandb_version as given (for the directory name) and every spec the installer gets. */
  wandbLabel: string
  specs: string[]
  /** Part of the key when the install cannot be repeated exactly (latest: today's date). */
  epoch?: string
}

export interface Venv {
  key: string
  dir: string
  python: string
}

type Env = Record<string, string | undefined>

/** Self-hosted runners keep RUNNER_TOOL_CACHE between jobs; RUNNER_TEMP is emptied after each. */
function venvRoot(env: Env = process.env): string {
  return path.join(env.RUNNER_TOOL_CACHE || env.RUNNER_TEMP || tmpdir(), 'wandb-launch-action')
}

export function venvFor(spec: VenvSpec, env: Env = process.env): Venv {
  const hash = createHash('sha256')
    .update(JSON.stringify([spec.basePython, spec.pythonVersion, spec.specs, spec.epoch ?? '']))
    .digest('hex')
    .slice(0, 12)
  const wandb = spec.wandbLabel.replace(/[^A-Za-z0-9.]+/g, '_').replace(/^_+|_+$/g, '') || 'default'
  const key = `wandb-sdk-${process.platform}-${process.arch}-py${spec.pythonVersion}-wandb-${wandb}-${hash}`
  const dir = path.join(venvRoot(env), key)
  return { key, dir, python: venvPython(dir) }
}

function venvPython(dir: string): string {
  return process.platform === 'win32' ? path.join(dir, 'Scripts', 'python.exe') : path.join(dir, 'bin', 'python')
}

/** Ready: marked complete and its interpreter still resolves (the base Python may have gone). */
export function isReady(venv: Venv): boolean {
  return existsSync(path.join(venv.dir, MARKER)) && existsSync(venv.python)
}

export function markReady(venv: Venv, details: Record<string, unknown>): void {
  writeFileSync(path.join(venv.dir, MARKER), JSON.stringify({ ...details, created: new Date().toISOString() }, null, 2) + '\n')
}

/** A leftover from a failed or interrupted install goes before a new one starts. */
export function removeVenv(venv: Venv): void {
  rmSync(venv.dir, { recursive: true, force: true })
}

/** A lock of another machine (a shared tool cache) older than this is a crashed job's. */
const STALE_LOCK_MS = 15 * 60_000
/** How often a wait on a live lock is said in the log. */
const WAIT_NOTE_MS = 30_000

interface LockOwner {
  pid: number
  host: string
  since: string
}

/**
 * Takes the lock for building venv.dir (a sibling directory: mkdir is atomic; an `owner` file in it
 * names the process and machine), waiting while another live job holds it. A lock whose owner is
 * gone from this machine is taken over at once; one of another machine after STALE_LOCK_MS.
 * `onWait` is told who holds it, at once and then every 30 s. Returns the function that releases it.
 */
export async function lockVenv(venv: Venv, onWait: (note: string) => void = () => {}, waitMs = STALE_LOCK_MS): Promise<() => void> {
  const lock = `${venv.dir}.lock`
  mkdirSync(path.dirname(lock), { recursive: true })
  const end = Date.now() + waitMs
  let noted = 0
  for (;;) {
    try {
      mkdirSync(lock)
      const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() }
      writeFileSync(path.join(lock, 'owner'), JSON.stringify(owner))
      return () => rmSync(lock, { recursive: true, force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    let age: number
    try {
      age = Date.now() - statSync(lock).mtimeMs
    } catch {
      continue // released meanwhile
    }
    const owner = readOwner(lock)
    const ownerGone = owner !== undefined && owner.host === hostname() && !processAlive(owner.pid)
    // no owner file a few seconds after the directory: its creator died between the two steps
    if (ownerGone || (owner === undefined && age > 5_000) || age > STALE_LOCK_MS || Date.now() > end) {
      rmSync(lock, { recursive: true, force: true })
      continue
    }
    if (Date.now() - noted >= WAIT_NOTE_MS) {
      noted = Date.now()
      onWait(
        owner
          ? `Waiting for process ${owner.pid} on ${owner.host}, which has been building this virtualenv since ${owner.since} (${lock})`
          : `Waiting for the job that is building this virtualenv (${lock})`
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

function readOwner(lock: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path.join(lock, 'owner'), 'utf8')) as LockOwner
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? owner : undefined
  } catch {
    return undefined
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' // alive, another user's
  }
}

/** The wandb version installed in the venv, read from its dist-info: no Python process needed. */
export function installedWandbVersion(venv: Venv): string | undefined {
  const libs =
    process.platform === 'win32'
      ? [path.join(venv.dir, 'Lib', 'site-packages')]
      : safeList(path.join(venv.dir, 'lib')).map((name) => path.join(venv.dir, 'lib', name, 'site-packages'))
  for (const site of libs) {
    const info = safeList(site).find((name) => /^wandb-.+\.dist-info$/i.test(name))
    if (!info) continue
    const metadata = safeRead(path.join(site, info, 'METADATA'))
    return /^Version:\s*(\S+)/m.exec(metadata ?? '')?.[1] ?? info.slice('wandb-'.length, -'.dist-info'.length)
  }
  return undefined
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

function safeRead(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

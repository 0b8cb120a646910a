// Real pip, real virtualenvs, no network: wheels of the fake SDK (test/fake-sdk) are built into a
// temporary folder that pip is pointed at (PIP_FIND_LINKS + PIP_NO_INDEX), and the machine's own
// pip configuration is switched off (PIP_CONFIG_FILE=/dev/null) so the tests run the same anywhere.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { FAKE_SDK, ROOT, startAction, type ActionOptions, type ActionRun } from '../helpers/action.js'

const FIXTURES = path.join(ROOT, 'test', 'setup', 'fixtures')
const MAKE_WHEEL = path.join(FIXTURES, 'make_wheel.py')
/** On PYTHONPATH, its sitecustomize.py records every Python process in $COUNT_PYTHON_FILE. */
export const COUNT_DIR = path.join(FIXTURES, 'count')

export function systemPython(): string {
  return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim()
}

/** A folder of wheels: the fake wandb at each version, and a stub kubernetes-asyncio. */
export function buildWheels(versions: string[] = ['0.30.0', '0.16.0']): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wandb-wheels-'))
  for (const version of versions) {
    execFileSync('python3', [MAKE_WHEEL, dir, 'wandb', version, path.join(FAKE_SDK, 'wandb'), path.join(FAKE_SDK, 'job.py')])
  }
  execFileSync('python3', [MAKE_WHEEL, dir, 'kubernetes-asyncio', '1.0.0'])
  return dir
}

/** The environment that makes pip install from `wheels` only, whatever this machine's pip config. */
export function pipEnv(wheels: string): Record<string, string> {
  return { PIP_CONFIG_FILE: '/dev/null', PIP_NO_INDEX: '1', PIP_FIND_LINKS: wheels, PIP_DISABLE_PIP_VERSION_CHECK: '1' }
}

/** A virtualenv (no pip of its own) with the given requirements installed from `wheels`. */
export function baseVenv(wheels: string, requirements: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wandb-base-venv-'))
  execFileSync(systemPython(), ['-m', 'venv', '--without-pip', dir])
  const python = path.join(dir, 'bin', 'python')
  if (requirements.length) {
    execFileSync(systemPython(), ['-m', 'pip', '--python', python, 'install', '-q', ...requirements], {
      env: { ...process.env, ...pipEnv(wheels) }
    })
  }
  return python
}

export interface SetupRun extends ActionRun {
  /** Every Python process the run started (from the sitecustomize counter). */
  pythons: Array<{ pid: number; argv: string[]; executable: string }>
  /** The launch() calls the fake SDK recorded, whichever interpreter it ran in. */
  launches: Array<Record<string, unknown>>
}

/** The bundled action with the fake SDK's wheels as the only package source. */
export async function runSetup(
  wheels: string,
  toolCache: string,
  options: ActionOptions & { pythonPath?: string[] } = {}
): Promise<SetupRun> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'wandb-count-'))
  const countFile = path.join(scratch, 'pythons.jsonl')
  const recordFile = path.join(scratch, 'calls.jsonl')
  const run = await startAction({
    ...options,
    fake: false,
    timeoutMs: options.timeoutMs ?? 120_000,
    env: {
      ...pipEnv(wheels),
      RUNNER_TOOL_CACHE: toolCache,
      PYTHONPATH: [COUNT_DIR, ...(options.pythonPath ?? [])].join(path.delimiter),
      COUNT_PYTHON_FILE: countFile,
      FAKE_WANDB_RECORD: recordFile,
      WANDB_LAUNCH_ACTION_NO_PROBE: '1', // the fake SDK has no server to probe
      ...options.env
    }
  })
  const lines = (file: string) =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
      : []
  return { ...run, pythons: lines(countFile), launches: lines(recordFile).filter((c) => c.call === 'launch') }
}

/** The Python processes of the action itself: all but the launched job's. */
export function actionPythons(run: SetupRun): SetupRun['pythons'] {
  return run.pythons.filter((p) => !p.argv[0]?.endsWith('job.py'))
}

export function venvsIn(toolCache: string): string[] {
  const root = path.join(toolCache, 'wandb-launch-action')
  return existsSync(root) ? readdirSync(root).filter((n) => !n.endsWith('.lock')) : []
}

/** The text of the "Set up W&B SDK" groups. */
export function setupGroups(run: ActionRun): string[] {
  return [...run.stdout.matchAll(/::group::Set up W&B SDK\n([\s\S]*?)::endgroup::/g)].map((m) => m[1] as string)
}

// Provisions the real wandb SDKs the contract tiers run, into .cache/, once. On our machines the
// team's offline installers beside the repository (../shared/wandb-backend) provide them; on any
// other machine wandb is installed from the configured package index, within a time bound. Each
// returns { ok: true, venv } or { ok: false, reason } — a tier that cannot be provided is
// reported, never silently passed.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'

const SHARED = process.env.WANDB_BACKEND_DIR ?? path.resolve('..', 'shared', 'wandb-backend')
const INSTALL_SECONDS = 300

function lastLine(text) {
  return (
    String(text ?? '')
      .trim()
      .split('\n')
      .filter(Boolean)
      .at(-1) ?? ''
  )
}

function run(command, args, env = {}) {
  const r = spawnSync(command, args, {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: INSTALL_SECONDS * 1000,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  if (r.error?.code === 'ETIMEDOUT') return { ok: false, reason: `${path.basename(command)} took over ${INSTALL_SECONDS} s` }
  if (r.error) return { ok: false, reason: r.error.message }
  if (r.status !== 0) return { ok: false, reason: lastLine(r.stderr) || lastLine(r.stdout) || `exit code ${r.status}` }
  return { ok: true }
}

/** A virtualenv at `venv` with `version`, built by `build(venv)` unless its marker says it is ready. */
function provide(venv, check, build) {
  const ready = path.join(venv, '.ready')
  // a marker of an older layout (empty) is rebuilt: it does not say what the venv needs
  if (existsSync(ready) && readFileSync(ready, 'utf8').trim()) return { ok: true, venv, marker: readFileSync(ready, 'utf8') }
  rmSync(venv, { recursive: true, force: true })
  const built = build(venv)
  if (!built.ok) {
    rmSync(venv, { recursive: true, force: true })
    return built
  }
  const marker = JSON.stringify({ via: built.via, pythonpath: built.pythonpath ?? [], env: built.env ?? {} })
  const env = {
    PYTHONPATH: (built.pythonpath ?? []).map((p) => path.resolve(p)).join(path.delimiter),
    ...(built.env ?? {})
  }
  const checked = run(path.join(venv, 'bin', 'python'), ['-c', check], env)
  if (!checked.ok) {
    rmSync(venv, { recursive: true, force: true })
    return { ok: false, reason: `the installed SDK does not import: ${checked.reason}` }
  }
  writeFileSync(ready, marker)
  return { ok: true, venv, marker }
}

const IMPORTS_LAUNCH = 'import wandb; from wandb.sdk.launch import launch, launch_add; print(wandb.__version__)'

/** wandb 0.30.0, the version the action installs by default. */
export function provideWandb030() {
  return provide(path.join('.cache', 'wandb-venv'), IMPORTS_LAUNCH, (venv) => {
    const offline = path.join(SHARED, 'install-wandb.sh')
    if (existsSync(offline)) {
      // The machine's wheel store lacks one module wandb 0.30 imports: the test backend's stub.
      const r = run('bash', [offline, venv])
      return r.ok ? { ok: true, via: offline, pythonpath: [path.join('test', 'backend', 'otel-semconv-stub')] } : r
    }
    return pipInstall(venv, 'wandb==0.30.0')
  })
}

/** Elsewhere (GitHub's runners): a requirement from the configured package index, time-bounded. */
function pipInstall(venv, requirement, env = {}) {
  const created = run('python3', ['-m', 'venv', venv])
  if (!created.ok) return created
  const installed = run(path.join(venv, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '--retries',
    '1',
    '--timeout',
    '15',
    requirement
  ])
  return installed.ok
    ? { ok: true, via: `pip install ${requirement}`, env }
    : { ok: false, reason: `pip install ${requirement} failed: ${installed.reason}` }
}

/**
 * The test backend's interpreter: a virtualenv with graphql-core, which validates every GraphQL
 * document against test/backend/schema.graphql. From pip's configured index (on our machines its
 * local wheel store, elsewhere PyPI), time-bounded like the SDKs.
 */
export function provideBackendPython() {
  return provide(BACKEND_VENV, 'import graphql; print(graphql.__version__)', (venv) => pipInstall(venv, GRAPHQL_CORE))
}

export const BACKEND_VENV = path.join('.cache', 'backend-venv')
const GRAPHQL_CORE = 'graphql-core>=3.2,<3.3'

/** The older releases the contract tier also runs (test/contract-legacy), and what each needs. */
export const LEGACY_VERSIONS = ['0.17.3', '0.18.7']

/** Where a legacy version's virtualenv lives. */
export function legacyVenv(version) {
  return path.join('.cache', `wandb-${version}`)
}

/**
 * wandb 0.17.3 or 0.18.7: on our machines from their source tarballs with the team's offline
 * installer, elsewhere from the package index. 0.18.x built from source has no wandb-core: it runs
 * the legacy Python service, which the marker's env asks for (harmless for a wheel install).
 */
export function provideWandbLegacy(version) {
  return provide(legacyVenv(version), IMPORTS_LAUNCH, (venv) => {
    const env = version.startsWith('0.18.') ? { WANDB__REQUIRE_LEGACY_SERVICE: 'true' } : {}
    const offline = path.join(SHARED, 'install-wandb-source.sh')
    if (!existsSync(offline)) return pipInstall(venv, `wandb==${version}`, env)
    const r = run('bash', [offline, version, venv], env)
    return r.ok ? { ok: true, via: offline, env } : r
  })
}

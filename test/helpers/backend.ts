// The real wandb SDK and the local W&B backend in test/backend (its interpreter has graphql-core),
// both provided into .cache/ by scripts/real-sdk.mjs, for the contract tests.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ROOT } from './action.js'

export const BACKEND_DIR = path.join(ROOT, 'test', 'backend')
export const REAL_VENV = path.join(ROOT, '.cache', 'wandb-venv')
export const REAL_PYTHON = path.join(REAL_VENV, 'bin', 'python')
/** The backend's interpreter: a virtualenv with graphql-core. */
export const BACKEND_PYTHON = path.join(ROOT, '.cache', 'backend-venv', 'bin', 'python')
export const BACKEND_KEY = 'ffffffff0123456789abcdef0123456789abcdef'

/** What the provisioning wrote about a virtualenv: extra PYTHONPATH entries it needs. */
interface VenvMarker {
  pythonpath?: string[]
  env?: Record<string, string>
}

function marker(venv: string): VenvMarker {
  const file = path.join(venv, '.ready')
  if (!existsSync(file)) throw new Error(`${venv} is not provisioned: run the contract tests through npm test`)
  const text = readFileSync(file, 'utf8').trim()
  return text ? (JSON.parse(text) as VenvMarker) : {}
}

/** Environment for running a provisioned real SDK (e.g. the otel stub for a wheel-store install). */
export function realSdkEnv(venv = REAL_VENV): Record<string, string> {
  const m = marker(venv)
  return {
    ...(m.pythonpath?.length ? { PYTHONPATH: m.pythonpath.map((p) => path.resolve(ROOT, p)).join(path.delimiter) } : {}),
    ...m.env
  }
}

/** One line of the backend's operation log: a GraphQL operation, or the simulated agent's step. */
export type BackendOp = Record<string, unknown> & { kind: string; op?: string; ts: number; to?: string }

/** The backend's operation log so far, oldest first. */
export function readOplog(backend: Pick<Backend, 'oplog'>): BackendOp[] {
  return readFileSync(backend.oplog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as BackendOp)
}

export interface Backend {
  url: string
  oplog: string
  stop: () => Promise<void>
}

export interface BackendOptions {
  agentDelay?: number
  heartbeatTimeout?: number
  /** The interpreter jobs run with (metricjob needs one with wandb). */
  entrypoint?: string
  viewerEntity?: string
  /** An older W&B server: these fields of test/backend/schema.graphql (Type.field) are not there. */
  missingFields?: string[]
  /** Add test/backend/schema-unverified.graphql (RunQueueItem.error, RunQueueItem.runSpec). */
  withUnverified?: boolean
  env?: Record<string, string>
}

export async function startBackend(options: BackendOptions = {}): Promise<Backend> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wandb-backend-'))
  const portFile = path.join(dir, 'port')
  const oplog = path.join(dir, 'ops.jsonl')
  const args = [path.join(BACKEND_DIR, 'server.py'), '--port', '0', '--port-file', portFile, '--oplog', oplog]
  if (options.agentDelay !== undefined) args.push('--agent-delay', String(options.agentDelay))
  if (options.heartbeatTimeout !== undefined) args.push('--heartbeat-timeout', String(options.heartbeatTimeout))
  if (options.entrypoint !== undefined) args.push('--entrypoint', options.entrypoint)
  if (options.viewerEntity !== undefined) args.push('--viewer-entity', options.viewerEntity)
  if (options.missingFields?.length) args.push('--missing-fields', options.missingFields.join(','))
  if (options.withUnverified) args.push('--with-unverified')
  if (!existsSync(BACKEND_PYTHON)) throw new Error(`${BACKEND_PYTHON} is not provisioned: run the contract tests through npm test`)
  const server = spawn(BACKEND_PYTHON, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...options.env } })
  let stderr = ''
  server.stderr!.on('data', (c: Buffer) => (stderr += c))
  const end = Date.now() + 15_000
  while (!existsSync(portFile) || !readFileSync(portFile, 'utf8').trim()) {
    if (server.exitCode !== null || Date.now() > end) throw new Error(`the local W&B backend did not start: ${stderr}`)
    await new Promise((r) => setTimeout(r, 20))
  }
  const port = readFileSync(portFile, 'utf8').trim()
  return {
    url: `http://127.0.0.1:${port}`,
    oplog,
    stop: async () => {
      if (server.exitCode !== null) return
      const closed = new Promise((r) => server.on('close', r))
      server.kill('SIGTERM')
      await closed
    }
  }
}

// The real wandb SDK (0.30.0, in a virtualenv built offline by install-wandb.sh) and the local
// W&B backend from ../shared/wandb-backend, for the contract tests.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ROOT } from './action.js'

export const BACKEND_DIR = process.env.WANDB_BACKEND_DIR ?? path.resolve(ROOT, '..', 'shared', 'wandb-backend')
export const REAL_VENV = path.join(ROOT, '.cache', 'wandb-venv')
export const REAL_PYTHON = path.join(REAL_VENV, 'bin', 'python')
export const BACKEND_KEY = 'ffffffff0123456789abcdef0123456789abcdef'

/** Environment for running the real SDK: wandb 0.30.0 imports a package the wheel store lacks. */
export function realSdkEnv(): Record<string, string> {
  return { PYTHONPATH: path.join(BACKEND_DIR, 'otel-semconv-stub') }
}

export interface Backend {
  url: string
  oplog: string
  stop: () => Promise<void>
}

export async function startBackend(options: { agentDelay?: number; env?: Record<string, string> } = {}): Promise<Backend> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wandb-backend-'))
  const portFile = path.join(dir, 'port')
  const oplog = path.join(dir, 'ops.jsonl')
  const args = [path.join(BACKEND_DIR, 'server.py'), '--port', '0', '--port-file', portFile, '--oplog', oplog]
  if (options.agentDelay !== undefined) args.push('--agent-delay', String(options.agentDelay))
  const server = spawn('python3', args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...options.env } })
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

// test/fault-proxy/proxy.py in front of a backend: the SDK's base_url, with faults a test sets
// and changes while the action runs (a dead or hanging server, lost answers, 5xx, delays).
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ROOT } from './action.js'

export interface Faults {
  /** Stop listening (new connections are refused) and cut open ones; false listens again. */
  refuse?: boolean
  dead?: boolean
  hang?: boolean
  hang_after?: number
  delay?: number
  error_rate?: number
  drop_response?: { match: string; times?: number }
  seed?: number
}

interface ProxyStats {
  requests: number
  forwarded: number
  dropped: number
  hung: number
  errors: number
  /** The requests held now (delayed or hung): "POST /graphql Viewer". */
  waiting: string[]
}

export interface FaultProxy {
  url: string
  set: (faults: Faults) => Promise<void>
  stats: () => Promise<ProxyStats>
  stop: () => Promise<void>
}

export async function startFaultProxy(upstream: string, faults: Faults = {}): Promise<FaultProxy> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fault-proxy-'))
  const portFile = path.join(dir, 'port')
  const controlFile = path.join(dir, 'control-port')
  const args = [
    path.join(ROOT, 'test', 'fault-proxy', 'proxy.py'),
    '--upstream',
    upstream,
    '--port-file',
    portFile,
    '--control-port-file',
    controlFile,
    '--faults',
    JSON.stringify(faults)
  ]
  const proc = spawn('python3', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  proc.stderr!.on('data', (c: Buffer) => (stderr += c))
  const end = Date.now() + 10_000
  while (!existsSync(portFile)) {
    if (proc.exitCode !== null || Date.now() > end) throw new Error(`the fault proxy did not start: ${stderr}`)
    await new Promise((r) => setTimeout(r, 20))
  }
  const url = `http://127.0.0.1:${readFileSync(portFile, 'utf8').trim()}`
  // the control port stays up while the proxy's own port refuses connections
  const controlUrl = `http://127.0.0.1:${readFileSync(controlFile, 'utf8').trim()}/__faults__`
  const control = async (body?: Faults) => {
    const res = await fetch(controlUrl, body ? { method: 'POST', body: JSON.stringify(body) } : {})
    return res.json()
  }
  return {
    url,
    set: async (f) => void (await control(f)),
    stats: async () => control(),
    stop: async () => {
      if (proc.exitCode !== null) return
      const closed = new Promise((r) => proc.on('close', r))
      proc.kill('SIGTERM')
      await closed
    }
  }
}

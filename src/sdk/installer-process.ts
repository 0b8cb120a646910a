// One installer command (uv or pip) as a child process that a cancel can end: it runs in a
// process group of its own (pip starts build backends and other helpers), which stopInstallers()
// ends with SIGTERM and, 2 s later, SIGKILL. Output streams into the log as it comes.
import { spawn, type ChildProcess } from 'node:child_process'

const running = new Set<ChildProcess>()
let stopping = false

export interface InstallerExit {
  exitCode: number
  stdout: string
  stderr: string
  /** Ended by stopInstallers(). */
  cancelled: boolean
}

export function runInstaller(command: string, args: string[], env: Record<string, string>): Promise<InstallerExit> {
  process.stdout.write(`[command]${[command, ...args].join(' ')}\n`)
  if (stopping) return Promise.resolve({ exitCode: -1, stdout: '', stderr: '', cancelled: true })
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32', windowsHide: true })
  running.add(child)
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk
    process.stdout.write(chunk)
  })
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk
    process.stdout.write(chunk) // one stream in the log, in order
  })
  return new Promise((resolve) => {
    child.on('error', (error) => {
      running.delete(child)
      resolve({ exitCode: -1, stdout, stderr: `${stderr}${error.message}\n`, cancelled: stopping })
    })
    child.on('close', (code) => {
      running.delete(child)
      resolve({ exitCode: code ?? -1, stdout, stderr, cancelled: stopping })
    })
  })
}

/** A cancel: every installer still running is ended, and none starts after. */
export function stopInstallers(): void {
  stopping = true
  for (const child of running) {
    signalGroup(child, 'SIGTERM')
    setTimeout(() => signalGroup(child, 'SIGKILL'), 2_000).unref()
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return
  try {
    if (process.platform === 'win32') child.kill(signal)
    else process.kill(-child.pid, signal)
  } catch {
    // already gone
  }
}

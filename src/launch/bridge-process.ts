// The Python bridge as a child process: request on stdin, events as JSON lines on stdout, the
// SDK's and the job's own output on stderr, SIGTERM to cancel. Arguments are an argv array.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { BRIDGE_CANCEL_SECONDS, parseEventLine, type BridgeEvent, type BridgeRequest } from './protocol/index.js'

/**
 * The bridge's start script: bridge/ is copied whole beside the bundle (dist/); run from source
 * (local-action, the tests' tsx) it is the repository's bridge/, two folders up.
 */
function bridgePath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url))
  const places = [here, path.resolve(here, '..', '..')].map((dir) => path.join(dir, 'bridge', 'launch_bridge.py'))
  return places.find((place) => existsSync(place)) ?? (places[0] as string)
}

export interface BridgeExit {
  code: number | null
  signal: NodeJS.Signals | null
  /** The bridge left running on purpose: an asynchronous local run outlives the action. */
  detached: boolean
}

export interface BridgeOptions {
  python: string
  request: BridgeRequest
  env: NodeJS.ProcessEnv
  onEvent: (event: BridgeEvent) => void
  /** The SDK's and the job's output, the whole lines of each chunk read. */
  onLog: (lines: string[]) => void
  /** A stdout line that is not an event of the protocol, and what is wrong with it. */
  onBadEvent?: (line: string, problem: string) => void
}

export class Bridge {
  private cancelSent = false
  readonly exited: Promise<BridgeExit>

  private constructor(
    private readonly child: ChildProcess,
    detachable: boolean,
    options: BridgeOptions
  ) {
    const stdout = createInterface({ input: child.stdout! })
    const stderr = readLines(child.stderr!, options.onLog)
    let sawResult = false
    stdout.on('line', (line) => {
      const parsed = parseEventLine(line)
      if (!parsed.ok) {
        options.onBadEvent?.(line, parsed.problem)
        return
      }
      const event = parsed.event
      if (event.event === 'result') sawResult = true
      options.onEvent(event)
    })
    this.exited = new Promise((resolve) => {
      child.on('error', (error) => {
        options.onLog([`could not start ${options.python}: ${error.message}`])
        resolve({ code: null, signal: null, detached: false })
      })
      child.on('close', (code, signal) => resolve({ code, signal, detached: false }))
      // The event stream closes once the result is out; a detachable bridge then keeps the job.
      stdout.on('close', () => {
        if (detachable && sawResult && child.exitCode === null) {
          stderr.close()
          child.unref()
          resolve({ code: null, signal: null, detached: true })
        }
      })
    })
  }

  static start(options: BridgeOptions): Bridge {
    const detachable = options.request.detached_log !== undefined
    const child = spawn(options.python, [bridgePath()], {
      env: { ...options.env, PYTHONUNBUFFERED: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      // An asynchronous local run must survive the end of this step's process.
      detached: detachable,
      windowsHide: true
    })
    child.stdin?.on('error', () => {}) // a bridge that died at once is reported by its exit
    child.stdin?.end(JSON.stringify(options.request))
    return new Bridge(child, detachable, options)
  }

  /** Ask the bridge to cancel; further calls do nothing, so a cancel is never abandoned. */
  cancel(): boolean {
    if (this.cancelSent || this.child.exitCode !== null) return false
    this.cancelSent = true
    this.child.kill('SIGTERM')
    const child = this.child
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }, BRIDGE_CANCEL_SECONDS * 1000).unref()
    return true
  }
}

// Line breaks as readline knows them: \r\n, \n, and a lone \r.
const LINE_BREAK = /\r\n|\r|\n/

/**
 * The whole lines of `stream`, delivered a chunk's worth at a time: a job may print millions of
 * lines, and a callback and a write per line cost the action seconds of CPU for 50 MB. A line
 * cut by a chunk's end waits for the rest; so does a \r at the very end (it may be half a \r\n).
 * The last line is delivered at the end even without a break.
 */
export function readLines(stream: Readable, deliver: (lines: string[]) => void): { close: () => void } {
  stream.setEncoding('utf8')
  let pending = ''
  const complete = (text: string): string[] => {
    const lines = text.split(LINE_BREAK)
    lines.pop() // what follows the last break: nothing, as text ends with one
    return lines
  }
  stream.on('data', (chunk: string) => {
    const text = pending + chunk
    const cut = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r', text.length - 2))
    if (cut < 0) {
      pending = text
      return
    }
    pending = text.slice(cut + 1)
    deliver(complete(text.slice(0, cut + 1)))
  })
  stream.on('end', () => {
    // pending holds no break but perhaps a last \r
    if (pending) deliver([pending.endsWith('\r') ? pending.slice(0, -1) : pending])
    pending = ''
  })
  return {
    close: () => {
      stream.removeAllListeners('data')
      stream.destroy()
    }
  }
}

// The Python bridge as a child process: request on stdin, events as JSON lines on stdout, the
// SDK's and the job's own output on stderr, SIGTERM to cancel. Arguments are an argv array.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import type { ErrorDetail } from './failure-messages.js'
import type { BridgeRequest } from './request.js'

/** dist/bridge/launch_bridge.py beside the bundle (the bridge/ folder is copied whole into dist/). */
export const BRIDGE_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bridge', 'launch_bridge.py')

export interface SdkEvent {
  event: 'sdk'
  python: string
  python_version: string
  wandb_version: string | null
}
export interface SubmittedEvent {
  event: 'submitted'
  run_id: string
  backend_id: string | null
  entity: string | null
  project: string | null
  run_type: string
  launch_seconds: number
}
/** Queue mode: the item is on the queue (run_id is the one the agent is asked to use). */
export interface QueuedEvent {
  event: 'queued'
  queue_item_id: string
  queue: string
  project_queue: string
  run_id: string | null
  entity: string | null
  project: string | null
}
/** Queue mode: sent once per change while following the item and its run. */
export interface ProgressEvent {
  event: 'progress'
  /** queued, claimed, item_failed, api_error, or the run's state (pending, running, ...). */
  stage: string
  run_id: string | null
  item_state: string | null
  run_state: string | null
  message: string | null
}
/** A running remote run, at most every progress_interval: its step and the watched metrics. */
export interface HeartbeatEvent {
  event: 'heartbeat'
  run_id: string | null
  step: number | null
  metrics: Record<string, string | number | boolean | null>
}
/** After a run that failed on W&B: the last lines of its output.log, or why there are none. */
export interface RunLogEvent {
  event: 'run_log'
  run_id: string | null
  lines: string[]
  note: string | null
}
/** A cancel whose stop the W&B API did not confirm in time (src/queue_stop.py, src/bridge_events.py). */
export const UNCONFIRMED = 'unconfirmed'

/**
 * After SIGTERM the bridge has 4.2 s to report and exit (its watchdog, src/deadline.py); should
 * it still be there at this point it is killed, so the action exits within 5 s of a cancel.
 */
export const BRIDGE_CANCEL_MS = 4_600

export interface ResultEvent {
  event: 'result'
  /** The run's state, or UNCONFIRMED. */
  state: string | null
  cancelled: boolean
  timed_out: boolean
  submitted: boolean
  cancel_error: string | null
  backend_id?: string | null
  /** A local run: its process's exit code. */
  exit_code?: number | null
  /** A local run: the job's own last lines, as they were printed (none of the SDK's lines). */
  job_tail?: string[] | null
  // queue mode only
  queue_item_id?: string
  run_id?: string | null
  item_state?: string | null
  /** The failed queue item's error message. */
  item_error?: string | null
  /** Where the failed item's error arose (agent, build, ...), and the files W&B names with it. */
  item_error_stage?: string | null
  item_error_files?: string[]
  /** An agent started the run (it was seen on W&B). */
  run_started?: boolean
  /** No agent picked the item up within queue_timeout. */
  queue_timed_out?: boolean
  /** The item was taken off the queue (cancel, timeout, no agent). */
  item_removed?: boolean
}
/**
 * After a synchronous run ended: the run as W&B recorded it, read back through the public API.
 * state is null when it could not be read (error says why; missing: W&B has no such run).
 */
export interface RunRecordEvent {
  event: 'run_record'
  state: string | null
  /** The run's summary metrics, nested keys as W&B stores them. */
  summary: Record<string, unknown>
  /** The last history step (lastHistoryStep), null without history. */
  step: number | null
  error: string | null
  /** W&B has no run of that ID: the job never called wandb.init. */
  missing?: boolean
}
/** With gates on baseline: the run compared with (path null: none matched; error: the lookup failed). */
export interface BaselineEvent {
  event: 'baseline'
  path: string | null
  summary: Record<string, unknown> | null
  error: string | null
}
/** With tags: what adding them to the run came to (error null: added). */
export interface TagsEvent {
  event: 'tags'
  tags: string[]
  error: string | null
}
export interface ErrorEvent {
  event: 'error'
  /** launch_error: not classified; the others are explained by src/failure-messages.ts or the SDK setup. */
  kind:
    | 'wandb_missing'
    | 'wandb_too_old'
    | 'wandb_unsatisfied'
    | 'packages_missing'
    | 'launch_error'
    | 'bad_request'
    | 'auth_rejected'
    | 'server_unreachable'
    | 'server_error'
    | 'job_not_found'
    | 'docker_unavailable'
    | 'runner_not_configured'
  message: string
  exception_type: string | null
  traceback: string | null
  /** Facts for the cause-and-fix line (src/error_kinds.py). */
  detail?: ErrorDetail
}
export type BridgeEvent =
  | SdkEvent
  | SubmittedEvent
  | QueuedEvent
  | ProgressEvent
  | RunRecordEvent
  | HeartbeatEvent
  | RunLogEvent
  | BaselineEvent
  | TagsEvent
  | ResultEvent
  | ErrorEvent

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
  onBadEvent?: (line: string) => void
}

export class Bridge {
  private cancelSent = false
  readonly exited: Promise<BridgeExit>

  private constructor(private readonly child: ChildProcess, detachable: boolean, options: BridgeOptions) {
    const stdout = createInterface({ input: child.stdout! })
    const stderr = readLines(child.stderr!, options.onLog)
    let sawResult = false
    stdout.on('line', (line) => {
      let event: BridgeEvent
      try {
        event = JSON.parse(line) as BridgeEvent
      } catch {
        options.onBadEvent?.(line)
        return
      }
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
    const child = spawn(options.python, [BRIDGE_PATH], {
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
    }, BRIDGE_CANCEL_MS).unref()
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

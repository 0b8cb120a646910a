// The launch log's own lines: its group title, a followed run's progress and heartbeats, and the
// warning for an event the protocol does not know.
import type { Inputs } from '../inputs/inputs.js'
import { formatDuration } from '../text/duration.js'
import { inert } from '../text/markup.js'
import type { Outcome, Reused } from './outcome.js'
import type { HeartbeatEvent, ProgressEvent } from './protocol/events.js'

/** The bridge and the action ship together: an event they disagree on is this action's bug. */
export function badEventsWarning(problems: string[]): string {
  const count = problems.length === 1 ? 'a line' : `${problems.length} lines`
  return (
    `The launch bridge sent ${count} that ${problems.length === 1 ? 'is' : 'are'} not an event of its protocol (${inert(problems[0] ?? '')}), ` +
    "and the action ignored it. This is a bug in wandb-launch-action: please report it with the step's debug log."
  )
}

export function groupTitle(inputs: Inputs): string {
  const what = inputs.job ?? inputs.dockerImage
  const { attach, queue } = inputs
  if (attach?.kind === 'run') return `Follow W&B run ${attach.entity}/${attach.project}/${attach.runId}`
  if (attach) return `Follow queue item ${attach.itemId} on ${queue?.name}`
  return queue ? `Queue ${what} on ${queue.name} (run ${inputs.runId})` : `Launch ${what} on ${inputs.resource} (run ${inputs.runId})`
}

/** A running run's heartbeat: its step and the watched metrics' latest values. */
export function heartbeatLine(event: HeartbeatEvent, outcome: Outcome, seconds: number): string {
  const run = `W&B run ${event.run_id ?? outcome.submitted?.runId ?? ''}`
  const values = Object.entries(event.metrics).map(([name, value]) => `${name}=${value ?? '(not logged yet)'}`)
  const step = event.step === null ? 'no step logged yet' : `step ${event.step}`
  return `[${formatDuration(seconds)}] ${run} is running: ${[step, ...values].join(', ')}`
}

/** reuse: which run is taken instead of launching, and from which workflow run. */
export function reusedLine(reused: Reused, sha: string | undefined): string {
  const from = reused.workflowRunUrl ? `, launched by workflow run ${reused.workflowRunUrl}` : ''
  const commit = sha ? ` on commit ${sha.slice(0, 12)}` : ''
  const how = reused.state === 'finished' ? 'judged' : 'followed'
  return `reuse: W&B run ${reused.runId} (${reused.state ?? 'state unknown'}${from}) ran the same launch inputs${commit}: it is ${how} instead of launching a new run`
}

/** One log line per change while a queued run is followed. `waitSeconds`: attach's bound on a run not on W&B yet. */
export function progressLine(event: ProgressEvent, outcome: Outcome, seconds: number, waitSeconds?: number): string {
  const run = `W&B run ${event.run_id ?? outcome.submitted?.runId ?? ''}`
  const q = outcome.queued
  const text = (() => {
    switch (event.stage) {
      case 'queued':
        return `Queued on ${q?.queue ?? 'the queue'} as item ${q?.itemId ?? '?'}: waiting for an agent to pick it up`
      case 'claimed':
        return `Picked up by an agent: ${run} is starting`
      case 'item_failed':
        return `The queue item failed before its run started: ${event.message ?? 'no reason given'}`
      case 'not_started':
        return `${run} is not on W&B yet (its job has not called wandb.init): waiting for it${waitSeconds ? ` up to ${formatDuration(waitSeconds)}` : ''}`
      case 'api_error':
        return `The W&B API failed, retrying: ${event.message ?? ''}`
      case 'preempting':
        return `${run} is being preempted`
      case 'pending':
      case 'running':
        return `${run} is ${event.stage}`
      default:
        return `${run} ${event.stage}`
    }
  })()
  return `[${formatDuration(seconds)}] ${text}`
}

// The constants both sides of the protocol share: the oldest wandb, the cancel timings and the
// two vocabularies of run states.
/** The oldest wandb the bridge supports. */
export const MIN_WANDB_VERSION = '0.17.3'

/** A cancel whose stop the W&B API or the runner did not confirm in time. */
export const UNCONFIRMED = 'unconfirmed'

/** After SIGTERM: the bridge's own budget to stop the run and report. */
const CANCEL_SECONDS = 3.0
/** After SIGTERM: the bridge's watchdog reports what it has and exits. */
const WATCHDOG_SECONDS = 4.2
/** After SIGTERM: the action kills a bridge still running. */
export const BRIDGE_CANCEL_SECONDS = 4.6

// Two vocabularies of states meet in a result. W&B's run states (the run as W&B recorded it):
/** A W&B run still under way. */
const RUN_LIVE_STATES = ['running', 'pending', 'preempting'] as const
/** A W&B run that ended. */
const RUN_END_STATES = ['finished', 'failed', 'crashed', 'killed', 'preempted'] as const
/** A W&B run that ended without finishing. */
const RUN_FAILED_STATES = ['failed', 'crashed', 'killed', 'preempted'] as const
// And the SDK launch runner's states (the job as its runner saw it, direct mode):
/** A runner's job that ended. */
const RUNNER_END_STATES = ['finished', 'failed', 'stopped', 'preempted'] as const
/** Either vocabulary: the state of a run that failed the step. */
export const FAILED_STATES: readonly string[] = [...new Set([...RUN_FAILED_STATES, ...RUNNER_END_STATES])].filter((s) => s !== 'finished')

export const CONSTANTS = {
  MIN_WANDB_VERSION,
  UNCONFIRMED,
  CANCEL_SECONDS,
  WATCHDOG_SECONDS,
  BRIDGE_CANCEL_SECONDS,
  RUN_LIVE_STATES,
  RUN_END_STATES,
  RUN_FAILED_STATES,
  RUNNER_END_STATES
}

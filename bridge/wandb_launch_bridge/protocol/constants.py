"""The constants both languages share, with the same names and values as the TypeScript side."""

from __future__ import annotations

# The state reported for a run whose stop got no answer in time: it may still be running.
UNCONFIRMED = "unconfirmed"
# A cancel's network calls share CANCEL_SECONDS; the bridge's watchdog ends it at WATCHDOG_SECONDS;
# the action kills a bridge still there at BRIDGE_CANCEL_SECONDS (GitHub's SIGKILL comes at 10 s).
CANCEL_SECONDS = 3.0
WATCHDOG_SECONDS = 4.2
BRIDGE_CANCEL_SECONDS = 4.6
# The oldest wandb release contract-tested.
MIN_WANDB_VERSION = "0.17.3"
# W&B's states of a run (the public API's Run.state) ...
RUN_LIVE_STATES = ("running", "pending", "preempting")
RUN_END_STATES = ("finished", "failed", "crashed", "killed", "preempted")
RUN_FAILED_STATES = ("failed", "crashed", "killed", "preempted")
# ... and the SDK launch runner's (a submitted run's get_status()), which are not the same words.
RUNNER_END_STATES = ("finished", "failed", "stopped", "preempted")

SHARED_CONSTANTS = (
    "UNCONFIRMED",
    "CANCEL_SECONDS",
    "WATCHDOG_SECONDS",
    "BRIDGE_CANCEL_SECONDS",
    "MIN_WANDB_VERSION",
    "RUN_LIVE_STATES",
    "RUN_END_STATES",
    "RUN_FAILED_STATES",
    "RUNNER_END_STATES",
)

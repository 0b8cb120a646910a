"""The cancel: what SIGTERM/SIGINT, the timeout or the action's disappearance set, and the report
when a cancel overruns its deadline. From the first signal the bridge has WATCHDOG_SECONDS to
report and exit, whatever the network does."""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass, field
from typing import Any, Callable

from .deadline import kill_groups, start_watchdog
from .protocol import UNCONFIRMED, WATCHDOG_SECONDS, emit_result, flush_channel, has_ended, result_sent


def _no_groups() -> list[int]:
    return []


@dataclass
class CancelState:
    """The one cancel of a bridge process, read by every wait."""

    requested: bool = False
    # Why: "cancelled" (a signal, the action gone) or "timeout"; None until a cancel starts.
    reason: str | None = None
    # Where the bridge is: "start" and "launch" (a signal abandons them), "push", "wait", "stopping".
    phase: str = "start"
    # Ends a wait's sleep at once (set by the wait that sleeps).
    wake: Callable[[], object] | None = None
    # The action's PID, to notice that it was killed outright.
    parent: int | None = None
    # What a result must say if the cancel overruns its deadline (queue item, run ID, ...).
    known: dict[str, Any] = field(default_factory=dict)
    # The process groups of local jobs, which must not outlive the bridge.
    job_groups: Callable[[], list[int]] = _no_groups


cancel = CancelState()


class LaunchCancelled(BaseException):
    """Raised from the signal handler to abandon a launch that has no run yet: the SDK's login
    and the job's fetch can each wait on a slow server longer than the runner's grace."""


def parent_gone() -> bool:
    """The action was killed outright (its bridge was re-parented): the run must still be stopped."""
    return cancel.parent is not None and os.getppid() != cancel.parent


def begin_cancel(reason: str) -> None:
    """A cancel starts (a signal, the timeout, the action gone): from now on the bridge has
    WATCHDOG_SECONDS to report and exit, whatever the network does."""
    cancel.requested = True
    cancel.reason = cancel.reason or reason
    start_watchdog(report_overrun, WATCHDOG_SECONDS)


def report_overrun() -> None:
    """The cancel's calls did not return in time: end local jobs, say what is known, and go."""
    kill_groups(cancel.job_groups())
    if result_sent():
        return
    phase = cancel.phase
    launched = phase not in ("start", "launch") or bool(cancel.job_groups())
    emit_result(
        **{
            "state": UNCONFIRMED if launched else None,
            "cancelled": cancel.reason != "timeout",
            "timed_out": cancel.reason == "timeout",
            "submitted": launched,
            "cancel_error": f"the cancel did not finish within {WATCHDOG_SECONDS:.1f}s (phase {phase}): "
            "the W&B API did not answer"
            if launched
            else None,
            **cancel.known,
        }
    )
    flush_channel()


def on_signal(signum: int, _frame: Any) -> None:
    if cancel.requested:
        return  # a second signal must not abandon a cancel half-way
    begin_cancel("cancelled")
    if cancel.phase in ("start", "launch") and not has_ended():
        raise LaunchCancelled()  # out of whatever network call the main thread waits on
    if cancel.wake is not None:
        cancel.wake()  # end the wait's sleep now, not at the next poll


def handle_signals() -> None:
    cancel.parent = os.getppid()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, on_signal)

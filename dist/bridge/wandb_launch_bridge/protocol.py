"""The bridge's event channel to the action, and the cancel state that SIGTERM/SIGINT set.

Events go to a private descriptor as JSON lines; fd 1 then points at stderr, so nothing the SDK
or the job prints can forge an event.
"""

from __future__ import annotations

import json
import os
import signal
import traceback

from .deadline import UNCONFIRMED, WATCHDOG_SECONDS, finished, kill_groups, start_watchdog

_channel = {"events": None, "detached": False, "result_sent": False, "ended": False}
# phase: start and launch (a signal abandons them), push, wait, stopping. wake: ends a wait's sleep.
# known: what a result must say if the cancel overruns its deadline (queue item, run ID, ...).
# job_groups: returns the process groups of local jobs, which must not outlive the bridge.
cancel = {"requested": False, "reason": None, "phase": "start", "wake": None, "parent": None, "known": {},
          "job_groups": lambda: []}


class LaunchCancelled(BaseException):
    """Raised from the signal handler to abandon a launch that has no run yet: the SDK's login
    and the job's fetch can each wait on a slow server longer than the runner's grace."""


def open_channel():
    _channel["events"] = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)


def emit(event, **fields):
    if event in ("result", "error"):
        _channel["ended"] = True  # the bridge has said how it ends: a signal abandons nothing now
    if event == "result":
        _channel["result_sent"] = True
        finished()
    try:
        _channel["events"].write(json.dumps({"event": event, **fields}) + "\n")
        _channel["events"].flush()
    except (BrokenPipeError, ValueError, OSError):
        pass  # the action is gone; the run still gets cancelled or finishes on its own


def fail(kind, message, exc=None, detail=None):
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)) if exc is not None else None
    emit("error", kind=kind, message=message, exception_type=type(exc).__name__ if exc else None, traceback=trace,
         **({"detail": detail} if detail is not None else {}))


def detach_channel():
    """An asynchronous local run outlives the action: its channel closes for good."""
    _channel["events"].close()
    _channel["detached"] = True


def is_detached():
    return _channel["detached"]


def flush_channel():
    try:
        _channel["events"].flush()
    except Exception:
        pass


def parent_gone():
    """The action was killed outright (its bridge was re-parented): the run must still be stopped."""
    return cancel["parent"] is not None and os.getppid() != cancel["parent"]


def begin_cancel(reason):
    """A cancel starts (a signal, the timeout, the action gone): from now on the bridge has
    WATCHDOG_SECONDS to report and exit, whatever the network does."""
    cancel["requested"] = True
    cancel["reason"] = cancel["reason"] or reason
    start_watchdog(report_overrun)


def report_overrun():
    """The cancel's calls did not return in time: end local jobs, say what is known, and go."""
    kill_groups(cancel["job_groups"]())
    if _channel["result_sent"]:
        return
    phase = cancel["phase"]
    launched = phase not in ("start", "launch") or bool(cancel["job_groups"]())
    emit("result", **{
        "state": UNCONFIRMED if launched else None, "cancelled": cancel["reason"] != "timeout",
        "timed_out": cancel["reason"] == "timeout", "submitted": launched,
        "cancel_error": f"the cancel did not finish within {WATCHDOG_SECONDS:.1f}s (phase {phase}): "
                        "the W&B API did not answer" if launched else None,
        **cancel["known"]})
    flush_channel()


def on_signal(signum, _frame):
    if cancel["requested"]:
        return  # a second signal must not abandon a cancel half-way
    begin_cancel("cancelled")
    if cancel["phase"] in ("start", "launch") and not _channel["ended"]:
        raise LaunchCancelled()  # out of whatever network call the main thread waits on
    if cancel["wake"] is not None:
        cancel["wake"]()  # end the wait's sleep now, not at the next poll


def handle_signals():
    cancel["parent"] = os.getppid()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, on_signal)

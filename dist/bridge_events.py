"""The bridge's event channel to the action, and the cancel state that SIGTERM/SIGINT set.

Events go to a private descriptor as JSON lines; fd 1 then points at stderr, so nothing the SDK
or the job prints can forge an event.
"""

from __future__ import annotations

import json
import os
import signal
import traceback

_channel = {"events": None, "detached": False}
# phase: start, launch (a signal abandons it), push, wait, stopping. wake: ends a wait's sleep.
cancel = {"requested": False, "reason": None, "phase": "start", "wake": None}


class LaunchCancelled(BaseException):
    """Raised from the signal handler to abandon a launch that has no run yet."""


def open_channel():
    _channel["events"] = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)


def emit(event, **fields):
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


def on_signal(signum, _frame):
    if cancel["requested"]:
        return  # a second signal must not abandon a cancel half-way
    cancel["requested"] = True
    cancel["reason"] = cancel["reason"] or "cancelled"
    if cancel["phase"] == "launch":
        raise LaunchCancelled()
    if cancel["wake"] is not None:
        cancel["wake"]()  # end the wait's sleep now, not at the next poll


def handle_signals():
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, on_signal)

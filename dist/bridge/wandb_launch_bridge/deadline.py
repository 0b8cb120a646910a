"""Deadlines for calls that may never return. The SDK's network calls can wait for ever (0.30's
stopRun is sent with no timeout and wandb-core retries a dead server without end), so a call that
must end in time runs in a daemon thread and the caller stops waiting for it; whatever it does
afterwards is dropped. Also: the budget a cancel has, and the watchdog that ends the bridge when a
cancel overruns it anyway."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time

# From SIGINT/SIGTERM or the timeout to the bridge's exit: GitHub sends SIGKILL 10 s after the
# cancel, and the action promises 5 s. The network calls of a cancel share CANCEL_SECONDS; the
# watchdog ends the bridge at WATCHDOG_SECONDS whatever is still waiting.
CANCEL_SECONDS = 3.0
WATCHDOG_SECONDS = 4.2
EXIT_HOOK_SECONDS = 0.5
# The state reported for a run whose stop got no answer in time: it may still be running.
UNCONFIRMED = "unconfirmed"


class DeadlineExceeded(TimeoutError):
    pass


class Abandoned(Exception):
    """give_up() said to stop waiting (a cancel came while a poll was waiting on the network)."""


def call_with_deadline(call, seconds, what, give_up=None):
    """call()'s result, or DeadlineExceeded after `seconds`; Abandoned as soon as give_up() is true."""
    box = {}

    def target():
        try:
            box["value"] = call()
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name=f"deadline: {what}", daemon=True)
    thread.start()
    end = time.monotonic() + max(0.0, seconds)
    while thread.is_alive():
        left = end - time.monotonic()
        if left <= 0:
            raise DeadlineExceeded(f"{what}: no answer from W&B within {seconds:.1f}s")
        if give_up is not None and give_up():
            raise Abandoned(what)
        thread.join(min(left, 0.05))
    if "error" in box:
        raise box["error"]
    return box.get("value")


def run_with_deadline(coroutine_function, seconds, what):
    """An async SDK call, run to its end on an event loop of its own in call_with_deadline's
    thread: a runner's coroutine may block on a synchronous client inside (SageMaker's boto3,
    the Vertex client), which no await can cut short."""
    return call_with_deadline(lambda: asyncio.run(coroutine_function()), seconds, what)


class Budget:
    """Time left until a fixed end, shared by the calls of one cancel."""

    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def left(self):
        return max(0.0, self.end - time.monotonic())


_watchdog = {"started": False, "done": threading.Event(), "end": None}
# What a cancel still needs after a read that is cut short: the result, the exit hooks (0.5 s),
# the exit, and the action's report.
RESULT_MARGIN_SECONDS = 1.2


def seconds_from_env(name, default):
    """A shorter wait for the tests: WANDB_LAUNCH_ACTION_CALL_SECONDS (one poll's network call, in
    queue mode and for a remote run's state), WANDB_LAUNCH_ACTION_ERROR_REPORT_SECONDS (how often
    a failing server is reported)."""
    try:
        seconds = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return seconds if seconds > 0 else default


def start_watchdog(on_overrun, seconds=WATCHDOG_SECONDS):
    """Once per bridge: unless finished() is called within `seconds`, on_overrun() runs (it reports
    what is known) and the process ends at once, its threads and their network waits with it."""
    if _watchdog["started"]:
        return
    _watchdog["started"] = True
    _watchdog["end"] = time.monotonic() + seconds

    def watch():
        if _watchdog["done"].wait(seconds):
            return
        try:
            on_overrun()
        finally:
            os._exit(0)

    threading.Thread(target=watch, name="cancel watchdog", daemon=True).start()


def seconds_for(limit):
    """`limit` seconds, or less once a cancel runs: what remains before the watchdog, so that a
    read which may be cut short (the run record) never costs the result its place."""
    if _watchdog["end"] is None:
        return limit
    return max(0.0, min(limit, _watchdog["end"] - time.monotonic() - RESULT_MARGIN_SECONDS))


def finished():
    """The cancel has reported its result: the watchdog only guards the exit from here on."""
    _watchdog["done"].set()


def run_exit_hooks(run_hooks):
    """The SDK's exit hooks (wandb-core's teardown) with a deadline: a dead server must not hold
    the exit."""
    try:
        call_with_deadline(run_hooks, EXIT_HOOK_SECONDS, "exit hooks")
    except Exception:
        pass


def kill_groups(pgids):
    """SIGKILL for process groups that must not outlive the bridge."""
    for pgid in pgids:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, OSError):
            pass

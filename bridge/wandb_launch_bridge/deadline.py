"""Deadlines for calls that may never return. The SDK's network calls can wait for ever (0.30's
stopRun is sent with no timeout and wandb-core retries a dead server without end), so a call that
must end in time runs in a daemon thread and the caller stops waiting for it; whatever it does
afterwards is dropped. `call_with_deadline` is the one way the bridge waits on such a call. Also:
the budget a cancel has, and the watchdog that ends the bridge when a cancel overruns it anyway
(the cancel timings themselves are protocol constants)."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from typing import Any, Callable, TypeVar

T = TypeVar("T")

EXIT_HOOK_SECONDS = 0.5


class DeadlineExceeded(TimeoutError):
    """The call did not return within its seconds (it goes on in its daemon thread, ignored)."""


class Abandoned(Exception):
    """give_up() said to stop waiting (a cancel came while a poll was waiting on the network)."""


def call_with_deadline(
    call: Callable[[], T],
    seconds: float,
    what: str,
    give_up: Callable[[], bool] | None = None,
    timeout_message: str | None = None,
) -> T:
    """call()'s result (or what it raised), or DeadlineExceeded after `seconds` (its message:
    `timeout_message`, else one naming `what`); Abandoned as soon as give_up() is true."""
    box: dict[str, Any] = {}

    def target() -> None:
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
            raise DeadlineExceeded(timeout_message or f"{what}: no answer from W&B within {seconds:.1f}s")
        if give_up is not None and give_up():
            raise Abandoned(what)
        thread.join(min(left, 0.05))
    if "error" in box:
        raise box["error"]
    return box.get("value")  # type: ignore[return-value]


def run_with_deadline(coroutine_function: Callable[[], Any], seconds: float, what: str) -> Any:
    """An async SDK call, run to its end on an event loop of its own in call_with_deadline's
    thread: a runner's coroutine may block on a synchronous client inside (SageMaker's boto3,
    the Vertex client), which no await can cut short."""
    return call_with_deadline(lambda: asyncio.run(coroutine_function()), seconds, what)


class Budget:
    """Time left until a fixed end, shared by the calls of one cancel."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return max(0.0, self.end - time.monotonic())


class _Watchdog:
    started = False
    done = threading.Event()
    end: float | None = None


_watchdog = _Watchdog()
# What a cancel still needs after a read that is cut short: the result, the exit hooks (0.5 s),
# the exit, and the action's report.
RESULT_MARGIN_SECONDS = 1.2


def seconds_from_env(name: str, default: float) -> float:
    """A shorter wait for the tests: WANDB_LAUNCH_ACTION_CALL_SECONDS (one poll's network call, in
    queue mode and for a remote run's state), WANDB_LAUNCH_ACTION_ERROR_REPORT_SECONDS (how often
    a failing server is reported)."""
    try:
        seconds = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return seconds if seconds > 0 else default


def start_watchdog(on_overrun: Callable[[], None], seconds: float) -> None:
    """Once per bridge: unless finished() is called within `seconds`, on_overrun() runs (it reports
    what is known) and the process ends at once, its threads and their network waits with it."""
    if _watchdog.started:
        return
    _watchdog.started = True
    _watchdog.end = time.monotonic() + seconds

    def watch() -> None:
        if _watchdog.done.wait(seconds):
            return
        try:
            on_overrun()
        finally:
            os._exit(0)

    threading.Thread(target=watch, name="cancel watchdog", daemon=True).start()


def seconds_for(limit: float) -> float:
    """`limit` seconds, or less once a cancel runs: what remains before the watchdog, so that a
    read which may be cut short (the run record) never costs the result its place."""
    if _watchdog.end is None:
        return limit
    return max(0.0, min(limit, _watchdog.end - time.monotonic() - RESULT_MARGIN_SECONDS))


def finished() -> None:
    """The cancel has reported its result: the watchdog only guards the exit from here on."""
    _watchdog.done.set()


def run_exit_hooks(run_hooks: Callable[[], Any]) -> None:
    """The SDK's exit hooks (wandb-core's teardown) with a deadline: a dead server must not hold
    the exit."""
    try:
        call_with_deadline(run_hooks, EXIT_HOOK_SECONDS, "exit hooks")
    except Exception:
        pass


def kill_groups(pgids: list[int]) -> None:
    """SIGKILL for process groups that must not outlive the bridge."""
    for pgid in pgids:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, OSError):
            pass

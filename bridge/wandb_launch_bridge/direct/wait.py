"""Direct mode's wait for a launched run: poll until it ends, with a deadline; cancel it on a
signal, on timeout or when the action is gone, ending a local job's process group ourselves.

The SDK calls of a cancel (the run's cancel(), then its state) share CANCEL_SECONDS, each with
its own deadline: a remote runner's API (Kubernetes, SageMaker, Vertex) may never answer. What
got no answer in time is reported as such: `unconfirmed`."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time

from ..cancel import begin_cancel, cancel, parent_gone
from ..deadline import Budget, DeadlineExceeded, run_with_deadline, seconds_from_env
from ..protocol import CANCEL_SECONDS, RUNNER_END_STATES, UNCONFIRMED

KILL_GRACE_SECONDS = 3.0
# One poll of a remote run's state: its runner's API (Kubernetes, SageMaker, Vertex) may hang.
STATUS_SECONDS = 60.0


def local_job_process(run):
    return getattr(run, "_command_proc", None)


def live_job_groups(runs):
    """The process groups of local jobs still running (each job leads a group of its own)."""
    procs = (local_job_process(run) for run in runs)
    return [proc.pid for proc in procs if proc is not None and proc.poll() is None]


def state_of(status):
    return str(getattr(status, "state", status))


async def wait_for_end(run, deadline, watch=None):
    """Poll get_status(): launch(synchronous=True) can sleep 5 s for nothing and takes no timeout.
    A remote run's watch (RemoteWatch) sees each state and may shorten a pause for a heartbeat."""
    local = is_local(run)
    interval, max_interval = (0.02, 0.05) if local else (1.0, 10.0)  # a local poll is one waitpid()
    woken = asyncio.Event()
    loop = asyncio.get_running_loop()
    cancel.wake = lambda: loop.call_soon_threadsafe(woken.set)
    while True:
        if parent_gone():  # the action was killed outright: stop the run, leave nothing
            begin_cancel("cancelled")
        if cancel.requested:
            return await cancel_run(run)
        if deadline is not None and time.monotonic() >= deadline:
            begin_cancel("timeout")
            return await cancel_run(run)
        status = await status_or_wake(run, woken, deadline)
        if status is None:
            continue  # a cancel, the timeout, or no answer: the loop's top says which
        state = state_of(status)
        if watch is not None:
            watch.seen(state)
        if state in RUNNER_END_STATES:
            return state, None
        pause = interval if deadline is None else max(0.0, min(interval, deadline - time.monotonic()))
        beat = watch.seconds_left() if watch is not None and state == "running" else None
        if beat is not None:
            pause = min(pause, max(beat, 0.05))
        try:
            await asyncio.wait_for(woken.wait(), pause)
        except asyncio.TimeoutError:
            pass
        interval = min(interval * 1.5, max_interval)


async def status_or_wake(run, woken, deadline):
    """run.get_status(), or None once `woken` is set (a cancel), the timeout has passed, or the
    runner's API has not answered for STATUS_SECONDS: a remote runner's API may stop answering
    while the run is followed, and neither a cancel nor the timeout may wait for it. (A blocking
    client inside the coroutine holds the loop itself: then the bridge's watchdog ends a cancel.)"""
    if is_local(run):
        return await run.get_status()
    ask = seconds_from_env("WANDB_LAUNCH_ACTION_CALL_SECONDS", STATUS_SECONDS)
    limit = ask if deadline is None else max(0.0, min(ask, deadline - time.monotonic()))
    status = asyncio.ensure_future(run.get_status())
    wake = asyncio.ensure_future(woken.wait())
    await asyncio.wait({status, wake}, timeout=limit, return_when=asyncio.FIRST_COMPLETED)
    wake.cancel()
    if status.done():
        return status.result()
    status.cancel()
    if not woken.is_set() and (deadline is None or time.monotonic() < deadline):
        print(
            f"{type(run).__name__}.get_status() did not answer within {ask:.0f}s: asking again",
            file=sys.stderr,
            flush=True,
        )
    return None


async def cancel_run(run, budget=None):
    """Cancel through the SDK, make sure a local job has ended, and report the state after.
    `budget`: the time the cancel's SDK calls share (one cancel may stop several runs)."""
    budget = budget or Budget(CANCEL_SECONDS)
    cancel_error = None
    unanswered = None
    try:
        await sdk_call(run, "cancel", budget)
    except DeadlineExceeded as exc:
        unanswered = str(exc)
    except Exception as exc:  # reported, not fatal: the state below says what happened
        cancel_error = f"{type(exc).__name__}: {exc}"
    killed = await stop_local_job(run) if is_local(run) else False
    if unanswered:  # the stop may or may not have reached the run
        return UNCONFIRMED, unanswered
    try:
        state = state_of(await sdk_call(run, "get_status", budget))
    except DeadlineExceeded as exc:
        return UNCONFIRMED, cancel_error or f"{exc}, after the cancel"
    except Exception as exc:
        state = "unknown"
        cancel_error = cancel_error or f"{type(exc).__name__}: {exc}"
    proc = local_job_process(run)
    if killed and proc is not None and (proc.returncode or 0) < 0:
        state = "stopped"  # the SDK calls any non-zero exit "failed"; this one was our signal
    return state, cancel_error


def is_local(run):
    return hasattr(run, "_terminate_flag")


async def sdk_call(run, name, budget):
    """run.<name>(). A local run answers from this machine at once (a flag, a waitpid); a remote
    run asks its runner's API, which may never answer: it gets what is left of the budget."""
    if is_local(run):
        return await getattr(run, name)()
    seconds = budget.left()
    try:
        return run_with_deadline(getattr(run, name), seconds, name)
    except DeadlineExceeded:
        raise DeadlineExceeded(
            f"{type(run).__name__}.{name}() did not return within {seconds:.1f}s (its runner's API did not answer)"
        ) from None


async def stop_local_job(run):
    """LocalSubmittedRun.cancel() only sets a flag read when the job next prints: end it ourselves."""
    thread = getattr(run, "_thread", None)
    deadline = time.monotonic() + 1.0
    while local_job_process(run) is None and thread is not None and thread.is_alive() and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    proc = local_job_process(run)
    if proc is None:
        return False
    signalled = False
    for sig, grace in ((signal.SIGTERM, KILL_GRACE_SECONDS), (signal.SIGKILL, 2.0)):
        if proc.poll() is not None and not group_alive(proc.pid):
            break
        try:
            os.killpg(proc.pid, sig) if os.name == "posix" else proc.send_signal(sig)
            signalled = True
        except (ProcessLookupError, PermissionError):
            pass
        end = time.monotonic() + grace
        while time.monotonic() < end:
            if proc.poll() is not None and not group_alive(proc.pid):
                break
            await asyncio.sleep(0.02)
    return signalled


def group_alive(pgid):
    if os.name != "posix":
        return False
    try:
        os.killpg(pgid, 0)
        return True
    except (ProcessLookupError, PermissionError):
        return False

"""Queue mode's endings other than the run's own: on cancel or timeout a waiting item leaves the
queue and a started run is stopped (stopRun); with no agent in time the item is removed."""

from __future__ import annotations

import time

from bridge_events import cancel
from wandb_api import describe_error, with_retries

RUN_END_STATES = ("finished", "failed", "crashed", "killed", "preempted")
STOP_GRACE_SECONDS = 15.0


def no_agent(f):
    removed, error = remove_item(f)
    return f.result("pending", queue_timed_out=True, timed_out=True, item_removed=removed,
                    cancel_error=error)


def stop(f, reason):
    """Cancel or timeout: a waiting item leaves the queue, a started run is stopped."""
    cancel["requested"], cancel["reason"] = True, reason
    cancel["phase"] = "stopping"
    flags = {"cancelled": reason == "cancelled", "timed_out": reason == "timeout"}
    if f.run is None and f.item_state not in ("pending", "failed"):
        try:  # claimed: the agent may have started the run since the last poll
            f.try_load_run()
        except Exception:
            pass
    if f.run is None:
        removed, error = remove_item(f)
        return f.result(f.item_state, item_removed=removed, cancel_error=error, **flags)
    state, error = stop_run(f)
    f.run_state = state
    return f.result(state, cancel_error=error, **flags)


def remove_item(f):
    try:
        with_retries(f.queued.delete, time.sleep, attempts=4)
        return True, None
    except Exception as exc:
        return False, f"removing queue item {f.queued.id} failed: {describe_error(exc)}"


def stop_run(f):
    """stopRun through the W&B API; the run then reports `killed`."""
    error = None
    if f.run_state not in RUN_END_STATES:
        try:
            with_retries(lambda: f.launch_api.stop_run(f.run.storage_id), time.sleep, attempts=4)
        except Exception as exc:
            error = f"stopRun failed: {describe_error(exc)}"
    end = time.monotonic() + STOP_GRACE_SECONDS
    state = f.run_state
    while True:
        try:
            f.run.load(force=True)
            state = f.run.state
        except Exception as exc:
            error = error or f"reading the run's state failed: {describe_error(exc)}"
        if state in RUN_END_STATES or time.monotonic() >= end:
            break
        time.sleep(0.25)
    if state not in RUN_END_STATES and error is None:
        error = f"the run was asked to stop but is still {state}"
    return state, error

"""Queue mode's endings other than the run's own: on cancel or timeout a waiting item leaves the
queue and a started run is stopped (stopRun); with no agent in time the item is removed.

A cancel or timeout has CANCEL_SECONDS for all its calls, each with its own deadline
(call_with_deadline): a dead or hanging server cannot hold it. What could not be confirmed in that time
is said so: `unconfirmed` for a run whose stop got no answer."""

from __future__ import annotations

import time

from ..cancel import begin_cancel, cancel
from ..deadline import Budget, DeadlineExceeded, call_with_deadline
from ..protocol import CANCEL_SECONDS, RUN_END_STATES, UNCONFIRMED
from ..sdk.api import describe_error, is_transient
from .item import item_there

# Without a cancel (no agent in time) there is no runner deadline, but no reason to wait long.
NO_AGENT_SECONDS = 30.0


def no_agent(f):
    removed, error = remove_item(f, Budget(NO_AGENT_SECONDS))
    return f.result("pending", queue_timed_out=True, timed_out=True, item_removed=removed, cancel_error=error)


def stop(f, reason):
    """Cancel or timeout: a waiting item leaves the queue, a started run is stopped."""
    begin_cancel(reason)
    cancel.reason = reason
    cancel.phase = "stopping"
    budget = Budget(CANCEL_SECONDS)
    flags = {"cancelled": reason == "cancelled", "timed_out": reason == "timeout"}
    if f.run is None and f.item_state not in ("pending", "failed"):
        try:  # claimed: the agent may have started the run since the last poll
            f.try_load_run(lambda call, what: call_with_deadline(call, min(budget.left(), 1.0), what))
        except Exception:
            pass
    if f.run is None:
        removed, error = remove_item(f, budget)
        return f.result(f.item_state, item_removed=removed, cancel_error=error, **flags)
    state, error = stop_run(f, budget)
    f.run_state = state
    return f.result(state, cancel_error=error, **flags)


def within(budget, call, what, attempts=4):
    """call() with the budget's time left as its deadline; transient errors are retried while
    time remains (a pause of 0.25 s, then 0.5 s, ...)."""
    pause = 0.25
    for attempt in range(attempts):
        try:
            return call_with_deadline(call, budget.left(), what)
        except DeadlineExceeded:
            raise
        except Exception as exc:
            if attempt == attempts - 1 or not is_transient(exc) or budget.left() <= pause:
                raise
            time.sleep(pause)
            pause *= 2


def remove_item(f, budget):
    """QueuedRun.delete, then a look at the queue: the SDK ignores deleteFromRunQueue's answer, and a
    server may refuse (success false). Removed only when the item is seen gone."""
    try:
        within(budget, f.queued.delete, f"removing queue item {f.queued.id}")
    except Exception as exc:
        return False, f"removing queue item {f.queued.id} failed: {describe_error(exc)}"
    try:
        there = item_there(f, lambda call, what: within(budget, call, what))
    except Exception as exc:
        return False, (
            f"W&B was asked to remove queue item {f.queued.id}, but whether it left {f.queued.queue_name} "
            f"could not be checked: {describe_error(exc)}"
        )
    if there:
        return False, f"W&B did not remove queue item {f.queued.id} from {f.queued.queue_name}: it is still there"
    return True, None


def stop_run(f, budget):
    """stopRun through the W&B API; the run then reports `killed`. Its state is read again while
    the budget lasts."""
    error = None
    state = f.run_state
    if state not in RUN_END_STATES:
        try:
            within(budget, lambda: f.launch_api.stop_run(f.run.storage_id), "stopRun")
        except Exception as exc:
            return UNCONFIRMED, f"stopRun failed: {describe_error(exc)}"
    while True:
        try:
            call_with_deadline(lambda: f.run.load(force=True), budget.left(), "reading the run's state")
            state = f.run.state
        except Exception as exc:
            error = error or f"reading the run's state failed: {describe_error(exc)}"
        if state in RUN_END_STATES or budget.left() <= 0.25:
            break
        time.sleep(0.25)
    if state not in RUN_END_STATES and error is None:
        error = f"the run was asked to stop but is still {state}"
    return state, error

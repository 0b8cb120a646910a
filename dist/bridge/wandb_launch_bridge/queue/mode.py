"""Queue mode of the launch bridge: push the run onto a W&B Launch queue and follow it.

Imported by launch_bridge.py when the request has a `queue`. Same protocol as direct mode (see
launch_bridge.py), with two more events: `queued` (right after the push: the item id and the run
ID) and `progress` (once per change: queued, claimed, the run's states).

What the SDK leaves to the caller, or gets wrong, and what queue mode does instead:
- `launch_add` pushes the item first and checks that the job exists afterwards, leaving a dead item
  behind: the job and the queue are checked before anything is pushed (queue_checks.py), and an
  item that launch_add pushed before raising is removed again (queue_push.py).
- A push whose answer was lost is sent again by wandb-core, and the queue holds two items for one
  run: the items carrying the run ID are looked up after the push and all but one removed
  (queue_dedupe.py).
- `launch_add` prints the whole launch spec, which holds the `config` input (secrets included):
  the printed copy is redacted (spec_redaction.py); the pushed spec is not changed.
- `QueuedRun.wait_until_running()` never returns for an item no agent takes, nor for one that
  failed; `Run.wait_until_finished()` never returns for `killed` or `preempted`: neither is used.
  The item and then the run are polled with a deadline, a backoff and retries of transient API
  errors (queue_follow.py). The item's error has no accessor in the SDK: it is read with the same
  GraphQL query the SDK uses for the item (`GetRunQueueItem`), asking for `error { message }` as well.
"""

from __future__ import annotations

import time

from ..after_run.finish import after_run
from ..protocol import cancel, emit
from ..deadline import seconds_for
from .dedupe import keep_one
from ..follow.follower import QueueFollow, follow
from .push import push
from ..follow.stop import stop
from ..after_run.output_log import report_run_log
from ..after_run.record import emit_record
from ..sdk.patches import make_api
from ..sdk.api import describe_error, with_retries


def enqueue_and_follow(request):
    import wandb

    launch_api = make_api()
    public_api = wandb.Api()
    queued = push(request, public_api, launch_api, time.sleep)
    cancel["phase"] = "wait"
    run_id = request["launch"].get("run_id")
    queued = keep_one(public_api, queued, run_id)  # a push sent twice leaves one item
    emit("queued", queue_item_id=str(queued.id), queue=queued.queue_name,
         project_queue=queued.project_queue, run_id=run_id, entity=queued.entity,
         project=queued.project)

    base = {"submitted": True, "cancelled": False, "timed_out": False, "cancel_error": None,
            "queue_item_id": str(queued.id), "queue_timed_out": False, "item_removed": False}
    # what a cancel that overruns its deadline reports (bridge_events.report_overrun)
    cancel["known"] = {"queue_item_id": str(queued.id), "run_id": run_id, "run_started": False,
                       "queue_timed_out": False, "item_removed": False}
    queue = request["queue"]
    started = time.monotonic()
    timeout = request.get("timeout_seconds")
    queue_timeout = queue.get("timeout_seconds")
    following = QueueFollow(
        public_api, launch_api, queued, run_id,
        deadline=None if timeout is None else started + float(timeout),
        queue_deadline=None if queue_timeout is None else started + float(queue_timeout),
        progress=request.get("progress"),
    )
    if cancel["requested"]:  # the signal came during the push: take the item back
        emit("result", **{**base, **stop(following, cancel["reason"] or "cancelled")})
        return
    if not request.get("synchronous", True):
        emit("result", **{**base, **first_state(queued, run_id)})
        return
    following.progress("queued")
    finish(following, base, follow(following), public_api, request)


def finish(following, base, ended, public_api, request):
    """The result, after the run as W&B recorded it (its summary and last step) and, when its own
    run failed, the end of its output.log."""
    if following.run is not None:
        emit_record(following.queued.entity, following.queued.project, following.run_id, api=public_api,
                    seconds=seconds_for(2.0 if cancel["requested"] else 5.0))
        after_run(request, following.queued.entity, following.queued.project, following.run_id, api=public_api)
    if not (ended.get("cancelled") or ended.get("timed_out")):
        report_run_log(following.run, following.run_id, ended.get("state"))
    emit("result", **{**base, **ended})


def first_state(queued, run_id):
    """Asynchronous: the item's state right after the push, and the action is done."""
    error = None
    try:
        state = with_retries(lambda: queued.state, time.sleep)
    except Exception as exc:
        state = None
        error = f"reading the item's state failed: {describe_error(exc)}"
    return {"cancel_error": error, "state": state, "run_id": run_id, "item_state": state, "item_error": None,
            "run_started": False}

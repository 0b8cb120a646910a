"""Queue mode of the launch bridge: push the run onto a W&B Launch queue and follow it.

Started when the request has a `queue`. Same protocol as direct mode, with two more events:
`queued` (right after the push: the item id and the run ID) and `progress` (once per change:
queued, claimed, the run's states).

What the SDK leaves to the caller, or gets wrong, and what queue mode does instead:
- `launch_add` pushes the item first and checks that the job exists afterwards, leaving a dead item
  behind: the job and the queue are checked before anything is pushed (checks), and an
  item that launch_add pushed before raising is removed again (push).
- A push whose answer was lost is sent again by wandb-core, and the queue holds two items for one
  run: the items carrying the run ID are looked up after the push and all but one removed
  (dedupe).
- `launch_add` prints the whole launch spec, which holds the `config` input (secrets included):
  the printed copy is redacted (redaction); the pushed spec is not changed.
- `QueuedRun.wait_until_running()` never returns for an item no agent takes, nor for one that
  failed; `Run.wait_until_finished()` never returns for `killed` or `preempted`: neither is used.
  The item and then the run are polled with a deadline, a backoff and retries of transient API
  errors (follow.follower). The item's error has no accessor in the SDK: it is read with the same
  GraphQL query the SDK uses for the item (`GetRunQueueItem`), asking for `error { message }` as well,
  and with the SDK's own query where the server has no such field (then the reason is left out).
- `launch_add`'s QueuedRun is in the run's entity, while a launch config's `queue_entity` puts the
  item in another entity's queue: the item is followed, de-duplicated and removed in the queue's.
"""

from __future__ import annotations

import time

from ..cancel import cancel
from ..follow.follower import Follower, finish_following, follow
from ..follow.stop import stop
from ..protocol import Request, emit_queued, emit_result
from ..sdk.api import describe_error, make_api, with_retries
from .dedupe import keep_one
from .push import push


def enqueue_and_follow(request: Request) -> None:
    import wandb

    launch_api = make_api()
    public_api = wandb.Api()
    queued, run_entity = push(request, public_api, launch_api, time.sleep)
    cancel.phase = "wait"
    run_id = request.launch.run_id
    queued = keep_one(public_api, queued, run_id)  # a push sent twice leaves one item
    emit_queued(
        queue_item_id=str(queued.id),
        queue=queued.queue_name,
        project_queue=queued.project_queue,
        run_id=run_id,
        entity=run_entity,
        project=queued.project,
    )

    base = {
        "submitted": True,
        "cancelled": False,
        "timed_out": False,
        "cancel_error": None,
        "queue_item_id": str(queued.id),
        "queue_timed_out": False,
        "item_removed": False,
    }
    # what a cancel that overruns its deadline reports (cancel.report_overrun)
    cancel.known = {
        "queue_item_id": str(queued.id),
        "run_id": run_id,
        "run_started": False,
        "queue_timed_out": False,
        "item_removed": False,
    }
    queue = request.queue
    assert queue is not None  # queue mode
    started = time.monotonic()
    timeout = request.timeout_seconds
    queue_timeout = queue.timeout_seconds
    following = Follower(
        public_api,
        launch_api,
        queued,
        run_id,
        deadline=None if timeout is None else started + float(timeout),
        queue_deadline=None if queue_timeout is None else started + float(queue_timeout),
        progress=request.progress,
        run_entity=run_entity,
    )
    if cancel.requested:  # the signal came during the push: take the item back
        emit_result(**{**base, **stop(following, cancel.reason or "cancelled")})
        return
    if not request.synchronous:
        emit_result(**{**base, **first_state(queued, run_id)})
        return
    following.progress("queued")
    finish_following(request, following, base, follow(following))


def first_state(queued, run_id):
    """Asynchronous: the item's state right after the push, and the action is done."""
    error = None
    try:
        state = with_retries(lambda: queued.state, time.sleep)
    except Exception as exc:
        state = None
        error = f"reading the item's state failed: {describe_error(exc)}"
    return {
        "cancel_error": error,
        "state": state,
        "run_id": run_id,
        "item_state": state,
        "item_error": None,
        "run_started": False,
    }

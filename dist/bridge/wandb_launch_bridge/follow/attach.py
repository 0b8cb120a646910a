"""Attach mode of the launch bridge: follow a run launched before (by an earlier job, with
synchronous false) to its end exactly as queue mode follows the run it pushed: state changes,
heartbeats, timeout, cancel (stopRun, or a waiting item leaves the queue), the failed run's
output.log tail, one result.

The run is named by its path (entity/project/run_id), or by its queue item (the queue_item_id
output, with the queue and the run's project), whose run may not have started yet. A run path
whose run is not on W&B yet is waited for (appear.py), as the launching step would have. `reuse`
follows an earlier run of the same launch this way too."""

from __future__ import annotations

import time

from ..cancel import cancel, parent_gone
from ..deadline import Abandoned, call_with_deadline, seconds_from_env
from ..errors import UserError
from ..protocol import Request, emit_progress, emit_queued, emit_result, emit_submitted
from ..sdk.api import LAUNCH_DEFAULT_PROJECT, is_not_found, is_transient, make_api
from .appear import wait_for_run
from .follower import POLL_SECONDS, Follower, finish_following, follow, poll_intervals

# attach by run path without queue_timeout: how long a run that is not on W&B yet is waited for
APPEAR_SECONDS = 600.0


class AttachedRun:
    """What the follower needs of a queue item, for a run attached by its path (there is none)."""

    def __init__(self, path):
        self.entity, self.project, _ = path.split("/")
        self.id = path
        self.queue_name = None
        self.project_queue = None


BASE = {
    "submitted": True,
    "cancelled": False,
    "timed_out": False,
    "cancel_error": None,
    "queue_timed_out": False,
    "item_removed": False,
}


def follow_attached(request: Request) -> None:
    import wandb

    public_api = wandb.Api()
    launch_api = make_api()
    attach = request.attach
    assert attach is not None  # attach mode
    deadline = deadline_of(request)
    cancel.phase = "wait"
    if attach.queue_item_id is not None:
        following = follow_item(request, public_api, launch_api, attach.queue_item_id, deadline, time.monotonic())
        base = {**BASE, "queue_item_id": str(attach.queue_item_id)}
    else:
        assert attach.run_path is not None  # one of the two
        run = wait_until_there(request, public_api, attach.run_path, deadline)
        if run is None:
            return
        following = follow_run(request, public_api, launch_api, attach.run_path, deadline, run)
        base = BASE
    finish_following(request, following, base, follow(following))


def follow_reused(request: Request, public_api, path, run) -> None:
    """reuse: an earlier run of the same launch, followed (and judged) as attach follows a run."""
    cancel.phase = "wait"
    following = follow_run(request, public_api, make_api(), path, deadline_of(request), run, run_type="reused")
    finish_following(request, following, BASE, follow(following))


def deadline_of(request: Request):
    return None if request.timeout_seconds is None else time.monotonic() + float(request.timeout_seconds)


def wait_until_there(request: Request, public_api, path, deadline):
    """The run at `path`, waited for while W&B has none (its job has not called wandb.init yet);
    None when the wait ended without it (the result is sent)."""

    def load():
        try:
            return call_with_deadline(
                lambda: public_api.run(path),
                seconds_from_env("WANDB_LAUNCH_ACTION_CALL_SECONDS", POLL_SECONDS),
                "reading the run",
                give_up=lambda: cancel.requested or parent_gone(),
            )
        except Abandoned:
            return None  # a cancel: the wait sees it
        except Exception as exc:
            if is_transient(exc) or is_not_found(exc):
                return None  # not there yet, or the API failed: the bounded wait looks again
            raise

    def pause(seconds):
        end = time.monotonic() + seconds
        while not cancel.requested and not parent_gone() and time.monotonic() < end:
            time.sleep(min(0.1, max(0.0, end - time.monotonic())))

    run_id = path.split("/")[2]
    first, longest = poll_intervals()
    run, why = wait_for_run(
        load,
        bound=float(request.attach_wait_seconds or APPEAR_SECONDS),
        deadline=deadline,
        progress_seconds=request.progress.interval_seconds,
        say=lambda waited: emit_progress(
            stage="not_started", run_id=run_id, item_state=None, run_state=None, message=f"{waited:.0f}"
        ),
        now=time.monotonic,
        pause=pause,
        cancelled=lambda: cancel.requested or parent_gone(),
        first=min(first, 1.0),
        longest=longest,
    )
    if run is not None:
        return run
    emit_result(
        state=None,
        cancelled=why == "cancelled",
        timed_out=why == "timeout",
        submitted=False,
        cancel_error=None,
        run_id=run_id,
        run_started=False,
        never_appeared=why == "never",
    )
    return None


def follow_run(request: Request, public_api, launch_api, path, deadline, run, run_type="attached"):
    entity, project, run_id = path.split("/")
    emit_submitted(run_id=run_id, backend_id=None, entity=entity, project=project, run_type=run_type, launch_seconds=0)
    following = Follower(
        public_api,
        launch_api,
        AttachedRun(path),
        run_id,
        deadline=deadline,
        queue_deadline=None,
        progress=request.progress,
    )
    following.run, following.run_state = run, run.state
    following.item_state = "claimed"
    following.progress(run.state)
    return following


def follow_item(request: Request, public_api, launch_api, item_id, deadline, started):
    queue = request.queue
    launch = request.launch
    if queue is None or launch.project is None:
        raise UserError("attaching to a queue item needs its queue and the run's project")
    entity = launch.entity or public_api.default_entity
    queue_entity = (launch.config or {}).get("queue_entity") or entity  # a launch config's, as when pushed
    project_queue = queue.project_queue or LAUNCH_DEFAULT_PROJECT
    queued = public_api.queued_run(queue_entity, launch.project, queue.name, item_id, project_queue)
    emit_queued(
        queue_item_id=str(item_id),
        queue=queue.name,
        project_queue=project_queue,
        run_id=None,
        entity=entity,
        project=launch.project,
    )
    queue_timeout = queue.timeout_seconds
    return Follower(
        public_api,
        launch_api,
        queued,
        None,
        deadline=deadline,
        queue_deadline=None if queue_timeout is None else started + float(queue_timeout),
        progress=request.progress,
        run_entity=entity,
    )

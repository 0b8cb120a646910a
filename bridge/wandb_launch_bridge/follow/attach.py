"""Attach mode of the launch bridge: follow a run launched before (by an earlier job, with
synchronous false) to its end exactly as queue mode follows the run it pushed: state changes,
heartbeats, timeout, cancel (stopRun, or a waiting item leaves the queue), the failed run's
output.log tail, one result.

The run is named by its path (entity/project/run_id), or by its queue item (the queue_item_id
output, with the queue and the run's project), whose run may not have started yet."""

from __future__ import annotations

import time

from ..cancel import cancel
from ..errors import UserError
from ..protocol import Request, emit_queued, emit_submitted
from ..sdk.api import LAUNCH_DEFAULT_PROJECT, describe_error, is_not_found, is_transient, make_api, with_retries
from .follower import Follower, finish_following, follow


class AttachedRun:
    """What the follower needs of a queue item, for a run attached by its path (there is none)."""

    def __init__(self, path):
        self.entity, self.project, _ = path.split("/")
        self.id = path
        self.queue_name = None
        self.project_queue = None


def follow_attached(request: Request) -> None:
    import wandb

    public_api = wandb.Api()
    launch_api = make_api()
    attach = request.attach
    assert attach is not None  # attach mode
    timeout = request.timeout_seconds
    started = time.monotonic()
    deadline = None if timeout is None else started + float(timeout)
    cancel.phase = "wait"
    base = {
        "submitted": True,
        "cancelled": False,
        "timed_out": False,
        "cancel_error": None,
        "queue_timed_out": False,
        "item_removed": False,
    }
    if attach.queue_item_id is not None:
        following = follow_item(request, public_api, launch_api, attach.queue_item_id, deadline, started)
        base["queue_item_id"] = str(attach.queue_item_id)
    else:
        assert attach.run_path is not None  # one of the two
        following = follow_run(request, public_api, launch_api, attach.run_path, deadline)
    finish_following(request, following, base, follow(following))


def follow_run(request: Request, public_api, launch_api, path, deadline):
    try:
        run = with_retries(lambda: public_api.run(path), time.sleep)
    except Exception as exc:
        if is_transient(exc) or not is_not_found(exc):
            raise
        raise UserError(
            f"W&B run {path} (attach) was not found: check the entity, project and run ID, "
            f"and that the API key can see it ({describe_error(exc)})"
        ) from None
    entity, project, run_id = path.split("/")
    emit_submitted(
        run_id=run_id, backend_id=None, entity=entity, project=project, run_type="attached", launch_seconds=0
    )
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

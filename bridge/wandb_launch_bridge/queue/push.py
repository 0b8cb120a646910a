"""Queue mode's push: the checks, then the SDK's launch_add; an item launch_add pushed before
raising is removed again."""

from __future__ import annotations

from ..cancel import LaunchCancelled, cancel
from ..errors import UserError
from ..protocol import Launch, Queue, Request
from ..sdk.api import LAUNCH_DEFAULT_PROJECT, describe_error, with_retries
from .checks import check_job, check_template_variables, find_queue, template_variable_schemas
from .redaction import redact_printed_spec


def push(request: Request, public_api, launch_api, sleep):
    """Checks, then launch_add. Returns the QueuedRun, in the queue's entity (launch_add's is in the
    run's, where a launch config's queue_entity puts the item elsewhere), and the run's entity.
    Raises UserError for the user's mistakes."""
    import wandb.sdk.launch._launch_add as launch_add_module

    launch = request.launch
    queue = request.queue
    assert queue is not None  # queue mode
    config = dict(launch.config or {})
    queue_name = queue.name
    project_queue = queue.project_queue or LAUNCH_DEFAULT_PROJECT
    # The entity launch_add will use for the spec, and the one whose queue it pushes to.
    entity = launch.entity or config.get("entity") or launch_api.default_entity
    queue_entity = config.get("queue_entity") or entity

    cancel.phase = "launch"  # a cancel now abandons the checks: nothing is queued yet
    if cancel.requested:
        raise LaunchCancelled()
    if launch.job:
        check_job(public_api, launch.job, entity, sleep)
    queue_info = find_queue(public_api, queue_entity, project_queue, queue_name, sleep)
    template_variables = queue.template_variables
    if template_variables:
        schemas = template_variable_schemas(public_api, queue_entity, queue_info, sleep)
        template_variables = check_template_variables(template_variables, schemas, queue_name)

    redact_printed_spec()
    # Remember what was pushed, so an item launch_add leaves behind when it raises is removed.
    pushed = {}
    original_push = launch_add_module.push_to_queue

    def remembering_push(*args, **kwargs):
        res = original_push(*args, **kwargs)
        if isinstance(res, dict) and res.get("runQueueItemId"):
            pushed["id"] = res["runQueueItemId"]
        return res

    launch_add_module.push_to_queue = remembering_push
    # After its push, launch_add builds a second public Api (Viewer, ServerFeaturesQuery,
    # GetDefaultEntity: sequential round trips) and checks the job again; it gets ours, which
    # knows the job exists: it was checked above.
    launch_add_module.public = _ModuleWithApi(launch_add_module.public, _CheckedJob(public_api, launch.job))
    cancel.phase = "push"  # a cancel now waits for the push, then removes the item
    try:
        queued = add_to_queue(launch_add_module, launch_api, launch, config, template_variables, queue)
    except Exception as exc:
        if "id" in pushed:
            note = remove_stray_item(public_api, queue_entity, launch, queue_name, project_queue, pushed["id"], sleep)
            raise UserError(f"{describe_error(exc)} ({note})") from exc
        raise
    finally:
        launch_add_module.push_to_queue = original_push
        launch_add_module.public = launch_add_module.public.module
    run_entity = queued.entity
    if queue_entity != run_entity:
        queued = public_api.queued_run(queue_entity, queued.project, queued.queue_name, queued.id, project_queue)
    return queued, run_entity


def add_to_queue(launch_add_module, launch_api, launch: Launch, config, template_variables, queue: Queue):
    """launch_add with our LaunchApi (its internal _launch_add, the same on 0.17.3 to 0.30), so the
    push does not build another API client; the public launch_add where that is missing."""
    arguments = dict(
        job=launch.job,
        config=config or None,
        template_variables=template_variables or None,
        project=launch.project,
        entity=launch.entity,
        queue_name=queue.name,
        resource=launch.resource,
        entry_point=None if launch.entry_point is None else list(launch.entry_point),
        name=launch.name,
        version=launch.version,
        docker_image=launch.docker_image,
        project_queue=queue.project_queue,
        resource_args=launch.resource_args,
        run_id=launch.run_id,
        repository=launch.repository,
        priority=queue.priority,
    )
    internal = getattr(launch_add_module, "_launch_add", None)
    if internal is None:
        return launch_add_module.launch_add(**arguments)
    return internal(launch_api, **arguments)


class _ModuleWithApi:
    """Stands in for `wandb.apis.public` inside _launch_add.py: `Api()` is the given object."""

    def __init__(self, module, api):
        self.module = module
        self._api = api

    def __getattr__(self, name):
        return getattr(self.module, name)

    def Api(self, *args, **kwargs):  # mirrors public.Api
        return self._api


class _CheckedJob:
    """The bridge's public Api, except that the job checked before the push is not fetched again
    (`_artifact` on 0.18+, `artifact` on 0.17)."""

    def __init__(self, api, job):
        self._api = api
        self._job = job

    def __getattr__(self, name):
        return getattr(self._api, name)

    def _artifact(self, name, *args, **kwargs):
        return None if name == self._job else self._api._artifact(name, *args, **kwargs)

    def artifact(self, name, *args, **kwargs):
        return None if name == self._job else self._api.artifact(name, *args, **kwargs)


def remove_stray_item(public_api, entity, launch: Launch, queue_name, project_queue, item_id, sleep):
    try:
        queued = public_api.queued_run(entity, launch.project or "", queue_name, item_id, project_queue)
        with_retries(queued.delete, sleep)
        return f"the queue item {item_id} it had pushed was removed again"
    except Exception as exc:
        return f"the queue item {item_id} it had pushed could not be removed: {describe_error(exc)}"

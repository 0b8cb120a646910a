# Mirrors wandb/sdk/launch/_launch_add.py: launch_add and _launch_add, same arguments, same order
# of steps: the spec is built, pushed, printed whole (config included), and only then is the job
# checked, so a missing job leaves its item on the queue, as with the real SDK.
import pprint

import wandb
import wandb.apis.public as public
from wandb._record import record
from wandb.errors import CommError

from .errors import LaunchError
from .utils import LAUNCH_DEFAULT_PROJECT, LOG_PREFIX, construct_launch_spec, validate_launch_spec_source


def push_to_queue(api, queue_name, launch_spec, template_variables, project_queue, priority=None):
    return api.push_to_run_queue(queue_name, launch_spec, template_variables, project_queue, priority)


def launch_add(uri=None, job=None, config=None, template_variables=None, project=None, entity=None,
               queue_name=None, resource=None, entry_point=None, name=None, version=None, docker_image=None,
               project_queue=None, resource_args=None, run_id=None, build=False, repository=None,
               sweep_id=None, author=None, priority=None):
    from wandb.sdk.launch.api import LaunchApi

    api = LaunchApi()
    return _launch_add(api, job, config, template_variables, project, entity, queue_name, resource,
                       entry_point, name, version, docker_image, project_queue, resource_args,
                       run_id=run_id, repository=repository, priority=priority)


def _launch_add(api, job, config, template_variables, project, entity, queue_name, resource, entry_point,
                name, version, docker_image, project_queue, resource_args=None, run_id=None, build=False,
                repository=None, sweep_id=None, author=None, priority=None):
    # recorded here: launch_add hands over to _launch_add, as the real one does
    record("launch_add", job=job, config=config, template_variables=template_variables, project=project,
           entity=entity, queue_name=queue_name, resource=resource, entry_point=entry_point, name=name,
           version=version, docker_image=docker_image, project_queue=project_queue,
           resource_args=resource_args, run_id=run_id, repository=repository, priority=priority)
    launch_spec = construct_launch_spec(None, job, api, name, project, entity, docker_image, resource,
                                        entry_point, version, resource_args, config, run_id, repository, author)
    if queue_name is None:
        queue_name = "default"
    if project_queue is None:
        project_queue = LAUNCH_DEFAULT_PROJECT
    validate_launch_spec_source(launch_spec)
    res = push_to_queue(api, queue_name, launch_spec, template_variables, project_queue, priority)
    if res is None or "runQueueItemId" not in res:
        raise LaunchError("Error adding run to queue")
    if project_queue == LAUNCH_DEFAULT_PROJECT:
        wandb.termlog(f"{LOG_PREFIX}Added run to queue {queue_name}.")
    else:
        wandb.termlog(f"{LOG_PREFIX}Added run to queue {project_queue}/{queue_name}.")
    wandb.termlog(f"{LOG_PREFIX}Launch spec:\n{pprint.pformat(launch_spec)}\n")
    public_api = public.Api()
    if job is not None:
        try:
            public_api._artifact(job, type="job")
        except (ValueError, CommError) as e:
            raise LaunchError(f"Unable to fetch job with name {job}: {e}")
    return public_api.queued_run(launch_spec["entity"], launch_spec["project"], queue_name,
                                 res["runQueueItemId"], project_queue, priority)

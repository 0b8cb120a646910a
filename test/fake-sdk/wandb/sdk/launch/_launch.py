# Mirrors wandb/sdk/launch/_launch.py: launch() and _launch(), same arguments, same flow.
import asyncio

from wandb._record import record

from . import loader
from ._project_spec import LaunchProject
from .errors import ExecutionError
from .utils import PROJECT_SYNCHRONOUS, validate_launch_spec_source


async def _launch(api, job=None, name=None, project=None, entity=None, docker_image=None,
                  entry_point=None, version=None, resource=None, resource_args=None,
                  launch_config=None, synchronous=None, run_id=None, repository=None):
    resource = resource or "local-container"
    spec = {
        "job": job, "name": name, "project": project, "entity": entity, "resource": resource,
        "resource_args": resource_args or {}, "run_id": run_id, "git": {"version": version},
        "docker": {"docker_image": docker_image} if docker_image else {},
        "overrides": dict((launch_config or {}).get("overrides", {})),
    }
    if entry_point:
        spec["overrides"]["entry_point"] = entry_point
    validate_launch_spec_source(spec)
    launch_project = LaunchProject.from_spec(spec, api)
    launch_project.fetch_and_validate_project()
    entrypoint = launch_project.get_job_entry_point()
    image_uri = launch_project.docker_image or launch_project.job_base_image
    builder = loader.builder_from_config((launch_config or {}).get("builder"), None, None)
    if not image_uri:
        image_uri = await builder.build_image(launch_project, entrypoint, None)
    backend = loader.runner_from_config(resource, api, {PROJECT_SYNCHRONOUS: synchronous}, None, None)
    if backend is None:
        raise ExecutionError(f"Unavailable backend {resource}")
    return await backend.run(launch_project, image_uri)


def launch(api, job=None, entry_point=None, version=None, name=None, resource=None,
           resource_args=None, project=None, entity=None, docker_image=None, config=None,
           synchronous=True, run_id=None, repository=None):
    record("launch", job=job, entry_point=entry_point, version=version, name=name,
           resource=resource, resource_args=resource_args, project=project, entity=entity,
           docker_image=docker_image, config=config, synchronous=synchronous, run_id=run_id,
           repository=repository, api=type(api).__name__)
    return asyncio.run(_launch(api, job=job, name=name, project=project, entity=entity,
                               docker_image=docker_image, entry_point=entry_point, version=version,
                               resource=resource, resource_args=resource_args, launch_config=config,
                               synchronous=synchronous, run_id=run_id, repository=repository))

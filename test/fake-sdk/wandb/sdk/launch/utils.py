# Mirrors wandb/sdk/launch/utils.py: the helpers launch() and the runners call.
import time

from wandb._record import record

from .errors import LaunchError

PROJECT_SYNCHRONOUS = "SYNCHRONOUS"
LOG_PREFIX = "launch: "
MAX_ENV_LENGTHS = {"LocalProcessRunner": 100000, "LocalContainerRunner": 100000}


def validate_launch_spec_source(launch_spec):
    job = launch_spec.get("job")
    docker_image = launch_spec.get("docker", {}).get("docker_image")
    if bool(job) == bool(docker_image):
        raise LaunchError("Exactly one of job or docker_image must be specified")


def validate_wandb_python_deps(requirements_file, dir):
    # The real one runs `pip freeze` to print a warning: about half a second per launch.
    record("validate_wandb_python_deps")
    time.sleep(0.5)


def sanitize_wandb_api_key(text):
    return text


LAUNCH_DEFAULT_PROJECT = "model-registry"


def construct_launch_spec(uri, job, api, name, project, entity, docker_image, resource, entry_point, version,
                          resource_args, launch_config, run_id, repository, author, sweep_id=None):
    """The config is the spec's base, as in the real one: everything in it is pushed and printed."""
    launch_spec = launch_config if launch_config is not None else {}
    if job is not None:
        launch_spec["job"] = job
    if project is None:
        project = (launch_config or {}).get("project") or (job.split("/")[-2] if job and job.count("/") >= 1 else "")
    if entity is None:
        entity = (launch_config or {}).get("entity") or api.default_entity
    launch_spec["entity"] = entity
    launch_spec["project"] = project
    if name:
        launch_spec["name"] = name
    launch_spec.setdefault("docker", {})
    if docker_image:
        launch_spec["docker"]["docker_image"] = docker_image
    if "resource" not in launch_spec:
        launch_spec["resource"] = resource if resource else None
    launch_spec.setdefault("git", {})
    if version:
        launch_spec["git"]["version"] = version
    launch_spec.setdefault("overrides", {})
    if resource_args:
        launch_spec["resource_args"] = resource_args
    if entry_point:
        launch_spec["overrides"]["entry_point"] = entry_point
    if run_id is not None:
        launch_spec["run_id"] = run_id
    if repository:
        launch_spec.setdefault("registry", {})["url"] = repository
    return launch_spec

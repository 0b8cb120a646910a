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

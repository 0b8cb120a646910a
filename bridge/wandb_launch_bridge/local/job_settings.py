"""How a local job gets the WANDB_* settings launch computes for it (run ID, entity, project, run
config, ...): through its environment, never on a command line. The SDK writes them as K=V words
onto local-process's `bash -c` line and as `docker run -e K=V` for local-container, where any user
can read them from /proc, and where Linux allows one word or variable 128 KiB at most: a larger
run config made the job fail to start (E2BIG).

Here launch's get_env_vars_dict hands the settings to `pending` instead; the job's process gets
them merged into its environment (local.patches._JobSubprocess), and `docker run` names them
with `-e K` only, so docker reads each value from that environment. A run config too large for one
variable goes to a file that wandb.init reads (run_config_file), mounted into a container."""

from __future__ import annotations

import os
import shlex

from .run_config_file import config_to_file

# What the next job process gets in its environment, the names it must not inherit, and the
# files a container gets mounted (host path, container path).
pending = {"env": {}, "unset": set(), "mounts": []}


def settings_off_command_line(resource):
    """Wraps LaunchProject.get_env_vars_dict: the settings go to `pending`, the command line gets none."""
    from wandb.sdk.launch._project_spec import LaunchProject

    original = LaunchProject.get_env_vars_dict

    def settings_to_environment(self, *args, **kwargs):
        env = dict(original(self, *args, **kwargs))
        env.pop("WANDB_API_KEY", None)  # inherited from the bridge's own environment
        pending["unset"], pending["mounts"] = config_to_file(env, resource)
        pending["env"] = {k: str(v) for k, v in env.items()}
        return {}

    LaunchProject.get_env_vars_dict = settings_to_environment


def job_environment(env):
    """The environment of a job's process: the one it was given (or ours), with the settings."""
    merged = dict(os.environ if env is None else env)
    for name in pending["unset"]:
        merged.pop(name, None)
    merged.update(pending["env"])
    return merged


def docker_run_flags():
    """`-e NAME` for every setting (docker run reads the value from its own environment) and
    `-v host:container:ro` for every file the job reads. Words of the docker argv, which the SDK
    joins into one `bash -c` line: each is quoted for it, as the SDK quotes its own."""
    env = [part for name in pending["env"] for part in ("-e", name)]
    mounts = [part for host, inside in pending["mounts"] for part in ("-v", shlex.quote(f"{host}:{inside}:ro"))]
    return env + mounts

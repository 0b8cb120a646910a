"""How a local job gets the WANDB_* settings launch computes for it (run ID, entity, project, run
config, ...): through its environment, never on a command line. The SDK writes them as K=V words
onto local-process's `bash -c` line and as `docker run -e K=V` for local-container, where any user
can read them from /proc, and where Linux allows one word or variable 128 KiB at most: a larger
run config made the job fail to start (E2BIG).

Here launch's get_env_vars_dict hands the settings to `pending` instead; the job's process gets
them merged into its environment (sdk_patches._LocalJobSubprocess), and `docker run` names them
with `-e K` only, so docker reads each value from that environment. A run config too large for one
variable goes (local-process) to a private file that wandb.init reads: `launch_config_path`
(WANDB_LAUNCH_CONFIG_PATH, {"overrides": {"run_config": ...}}), read when WANDB_CONFIG is not set
(wandb_init._handle_launch_config, 0.17.3 and 0.30 alike)."""

from __future__ import annotations

import json
import os
import re
import tempfile

# Below Linux's 128 KiB per variable with room to spare; larger run configs go to a file.
CONFIG_IN_ENV_BYTES = 100_000
_CONFIG_VARS = re.compile(r"^WANDB_CONFIG(_\d+)?$")

# What the next job process gets in its environment, and the names it must not inherit.
pending = {"env": {}, "unset": set()}


def settings_off_command_line(resource):
    """Wraps LaunchProject.get_env_vars_dict: the settings go to `pending`, the command line gets none."""
    from wandb.sdk.launch._project_spec import LaunchProject

    original = LaunchProject.get_env_vars_dict

    def settings_to_environment(self, *args, **kwargs):
        env = dict(original(self, *args, **kwargs))
        env.pop("WANDB_API_KEY", None)  # inherited from the bridge's own environment
        unset = set()
        if resource == "local-process":
            unset = config_to_file(env)
        pending["env"], pending["unset"] = {k: str(v) for k, v in env.items()}, unset
        return {}

    LaunchProject.get_env_vars_dict = settings_to_environment


def config_to_file(env):
    """A run config over CONFIG_IN_ENV_BYTES: to a private file named by WANDB_LAUNCH_CONFIG_PATH.
    Returns the names the job must not inherit (a WANDB_CONFIG would win over the file)."""
    names = sorted((k for k in env if _CONFIG_VARS.match(k)), key=lambda k: (len(k), k))
    text = env.get("WANDB_CONFIG") or "".join(env[k] for k in names if k != "WANDB_CONFIG")
    if len(text.encode()) <= CONFIG_IN_ENV_BYTES:
        return set()
    for name in names:
        del env[name]
    fd, path = tempfile.mkstemp(prefix="wandb-launch-config-", suffix=".json",
                                dir=os.environ.get("RUNNER_TEMP") or None)
    with os.fdopen(fd, "w") as f:  # mkstemp: readable by this user only
        f.write('{"overrides": {"run_config": ' + text + "}}")
    env["WANDB_LAUNCH_CONFIG_PATH"] = path
    return {"WANDB_CONFIG", *names}


def job_environment(env):
    """The environment of a job's process: the one it was given (or ours), with the settings."""
    merged = dict(os.environ if env is None else env)
    for name in pending["unset"]:
        merged.pop(name, None)
    merged.update(pending["env"])
    return merged


def docker_env_flags():
    """`-e NAME` for every setting: docker run reads the value from its own environment."""
    return [part for name in pending["env"] for part in ("-e", name)]

"""A run config too large for one environment variable (Linux allows 128 KiB a variable) reaches a
local job through a file that wandb.init reads: `launch_config_path`, set by
WANDB_LAUNCH_CONFIG_PATH, holding {"overrides": {"run_config": ...}}; read when WANDB_CONFIG is not
set (wandb_init._handle_launch_config, 0.17.3 and 0.30 alike).

local-process reads the file where it is. A local-container job runs in its own file system: the
file is mounted read-only at CONTAINER_PATH (`docker run -v host:container:ro`), and
WANDB_LAUNCH_CONFIG_PATH names that path."""

from __future__ import annotations

import os
import re
import tempfile

# Below Linux's 128 KiB per variable with room to spare; larger run configs go to a file.
CONFIG_IN_ENV_BYTES = 100_000
CONTAINER_PATH = "/wandb-launch/config.json"
_CONFIG_VARS = re.compile(r"^WANDB_CONFIG(_\d+)?$")


def config_to_file(env, resource):
    """A run config over CONFIG_IN_ENV_BYTES leaves `env` for a file. Returns the names the job
    must not inherit (a WANDB_CONFIG would win over the file) and the docker mounts it needs."""
    names = sorted((k for k in env if _CONFIG_VARS.match(k)), key=lambda k: (len(k), k))
    text = env.get("WANDB_CONFIG") or "".join(env[k] for k in names if k != "WANDB_CONFIG")
    if len(text.encode()) <= CONFIG_IN_ENV_BYTES:
        return set(), []
    for name in names:
        del env[name]
    path = write_private(text)
    if resource == "local-container":
        env["WANDB_LAUNCH_CONFIG_PATH"] = CONTAINER_PATH
        return {"WANDB_CONFIG", *names}, [(path, CONTAINER_PATH)]
    env["WANDB_LAUNCH_CONFIG_PATH"] = path
    return {"WANDB_CONFIG", *names}, []


def write_private(run_config_json):
    """The launch config file in a directory of its own that only this user can enter (0700). The
    file itself is readable by all (0644): the container's user need not be the runner's, and
    what the container sees is the mounted file, not the directory."""
    base = os.environ.get("RUNNER_TEMP") or None
    if base and (":" in base or "," in base):
        base = None  # `-v host:container:ro` cannot carry such a path
    folder = tempfile.mkdtemp(prefix="wandb-launch-config-", dir=base)
    path = os.path.join(folder, "config.json")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "w") as f:
        f.write('{"overrides": {"run_config": ' + run_config_json + "}}")
    os.chmod(path, 0o644)  # whatever the umask took away
    return path

"""The SDK's local runners (local-process, local-container) adjusted for a one-shot launch from
CI: the API key and the job's settings off command lines, the job in a process group of its own
without the launcher's wandb-core, its output streamed whole lines at a time, and no image build for
local-process (README, 'SDK traps')."""

from __future__ import annotations

import os

from .job_runner import stream_job_output
from .job_settings import docker_run_flags, job_environment, settings_off_command_line

LOCAL_RESOURCES = ("local-process", "local-container")
# The launcher's own wandb-core (wandb/env.py SERVICE, 0.17.3 to 0.30): never the job's.
LAUNCHER_ONLY_ENV = ("WANDB_SERVICE",)


def prepare_local_jobs(resource):
    """Adjust how the SDK starts a local job (see README, 'SDK traps'); other resources: nothing."""
    if resource not in LOCAL_RESOURCES:
        return
    keep_key_off_command_lines()
    settings_off_command_line(resource)
    start_jobs_on_their_own()
    stream_job_output()
    if resource == "local-process":
        skip_unused_local_process_work()


def keep_key_off_command_lines():
    """The API key reaches local jobs through the environment they inherit, not as a K=V word on a
    command line that any user can read from /proc. (0.2x: a LaunchProject method; earlier
    releases: a function the runner modules import by name.)"""
    from wandb.sdk.launch._project_spec import LaunchProject
    from wandb.sdk.launch.runner import local_container, local_process

    def without_key(get_env_vars_dict):
        def env_without_key(*args, **kwargs):
            env = get_env_vars_dict(*args, **kwargs)
            env.pop("WANDB_API_KEY", None)
            return env

        return env_without_key

    if hasattr(LaunchProject, "get_env_vars_dict"):
        LaunchProject.get_env_vars_dict = without_key(LaunchProject.get_env_vars_dict)
    for module in (local_process, local_container):
        if hasattr(module, "get_env_vars_dict"):
            module.get_env_vars_dict = without_key(module.get_env_vars_dict)

    original_docker_command = local_container.get_docker_command

    def docker_command_with_key_from_env(*args, **kwargs):
        cmd = original_docker_command(*args, **kwargs)
        # docker reads the values from its environment; a large run config is a mounted file (job_settings)
        return cmd[:3] + ["-e", "WANDB_API_KEY"] + docker_run_flags() + cmd[3:]

    local_container.get_docker_command = docker_command_with_key_from_env


def start_jobs_on_their_own():
    """The job gets a process group of its own, so a cancel can stop its whole tree and nothing
    else of the launcher; and no WANDB_SERVICE, so its wandb.init starts a wandb-core of its own.
    With the launcher's service (0.2x sets WANDB_SERVICE once the launch API is up, and the SDK
    copies os.environ for the job) a killed job's run is kept alive by the launcher's wandb-core,
    which marks it finished when the launcher exits. Its WANDB_* settings go into its environment
    (job_settings)."""
    from wandb.sdk.launch.runner import local_container

    local_container.subprocess = _JobSubprocess()


def skip_unused_local_process_work():
    from wandb.sdk.launch import loader
    from wandb.sdk.launch.runner import local_process

    # launch() builds an image that local-process never uses; the SDK's own agent skips it.
    loader.builder_from_config = lambda *args, **kwargs: _NoImageBuilder()
    # Only prints a warning after a `pip freeze`; about half a second per launch.
    local_process.validate_wandb_python_deps = lambda *args, **kwargs: None


class _NoImageBuilder:
    async def build_image(self, *args, **kwargs):
        return "local-process:no-image"


class _JobSubprocess:
    """Stands in for the subprocess module inside runner/local_container.py."""

    def __getattr__(self, name):
        import subprocess

        return getattr(subprocess, name)

    @staticmethod
    def Popen(*args, **kwargs):  # mirrors subprocess.Popen
        import subprocess

        if os.name == "posix":
            kwargs.setdefault("start_new_session", True)
        env = job_environment(kwargs.get("env"))
        kwargs["env"] = {k: v for k, v in env.items() if k not in LAUNCHER_ONLY_ENV}
        return subprocess.Popen(*args, **kwargs)

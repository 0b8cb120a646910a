# Mirrors wandb/sdk/launch/runner/local_process.py: LocalProcessRunner, which writes the job's
# environment as K=V words onto its `bash -c` command line and runs `pip freeze` first.
import shlex

import wandb

from ..utils import LOG_PREFIX, MAX_ENV_LENGTHS, PROJECT_SYNCHRONOUS, validate_wandb_python_deps
from .abstract import AbstractRunner
from .local_container import _run_entry_point


class LocalProcessRunner(AbstractRunner):
    async def run(self, launch_project, *args, **kwargs):
        entry_point = launch_project.override_entrypoint or launch_project.get_job_entry_point()
        if launch_project.job:
            validate_wandb_python_deps("requirements.frozen.txt", launch_project.project_dir)
        cmd = []
        env_vars = launch_project.get_env_vars_dict(self._api, MAX_ENV_LENGTHS["LocalProcessRunner"])
        for key, value in env_vars.items():
            cmd += [f"{shlex.quote(key)}={shlex.quote(value)}"]
        cmd += [shlex.quote(str(a)) for a in entry_point.command]
        cmd += [shlex.quote(str(a)) for a in launch_project.override_args]
        command_str = " ".join(cmd).strip()
        wandb.termlog(f"{LOG_PREFIX}Launching run as a local-process with command {command_str}")
        run = _run_entry_point(command_str, launch_project.project_dir)
        if self.backend_config[PROJECT_SYNCHRONOUS]:
            await run.wait()
        return run

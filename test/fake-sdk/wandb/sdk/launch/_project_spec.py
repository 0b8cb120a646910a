# Mirrors wandb/sdk/launch/_project_spec.py: LaunchProject, as launch() and the runners use it.
import json
import os
import sys
import time

import wandb
from wandb._record import record

from .errors import LaunchError

JOB_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "job.py")


class EntryPoint:
    def __init__(self, name, command):
        self.name = name
        self.command = command


class LaunchProject:
    def __init__(self, launch_spec, api):
        self.launch_spec = launch_spec
        self.api = api
        self.job = launch_spec.get("job")
        self.docker_image = launch_spec.get("docker", {}).get("docker_image")
        self.job_base_image = None
        self.target_entity = launch_spec.get("entity") or api.default_entity
        self.target_project = (launch_spec.get("project") or "uncategorized").lower()
        self.name = launch_spec.get("name")
        self.run_id = launch_spec.get("run_id") or "sdkmade1"
        self.resource = launch_spec.get("resource") or "local-container"
        self.override_entrypoint = None
        self.override_args = launch_spec.get("overrides", {}).get("args", [])
        self.override_config = launch_spec.get("overrides", {}).get("run_config", {})
        entry = launch_spec.get("overrides", {}).get("entry_point")
        if entry:
            self.override_entrypoint = EntryPoint("override", entry)
        self.project_dir = None
        self._job_artifact = None

    @classmethod
    def from_spec(cls, launch_spec, api):
        return cls(launch_spec, api)

    @property
    def behaviour(self):
        return (self.job or "ok").split("/")[-1].split(":")[0]

    def fetch_and_validate_project(self):
        wandb.termlog(f"launch: Launching job: {self.job}")
        if self.behaviour == "slow-fetch":
            time.sleep(float(os.environ.get("FAKE_WANDB_FETCH_SECONDS", "5")))
        if self.behaviour == "missing":
            raise LaunchError(f"Error accessing job {self.job}: Job artifact {self.job} not found on {self.api.settings['base_url']}")
        self.project_dir = os.getcwd()
        self._job_artifact = object()
        record("fetch", job=self.job)

    def get_job_entry_point(self):
        return EntryPoint("main", [sys.executable, os.path.abspath(JOB_SCRIPT), self.behaviour])

    def get_env_vars_dict(self, api, max_env_length):
        env = {
            "WANDB_BASE_URL": api.settings["base_url"],
            "WANDB_API_KEY": api.api_key or "",
            "WANDB_PROJECT": self.target_project,
            "WANDB_ENTITY": self.target_entity,
            "WANDB_LAUNCH": "True",
            "WANDB_RUN_ID": self.run_id,
        }
        if self.name:
            env["WANDB_NAME"] = self.name
        if self.override_config:  # _inject_wandb_config_env_vars: the run config, read by wandb.init
            env["WANDB_CONFIG"] = json.dumps(self.override_config)
        return env

# Mirrors wandb/apis/public/api.py: Api, the parts the action uses (run, runs, queued_run, _artifact).
import os

from wandb import _fake_server
from wandb._record import record
from wandb.errors import CommError

from .service_api import ServiceApi

_failed_once = []


class Api:
    def __init__(self, overrides=None, timeout=None, api_key=None):
        record("public_api")  # each one costs the real SDK Viewer, ServerFeaturesQuery, ... round trips
        self.api_key = api_key or os.environ.get("WANDB_API_KEY")
        self.settings = {"base_url": os.environ.get("WANDB_BASE_URL", "https://api.wandb.ai")}
        self._service_api = ServiceApi()
        self._runs = {}

    @property
    def default_entity(self):
        return "fake-viewer"

    def run(self, path=""):
        from .runs import Run

        entity, project, run_id = path.split("/")
        if path not in self._runs:
            self._runs[path] = Run(self._service_api, entity, project, run_id, lazy=False)
        return self._runs[path]

    def runs(self, path="", filters=None, order="+created_at", per_page=50, include_sweeps=True, lazy=True):
        from .runs import Runs

        entity, project = path.split("/") if "/" in path else (self.default_entity, path)
        return Runs(self._service_api, entity, project, filters=filters, order=order, per_page=per_page)

    def queued_run(self, entity, project, queue_name, run_queue_item_id, project_queue=None, priority=None):
        from .jobs import QueuedRun

        if os.environ.get("FAKE_WANDB_QUEUED_RUN_ERROR") and not _failed_once:  # after launch_add's push
            _failed_once.append(True)
            raise CommError(os.environ["FAKE_WANDB_QUEUED_RUN_ERROR"])
        return QueuedRun(self._service_api, entity, project, queue_name, run_queue_item_id,
                         project_queue=project_queue, priority=priority)

    def artifact(self, name, type=None):
        from wandb.sdk.artifacts.artifact import fetch

        record("api_artifact", name=name)
        return fetch(name, self._service_api)

    def _artifact(self, name, type=None):
        record("artifact", name=name, type=type)
        if not _fake_server.job_exists(name):
            raise CommError(f"artifact membership '{name.split('/')[-1]}' not found")
        return object()

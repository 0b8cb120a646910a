# Mirrors wandb/apis/public/runs.py: Run (load, state, storage_id, stop) and RunNotFoundError.
import time

from wandb import _fake_server
from wandb._record import record
from wandb.errors import CommError


class RunNotFoundError(ValueError):
    pass


class Run:
    def __init__(self, service_api, entity, project, run_id, attrs=None, include_sweeps=False, lazy=True,
                 api_key=None):
        self._service_api = service_api
        self._entity = entity
        self.project = project
        self._attrs = {"name": run_id}
        self._state = "not found"
        self.load(force=True)

    def load(self, force=False):
        run = _fake_server.find_run(self._entity, self.project, self._attrs["name"])
        if run is None:
            # the real one raises RunNotFoundError, which normalize_exceptions turns into CommError
            raise CommError(f"Could not find run <Run {self._entity}/{self.project}/{self._attrs['name']} (not found)>")
        self._attrs = {"name": run["name"], "id": _fake_server.storage_id(run["entity"], run["project"], run["name"]),
                       "state": run["state"]}
        self._state = run["state"]
        return self._attrs

    @property
    def state(self):
        return self._state

    @property
    def id(self):
        return self._attrs["name"]

    @property
    def entity(self):
        return self._entity

    @property
    def storage_id(self):
        return self._attrs["id"]

    def stop(self):
        _fake_server.stop_run(self.storage_id)

    def wait_until_finished(self):
        record("run_wait_until_finished")  # the real one never returns for killed or preempted
        while self._state not in ("finished", "crashed", "failed"):
            time.sleep(5)
            self.load(force=True)

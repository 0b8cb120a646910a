# Mirrors wandb/apis/public/jobs.py: QueuedRun (state, delete, and the waits that never return).
import time

from wandb import _fake_server
from wandb._record import record

LAUNCH_DEFAULT_PROJECT = "model-registry"


class QueuedRun:
    def __init__(self, service_api, entity, project, queue_name, run_queue_item_id,
                 project_queue=LAUNCH_DEFAULT_PROJECT, priority=None, api_key=None):
        self._service_api = service_api
        self._entity = entity
        self._project = project
        self._queue_name = queue_name
        self._run_queue_item_id = run_queue_item_id
        self.project_queue = project_queue
        self.priority = priority

    @property
    def queue_name(self):
        return self._queue_name

    @property
    def id(self):
        return self._run_queue_item_id

    @property
    def project(self):
        return self._project

    @property
    def entity(self):
        return self._entity

    @property
    def state(self):
        item = _fake_server.find_item(self.id)
        if item:
            return _fake_server.shown_state(item).lower()
        raise ValueError(f"Could not find QueuedRunItem associated with id: {self.id} on queue {self.queue_name} at itemId: {self.id}")

    def delete(self, delete_artifacts=False):
        _fake_server.delete_item(self._run_queue_item_id)

    def wait_until_running(self):
        record("wait_until_running")  # the real one polls for ever for a pending or failed item
        while True:
            time.sleep(5)

    def wait_until_finished(self):
        record("wait_until_finished")
        while True:
            time.sleep(5)

    def __repr__(self):
        return f"<QueuedRun {self.queue_name} ({self.id})"

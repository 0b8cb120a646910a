"""Direct mode, a run that is not a local process (kubernetes, sagemaker, gcp-vertex): its state
changes as progress events, heartbeats read through the public API (one request each, only when
one is due), and after a failure its output.log tail. The runner's get_status() stays the judge of
the state; W&B's record of the run only adds what it logged."""

from __future__ import annotations

from ..protocol import emit
from ..after_run.output_log import report_run_log
from ..follow.heartbeat import Heartbeat


class RemoteWatch:
    def __init__(self, entity, project, run_id, progress):
        self.path = f"{entity}/{project}/{run_id}"
        self.run_id = run_id
        self.heartbeat = Heartbeat(progress)
        self.state = None
        self.run = None

    def seen(self, state):
        """Called with each state the runner reports."""
        if state != self.state:
            self.state = state
            emit("progress", stage=state, run_id=self.run_id, item_state=None, run_state=state, message=None)
        if state == "running" and self.heartbeat.due():
            run = self.load()
            if run is not None:  # not on W&B yet (the job has not called wandb.init): no heartbeat
                self.heartbeat.beat(self.run_id, run)

    def seconds_left(self):
        return self.heartbeat.seconds_left()

    def ended(self, state):
        report_run_log(self.load(), self.run_id, state)

    def load(self):
        try:
            if self.run is None:
                import wandb

                self.run = wandb.Api().run(self.path)
            else:
                self.run.load(force=True)
            return self.run
        except Exception:
            return None

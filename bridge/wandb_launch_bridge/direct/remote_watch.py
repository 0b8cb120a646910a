"""Direct mode, a run that is not a local process (kubernetes, sagemaker, gcp-vertex): its state
changes as progress events, heartbeats read through the public API (one request each, only when
one is due), and after a failure its output.log tail. The runner's get_status() stays the judge of
the state; W&B's record of the run only adds what it logged."""

from __future__ import annotations

from ..follow.heartbeat import Heartbeat
from ..protocol import Progress, emit_progress


class RemoteWatch:
    def __init__(self, entity, project, run_id, progress: Progress):
        self.path = f"{entity}/{project}/{run_id}"
        self.run_id = run_id
        self.heartbeat = Heartbeat(progress)
        self.state = None
        self.run = None

    def seen(self, state):
        """Called with each state the runner reports."""
        if state != self.state:
            self.state = state
            emit_progress(stage=state, run_id=self.run_id, item_state=None, run_state=state, message=None)
        if state == "running" and self.heartbeat.due():
            run = self.load()
            if run is not None:  # not on W&B yet (the job has not called wandb.init): no heartbeat
                self.heartbeat.beat(self.run_id, run)

    def seconds_left(self):
        return self.heartbeat.seconds_left()

    def load(self):
        """The run on W&B, read again (None while it is not there)."""
        try:
            if self.run is None:
                import wandb

                self.run = wandb.Api().run(self.path)
            else:
                self.run.load(force=True)
            return self.run
        except Exception:
            return None

# Mirrors wandb/sdk/launch/runner/kubernetes_runner.py (KubernetesSubmittedRun): a remote run
# whose state comes from an API; also stands in for SageMaker and Vertex runs. The job's W&B run
# (what wandb.init() in it would write) is on the fake server too, for the public API.
import asyncio
import os
import time

from wandb import _fake_server
from wandb._record import record

from .abstract import AbstractRun, AbstractRunner, Status


class KubernetesSubmittedRun(AbstractRun):
    def __init__(self, name, behaviour, where):
        super().__init__()
        self.name = name
        self.behaviour = behaviour
        self.started = time.monotonic()
        self.cancelled = False
        self.seconds = float(os.environ.get("FAKE_WANDB_RUN_SECONDS", "0")) or 0.3
        end = None if behaviour == "forever" else self.end_state()
        _fake_server.add_run(*where, job=behaviour, end=end, seconds=self.seconds)

    def end_state(self):
        return {"ok": "finished", "fail": "failed", "preempt": "preempted"}.get(self.behaviour, "failed")

    @property
    def id(self):
        return self.name

    async def wait(self):
        return True

    async def get_status(self):
        if os.environ.get("FAKE_WANDB_STATUS_HANG") and not self.cancelled:  # an API that stops answering
            await asyncio.sleep(3600)
        if self.cancelled:
            return Status("stopped")
        if time.monotonic() - self.started < self.seconds or self.behaviour == "forever":
            return Status("running")
        return Status(self.end_state())

    async def cancel(self):
        record("cancel", run=self.name)
        hang = os.environ.get("FAKE_WANDB_CANCEL_HANG")
        if hang == "sync":  # a blocking client inside async def (sagemaker_runner's boto3, vertex_runner)
            time.sleep(3600)
        elif hang:  # an API that never answers, awaited (kubernetes_asyncio)
            await asyncio.sleep(3600)
        error = os.environ.get("FAKE_WANDB_CANCEL_ERROR")
        if error:
            from ..errors import LaunchError

            raise LaunchError(error)
        self.cancelled = True


class KubernetesRunner(AbstractRunner):
    async def run(self, launch_project, image_uri):
        if launch_project.resource == "kubernetes" and os.environ.get("FAKE_KUBE_NO_CONFIG"):
            # as wandb/sdk/launch/utils.py get_kube_context_and_api_client with no kubeconfig, outside a cluster
            from kubernetes_asyncio.config import ConfigException

            raise ConfigException("Service host/port is not set.")
        record("remote_run", image=image_uri, resource=launch_project.resource)
        where = (launch_project.target_entity, launch_project.target_project, launch_project.run_id)
        return KubernetesSubmittedRun(f"launch-{launch_project.run_id}", launch_project.behaviour, where)

# Mirrors wandb/sdk/launch/api.py (LaunchApi, wandb >= 0.2x). With FAKE_WANDB_LEGACY_API=1 the
# module does not exist, as in wandb 0.17.
import os

from wandb._record import record

if os.environ.get("FAKE_WANDB_LEGACY_API") == "1":
    raise ImportError("No module named 'wandb.sdk.launch.api'")


class LaunchApi:
    def __init__(self, overrides=None, api_key=None):
        self.api_key = api_key or os.environ.get("WANDB_API_KEY")
        self.settings = {"base_url": os.environ.get("WANDB_BASE_URL", "https://api.wandb.ai")}
        self.default_entity = "fake-viewer"
        if self.api_key == "bad-key":
            from wandb.sdk.launch.errors import LaunchError

            raise LaunchError(f"AuthenticationError: Failed to verify credentials with {self.settings['base_url']}")
        record("api", kind="launch")
        from wandb.sdk import wandb_setup

        wandb_setup.singleton().ensure_service()  # the real LaunchApi is a public Api: its ServiceApi starts one

    # The run queue operations (the real ones are GraphQL: pushToRunQueueByName, stopRun).
    def push_to_run_queue(self, queue_name, launch_spec, template_variables, project_queue, priority=None):
        from wandb import _fake_server

        entity = launch_spec.get("queue_entity") or launch_spec["entity"]
        return _fake_server.push(entity, project_queue, queue_name, launch_spec, template_variables, priority)

    def stop_run(self, run_id):
        from wandb import _fake_server

        return _fake_server.stop_run(run_id)

# Mirrors wandb/sdk/launch/loader.py: builders and runners from config.
from wandb._record import record


class DockerBuilder:
    """The real default builder whenever a `docker` command exists. Recorded, so tests can tell
    that local-process builds nothing (the real one needs a Docker daemon)."""

    async def build_image(self, launch_project, entrypoint, job_tracker):
        record("build_image", resource=launch_project.resource)
        return f"built/{launch_project.run_id}"


def environment_from_config(config):
    return None


def registry_from_config(config, environment):
    return None


def builder_from_config(config, environment, registry):
    return DockerBuilder()


def runner_from_config(resource, api, runner_config, environment, registry):
    from .runner.kubernetes_runner import KubernetesRunner
    from .runner.local_container import LocalContainerRunner
    from .runner.local_process import LocalProcessRunner

    if resource == "local-process":
        return LocalProcessRunner(api, runner_config)
    if resource == "local-container":
        return LocalContainerRunner(api, runner_config, environment, registry)
    if resource in ("kubernetes", "sagemaker", "gcp-vertex"):
        return KubernetesRunner(api, runner_config)
    return None

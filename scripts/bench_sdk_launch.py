"""`npm run bench`: the SDK's own launch() of ent/proj/myjob on local-process, called directly,
synchronous, as a user script would. The one patch it needs to run at all here: launch() builds a
docker image that local-process never uses (and there is no Docker daemon), so the builder is one
that builds nothing (the SDK's own agent skips that build the same way)."""

from wandb.sdk.launch import launch, loader
from wandb.sdk.launch.api import LaunchApi


class NoImageBuilder:
    async def build_image(self, *args, **kwargs):
        return "local-process:no-image"


loader.builder_from_config = lambda *args, **kwargs: NoImageBuilder()
run = launch(
    LaunchApi(), job="ent/proj/myjob:latest", resource="local-process", entity="ent", project="proj", synchronous=True
)
code = run._command_proc.returncode if run._command_proc is not None else None
raise SystemExit(0 if code == 0 else 1)

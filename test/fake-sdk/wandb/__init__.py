# Mirrors wandb/__init__.py: the version and the terminal log helpers the launch code uses.
import os
import sys

__version__ = os.environ.get("FAKE_WANDB_VERSION", "0.30.0")


def termlog(msg: str) -> None:
    print(f"wandb: {msg}", file=sys.stderr, flush=True)


def termwarn(msg: str) -> None:
    print(f"wandb: WARNING {msg}", file=sys.stderr, flush=True)


def termerror(msg: str) -> None:
    print(f"wandb: ERROR {msg}", file=sys.stderr, flush=True)


def __getattr__(name):
    # wandb.Api is the public API (wandb/__init__.py imports it from wandb.apis.public), wandb.init
    # starts a run (wandb/sdk/wandb_init.py), wandb.Artifact is what a job logs
    if name == "Api":
        from wandb.apis.public import Api

        return Api
    if name == "init":
        from wandb.sdk.wandb_init import init

        return init
    if name == "Artifact":  # wandb/__init__.py imports it from wandb.sdk.artifacts.artifact
        from wandb.sdk.artifacts.artifact import Artifact

        return Artifact
    raise AttributeError(name)

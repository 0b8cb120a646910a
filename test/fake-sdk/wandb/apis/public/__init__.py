# Mirrors wandb/apis/public/__init__.py: the public API's classes.
from .api import Api
from .jobs import QueuedRun
from .runs import Run, RunNotFoundError

__all__ = ["Api", "QueuedRun", "Run", "RunNotFoundError"]

# Mirrors wandb/apis/public/__init__.py: the public API's classes.
from .api import Api
from .jobs import QueuedRun
from .files import File, Files
from .runs import Run, RunNotFoundError, Runs

__all__ = ["Api", "File", "Files", "QueuedRun", "Run", "RunNotFoundError", "Runs"]

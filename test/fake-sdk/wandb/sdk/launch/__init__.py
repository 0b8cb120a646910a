# Mirrors wandb/sdk/launch/__init__.py.
from ._launch import launch
from ._launch_add import launch_add

__all__ = ["launch", "launch_add"]

# Mirrors wandb/sdk/launch/__init__.py.
from ._launch import launch

__all__ = ["launch"]

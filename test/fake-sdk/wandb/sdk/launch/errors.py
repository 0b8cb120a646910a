# Mirrors wandb/sdk/launch/errors.py.


class LaunchError(Exception):
    pass


class ExecutionError(Exception):
    pass

# Mirrors wandb/errors/errors.py (re-exported by wandb/errors/__init__.py): Error, CommError.


class Error(Exception):
    pass


class CommError(Error):
    def __init__(self, msg, exc=None):
        super().__init__(msg)
        self.exc = exc

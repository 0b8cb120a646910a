# Mirrors wandb/sdk/launch/runner/abstract.py: Status, AbstractRun, AbstractRunner.
from abc import ABC, abstractmethod


class Status:
    def __init__(self, state="unknown", messages=None):
        self.state = state
        self.messages = messages or []

    def __repr__(self):
        return self.state

    def __str__(self):
        return self.state


class AbstractRun(ABC):
    def __init__(self):
        self._status = Status()

    @abstractmethod
    async def wait(self): ...

    @abstractmethod
    async def get_status(self): ...

    @abstractmethod
    async def cancel(self): ...

    @property
    @abstractmethod
    def id(self): ...


class AbstractRunner(ABC):
    def __init__(self, api, backend_config):
        self._api = api
        self.backend_config = backend_config

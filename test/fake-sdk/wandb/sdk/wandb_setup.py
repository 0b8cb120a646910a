# Mirrors wandb/sdk/wandb_setup.py: singleton().ensure_service(), which starts this process's
# wandb-core and (wandb/sdk/lib/service/service_token.py) puts its token in WANDB_SERVICE, where a
# child process started with a copy of os.environ finds it and uses this service instead of its own.
# Like the real one, the service ends when this process exits, and then finishes with exit code 0
# every run it holds that its script did not finish (a script that died while the service kept
# heartbeating for it), whatever state W&B had given the run meanwhile.
import atexit
import os

from wandb import _fake_runs


class _WandbSetup:
    def __init__(self):
        self._token = None

    def ensure_service(self):
        if self._token is None:
            self._token = f"3-{os.getpid()}-tcp-localhost-0"
            os.environ["WANDB_SERVICE"] = self._token
            atexit.register(self._teardown)
        return self._token

    def _teardown(self):
        for run in _fake_runs.all_runs():
            if run.get("service") == self._token and run["exitcode"] is None:
                run.update(state="finished", exitcode=0)
                _fake_runs.save(run)


_singleton = None


def singleton():
    global _singleton
    if _singleton is None:
        _singleton = _WandbSetup()
    return _singleton

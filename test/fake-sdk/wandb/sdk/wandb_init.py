# Mirrors wandb/sdk/wandb_init.py: init() reads the WANDB_* environment that launch sets (entity,
# project, run ID, and the run config as _handle_launch_config finds it: WANDB_CONFIG, else the
# file WANDB_LAUNCH_CONFIG_PATH names, else WANDB_CONFIG_0, _1, ...) and starts the run. The run
# is written by the service named in WANDB_SERVICE when there is one (the launcher's, see
# wandb_setup.py), else by a wandb-core of this process's own, which dies with it.
import json
import os

from wandb import _fake_container, _fake_runs


def _config_from_env():
    if os.environ.get("WANDB_LAUNCH", "").lower() not in ("true", "1"):  # settings.launch
        return {}
    text = os.environ.get("WANDB_CONFIG")
    path = os.environ.get("WANDB_LAUNCH_CONFIG_PATH")
    if text is None and path:  # settings.launch_config_path, read where this process finds it
        found = _fake_container.host_path(path)
        if found is not None and os.path.exists(found):
            with open(found) as f:
                return json.load(f).get("overrides", {}).get("run_config") or {}
    if text is None:  # long configs come in chunks, WANDB_CONFIG_0, _1, ...
        chunks = []
        while f"WANDB_CONFIG_{len(chunks)}" in os.environ:
            chunks.append(os.environ[f"WANDB_CONFIG_{len(chunks)}"])
        text = "".join(chunks) or None
    return json.loads(text) if text else {}


def init(entity=None, project=None, id=None, config=None, **_ignored):  # noqa: A002 (the real name)
    from .wandb_run import Run

    entity = entity or os.environ.get("WANDB_ENTITY") or "fake-viewer"
    project = project or os.environ.get("WANDB_PROJECT") or "uncategorized"
    run_id = id or os.environ.get("WANDB_RUN_ID") or f"r{os.getpid()}"
    merged = {**_config_from_env(), **dict(config or {})}
    record = _fake_runs.new_run(entity, project, run_id, config=merged,
                                service=os.environ.get("WANDB_SERVICE") or None)
    _fake_runs.save(record)
    return Run(record)

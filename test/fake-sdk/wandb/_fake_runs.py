# Test-only (no real counterpart): the runs W&B stores, shared by every process of one test (the
# bridge, the job, the test's own reads) as one JSON file per run in $FAKE_WANDB_RUNS_DIR; in
# memory only when that is unset. A run: entity, project, name, state, config, summary, history
# (rows with _step), console (output.log lines), exitcode, createdAt, service (the WANDB_SERVICE
# of the wandb-core that writes it, None for the job's own) and tags.
import json
import os
import time
import urllib.parse

_memory = {}


def _dir():
    return os.environ.get("FAKE_WANDB_RUNS_DIR")


def _path(entity, project, name):
    key = "--".join(urllib.parse.quote(part, safe="") for part in (entity, project, name))
    return os.path.join(_dir(), f"{key}.json")


def new_run(entity, project, name, state="running", config=None, service=None):
    return {"entity": entity, "project": project, "name": name, "state": state, "config": dict(config or {}),
            "summary": {}, "history": [], "console": [], "exitcode": None, "createdAt": time.time(),
            "service": service, "tags": []}


def save(run):
    if not _dir():
        _memory[(run["entity"], run["project"], run["name"])] = run
        return
    os.makedirs(_dir(), exist_ok=True)
    path = _path(run["entity"], run["project"], run["name"])
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w") as f:
        json.dump(run, f)
    os.replace(tmp, path)  # a reader sees the old run or the new one, never half of it


def load(entity, project, name):
    if not _dir():
        return _memory.get((entity, project, name))
    try:
        with open(_path(entity, project, name)) as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def all_runs():
    if not _dir():
        return list(_memory.values())
    if not os.path.isdir(_dir()):
        return []
    runs = []
    for name in sorted(os.listdir(_dir())):
        if name.endswith(".json"):
            with open(os.path.join(_dir(), name)) as f:
                runs.append(json.load(f))
    return runs

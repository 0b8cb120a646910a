# Test-only (no real counterpart): the artifact collections W&B stores, beside the runs (one JSON
# file per collection in $FAKE_WANDB_RUNS_DIR/collections, in memory when that is unset). A
# collection: entity, project, name, type, versions (each {source, aliases}, index = version).
# A logged artifact's collection holds the run's own versions; a link adds a version (a
# membership) to a portfolio or registry collection, and moves its aliases there.
import json
import os
import urllib.parse

_memory = {}


def _path(entity, project, name):
    key = "--".join(urllib.parse.quote(part, safe="") for part in (entity, project, name))
    return os.path.join(os.environ["FAKE_WANDB_RUNS_DIR"], "collections", f"{key}.json")


def load(entity, project, name):
    if not os.environ.get("FAKE_WANDB_RUNS_DIR"):
        return _memory.get((entity, project, name))
    try:
        with open(_path(entity, project, name)) as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def save(collection):
    if not os.environ.get("FAKE_WANDB_RUNS_DIR"):
        _memory[(collection["entity"], collection["project"], collection["name"])] = collection
        return
    path = _path(collection["entity"], collection["project"], collection["name"])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w") as f:
        json.dump(collection, f)
    os.replace(tmp, path)


def add_version(entity, project, name, atype, source, aliases):
    """Appends a version; "latest" and the given aliases move to it. Returns its index."""
    collection = load(entity, project, name) or {"entity": entity, "project": project, "name": name, "type": atype,
                                                 "versions": []}
    moved = {"latest", *aliases}
    for version in collection["versions"]:
        version["aliases"] = [a for a in version["aliases"] if a not in moved]
    collection["versions"].append({"source": source, "aliases": sorted(moved)})
    save(collection)
    return len(collection["versions"]) - 1

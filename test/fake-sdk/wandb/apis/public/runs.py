# Mirrors wandb/apis/public/runs.py: Run (load, state, storage_id, stop, update_state, tags, update, config,
# summary / summary_metrics, lastHistoryStep, history, scan_history, files, file) and Runs (what
# Api.runs(path, filters, order) returns), plus RunNotFoundError.
import re
import time

from wandb import _fake_runs, _fake_server
from wandb._record import record
from wandb.errors import CommError

from .files import Files


class RunNotFoundError(ValueError):
    pass


class Run:
    def __init__(self, service_api, entity, project, run_id, attrs=None, include_sweeps=False, lazy=True,
                 api_key=None):
        self._service_api = service_api
        self._entity = entity
        self.project = project
        self._attrs = {"name": run_id}
        self._state = "not found"
        self._record = None
        self._tags = None
        if attrs is not None:
            self._set(attrs)
        else:
            self.load(force=True)

    def _set(self, run):
        self._record = run
        self._attrs = {"name": run["name"], "id": _fake_server.storage_id(run["entity"], run["project"], run["name"]),
                       "state": run["state"]}
        self._state = run["state"]

    def load(self, force=False):
        run = _fake_server.find_run(self._entity, self.project, self._attrs["name"])
        if run is None:
            # the real one raises RunNotFoundError, which normalize_exceptions turns into CommError
            raise CommError(f"Could not find run <Run {self._entity}/{self.project}/{self._attrs['name']} (not found)>")
        self._set(run)
        return self._attrs

    @property
    def state(self):
        return self._state

    @property
    def id(self):
        return self._attrs["name"]

    @property
    def name(self):
        return self._attrs["name"]

    @property
    def entity(self):
        return self._entity

    @property
    def storage_id(self):
        return self._attrs["id"]

    @property
    def config(self):
        return dict(self._record["config"])

    @property
    def tags(self):
        return list(self._tags if self._tags is not None else self._record.get("tags") or [])

    @tags.setter
    def tags(self, value):  # the real Run keeps it until update()
        self._tags = list(value)

    @property
    def summary_metrics(self):
        return dict(self._record["summary"])

    @property
    def summary(self):  # the real one is an HTTPSummary, a dict of the same keys
        return dict(self._record["summary"])

    @property
    def lastHistoryStep(self):  # noqa: N802 (the real name)
        steps = [row["_step"] for row in self._record["history"]]
        return max(steps) if steps else -1

    def history(self, samples=500, keys=None, x_axis="_step", pandas=True, stream="default"):
        rows = self._record["history"]
        if keys:  # sampledHistory: rows that have one of the keys, with just _step and those keys
            rows = [{k: row[k] for k in ("_step", *keys) if k in row} for row in rows if any(k in row for k in keys)]
        if len(rows) > samples:
            rows = [rows[round(i * (len(rows) - 1) / (samples - 1))] for i in range(samples)]
        if pandas:
            raise ImportError("the fake SDK has no pandas: pass pandas=False")
        return [dict(row) for row in rows]

    def scan_history(self, keys=None, page_size=1000, min_step=None, max_step=None):
        for row in self._record["history"]:
            step = row["_step"]
            if (min_step is not None and step < min_step) or (max_step is not None and step >= max_step):
                continue
            if keys and not all(k in row for k in keys):
                continue
            yield {k: row[k] for k in keys} if keys else dict(row)

    def files(self, names=None, pattern=None, per_page=50):
        return Files(self._service_api, self, names or [], per_page, pattern=pattern)

    def file(self, name):
        record("run_file", run=self.id, name=name)
        return Files(self._service_api, self, [name])[0]

    def logged_artifacts(self, per_page=100):
        from wandb.sdk.artifacts.artifact import Artifact

        record("run_logged_artifacts", run=self.id)
        return [Artifact._fetched(self._entity, self.project, a["name"], a["index"], a["type"], self._service_api)
                for a in self._record.get("artifacts") or []]

    def stop(self):
        _fake_server.stop_run(self.storage_id)

    def update(self):
        """Like the real one's UpsertBucket: the run's tags (and description, config, ...) as set here."""
        record("run_update", run=self.id, tags=self.tags)
        run = _fake_runs.load(self._entity, self.project, self.id)
        if run is None:
            raise CommError(f"Could not find run {self._entity}/{self.project}/{self.id}")
        run["tags"] = self.tags
        _fake_runs.save(run)
        self._set(run)
        self._tags = None

    def update_state(self, state):
        try:
            _fake_server.update_run_state(self.storage_id, state)
        except ValueError as exc:
            raise CommError(str(exc)) from exc
        self._attrs["state"] = self._state = state
        return True

    def wait_until_finished(self):
        record("run_wait_until_finished")  # the real one never returns for killed or preempted
        while self._state not in ("finished", "crashed", "failed"):
            time.sleep(5)
            self.load(force=True)


class Runs(list):
    """Api.runs(path, filters, order): the project's runs that match the filters (MongoDB-style, as
    W&B takes them) in the order asked for (`[+-]created_at`, the default oldest first, or `[+-]<key>`)."""

    def __init__(self, client, entity, project, filters=None, order="+created_at", per_page=50, include_sweeps=True,
                 lazy=True, api_key=None):
        runs = [r for r in _fake_runs.all_runs()
                if r["entity"] == entity and r["project"] == project and _matches(r, filters or {})]
        key = (order or "+created_at").lstrip("+-")
        runs.sort(key=lambda r: _sortable(_field(r, "createdAt" if key == "created_at" else key)),
                  reverse=(order or "").startswith("-"))
        super().__init__(Run(client, r["entity"], r["project"], r["name"], attrs=r) for r in runs)
        self.entity, self.project = entity, project


_OPS = {
    "$eq": lambda v, x: v == x, "$ne": lambda v, x: v != x,
    "$in": lambda v, x: v in x, "$nin": lambda v, x: v not in x,
    "$gt": lambda v, x: v is not None and v > x, "$gte": lambda v, x: v is not None and v >= x,
    "$lt": lambda v, x: v is not None and v < x, "$lte": lambda v, x: v is not None and v <= x,
    "$exists": lambda v, x: (v is not None) == bool(x),
    "$regex": lambda v, x: isinstance(v, str) and re.search(x, v) is not None,
}


def _field(run, key):
    if key.startswith("summary_metrics."):
        return run["summary"].get(key.split(".", 1)[1])
    if key.startswith("config."):
        value = run["config"].get(key.split(".", 1)[1].removesuffix(".value"))
        return value
    return {"state": run["state"], "name": run["name"], "displayName": run["name"], "display_name": run["name"],
            "tags": run.get("tags") or [], "createdAt": run["createdAt"], "created_at": run["createdAt"]}.get(key)


def _matches(run, filters):
    for key, cond in filters.items():
        if key == "$and":
            if not all(_matches(run, f) for f in cond):
                return False
            continue
        if key == "$or":
            if not any(_matches(run, f) for f in cond):
                return False
            continue
        value = _field(run, key)
        conds = cond.items() if isinstance(cond, dict) else [("$eq", cond)]
        for op, arg in conds:
            if op not in _OPS:
                raise CommError(f"fake server: filter operator {op} is not served")
            if isinstance(value, list) and op in ("$eq", "$in"):  # tags: a value matches when the list holds it
                if not any(_OPS[op](v, arg) for v in value):
                    return False
            elif not _OPS[op](value, arg):
                return False
    return True


def _sortable(value):
    return (value is None, value if isinstance(value, (int, float)) else str(value))

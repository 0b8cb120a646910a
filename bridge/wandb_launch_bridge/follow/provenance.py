"""Provenance on the run: which workflow launched it, written through the public API once the run
exists, so that it holds wherever the job runs (a queue's agent starts it, not us).

The run's config gets a `github` mapping (repository, commit, ref, event, workflow, job, workflow
run and attempt, its URL, pull request, actor, launch key) beside the user's own keys, and its notes
a line with the workflow run's URL. Written with the mutation the SDK's Run.update() sends
(upsertBucket with the run's id), but with the whole config as W&B holds it: Run.update() sends
only the user's keys (0.17 drops `_wandb`, every version drops other internal keys).

A running job's SDK writes its whole config again when it changes it (and at its end), which drops
a key it does not know: the provenance is written again once the run has ended, when it is missing.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from ..cancel import cancel, parent_gone
from ..deadline import call_with_deadline
from ..protocol import emit_provenance
from ..sdk.api import describe_error, graphql, is_not_found, is_transient

NOTES_PREFIX = "Launched from GitHub Actions: "

# The mutation of the SDK's Run.update() (UpsertBucket), with only the fields written here.
UPSERT_RUN = """
mutation UpsertBucket($id: String!, $notes: String, $config: JSONString!) {
    upsertBucket(input: {id: $id, notes: $notes, config: $config}) {
        bucket {
            id
        }
    }
}
"""


def config_with_github(rawconfig, github):
    """The run's whole config as upsertBucket takes it ({key: {value, desc}}), `github` set."""
    config = {str(k): {"value": v, "desc": None} for k, v in (rawconfig or {}).items() if k != "github"}
    config["github"] = {"value": dict(github), "desc": None}
    return config


def notes_with_link(notes, url):
    """The run's notes with the workflow run's link added once (what was there is kept)."""
    if not url:
        return notes
    line = NOTES_PREFIX + url
    if notes and line in notes:
        return notes
    return f"{notes.rstrip()}\n\n{line}" if notes and notes.strip() else line


def github_of(rawconfig):
    """The `github` mapping the run already carries, or None."""
    value = (rawconfig or {}).get("github")
    return value if isinstance(value, dict) else None


def needs_writing(rawconfig, notes, github, only_if_absent=False):
    """Whether the run lacks this provenance. only_if_absent (attach): a run that records where it
    came from already keeps that, its launch's own provenance."""
    have = github_of(rawconfig)
    if only_if_absent and have is not None:
        return False
    return have != dict(github) or notes_with_link(notes, github.get("run_url")) != notes


def upsert_variables(storage_id, rawconfig, notes, github):
    return {
        "id": storage_id,
        "config": json.dumps(config_with_github(rawconfig, github)),
        "notes": notes_with_link(notes, github.get("run_url")),
    }


# One write (a read and the mutation) at most this long: it never holds the run's wait for long.
WRITE_SECONDS = 10.0
# Direct mode: how often the run is looked for on W&B until its job has created it.
WATCH_SECONDS = 3.0


def write_on_run(api, path, github, only_if_absent=False):
    """Writes the provenance the run lacks; returns whether anything was written."""
    run = api.run(path)
    run.load(force=True)  # api.run() keeps the runs it read: what W&B holds now
    raw = dict(run.rawconfig or {})
    if not needs_writing(raw, run.notes, github, only_if_absent):
        return False
    graphql(api, UPSERT_RUN, upsert_variables(run.storage_id, raw, run.notes, github))
    return True


class RunProvenance:
    """The provenance of the one run a bridge launches or follows: written when the run is first
    seen on W&B and again once it has ended, where it went missing; a failure is reported once."""

    def __init__(self, github: dict[str, Any] | None, only_if_absent: bool = False):
        self.github = dict(github) if github else None
        self.only_if_absent = only_if_absent
        self.error: str | None = None
        self.reported = False
        self.lock = threading.Lock()

    def write(self, api, entity, project, run_id, seconds=WRITE_SECONDS) -> bool:
        """True when the run carries the provenance now; a failure is kept for report(). Never raises."""
        if self.github is None or not (entity and project and run_id):
            return False
        github = self.github
        with self.lock:
            try:
                call_with_deadline(
                    lambda: write_on_run(
                        api or _public_api(seconds), f"{entity}/{project}/{run_id}", github, self.only_if_absent
                    ),
                    seconds,
                    "recording where the run came from",
                    give_up=lambda: cancel.requested or parent_gone(),
                )
            except Exception as exc:  # noqa: BLE001 (the run's verdict does not depend on it)
                # no run on W&B (its job did not call wandb.init): the record says so, nothing to write
                self.error = None if is_not_found(exc) and not is_transient(exc) else describe_error(exc)
                return False
            self.error = None
            return True

    def report(self, run_id) -> None:
        """The provenance event, once, when the last write failed."""
        if self.github is None or self.reported or self.error is None:
            return
        self.reported = True
        emit_provenance(run_id=run_id, error=self.error)

    def watch(self, api, entity, project, run_id, every=WATCH_SECONDS):
        """Direct mode: writes the provenance as soon as the run is on W&B (its job has called
        wandb.init), from a daemon thread; setting the returned event ends the watch."""
        stop = threading.Event()

        def look():
            client = api
            while not stop.wait(every):
                try:
                    client = client or _public_api(WRITE_SECONDS)
                    call_with_deadline(
                        lambda c=client: c.run(f"{entity}/{project}/{run_id}"),
                        WRITE_SECONDS,
                        "looking for the run",
                        give_up=stop.is_set,
                    )
                except Exception:  # noqa: BLE001 (not there yet, or the API failed: look again)
                    continue
                if self.write(client, entity, project, run_id) or stop.is_set():
                    return

        if self.github is not None and entity and project and run_id:
            thread = threading.Thread(target=look, name="provenance", daemon=True)
            thread.start()
        return stop


def _public_api(seconds):
    import wandb

    return wandb.Api(timeout=max(1, int(seconds)))


_current = RunProvenance(None)


def start(github, only_if_absent=False) -> RunProvenance:
    """This bridge's run provenance (the request's `provenance`; None: none is written)."""
    global _current
    _current = RunProvenance(github, only_if_absent)
    return _current


def current() -> RunProvenance:
    return _current

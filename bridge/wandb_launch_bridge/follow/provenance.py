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
    return {"id": storage_id, "config": json.dumps(config_with_github(rawconfig, github)),
            "notes": notes_with_link(notes, github.get("run_url"))}

"""`reuse`: before launching, a run of the same launch (the launch key its provenance records) on
the same commit. A finished one is judged instead of launching; a live one is followed instead of
launching a second; one that failed, crashed, was stopped or preempted is launched again.

The runs are looked up with filters on the provenance keys (config.github.*), newest first, and the
provenance of each is checked again here: a server that ignored a filter must not make another
launch's run pass for this one."""

from __future__ import annotations

LIVE_STATES = ("running", "pending", "preempting")
# the newest matches looked at: a re-run after a few forced launches still finds its run
PAGE = 20


def filters(key, sha, repository):
    return {"config.github.launch_key": key, "config.github.sha": sha, "config.github.repository": repository}


def same_launch(github, key, sha, repository):
    return (isinstance(github, dict) and github.get("launch_key") == key and github.get("sha") == sha
            and github.get("repository") == repository)


def choose(candidates):
    """candidates: (run, state) newest first, all of this launch. ("reuse", run) for the newest
    finished one, else ("follow", run) for the newest live one, else None (launch anew)."""
    candidates = list(candidates)
    for run, state in candidates:
        if state == "finished":
            return "reuse", run
    for run, state in candidates:
        if state in LIVE_STATES:
            return "follow", run
    return None

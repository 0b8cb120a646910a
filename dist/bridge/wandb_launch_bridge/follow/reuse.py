"""`reuse`: before launching, a run of the same launch (the launch key its provenance records) on
the same commit. A finished one is judged instead of launching; a live one is followed instead of
launching a second; one that failed, crashed, was stopped or preempted is launched again.

The runs are looked up with filters on the provenance keys (config.github.*), newest first, and the
provenance of each is checked again here: a server that ignored a filter must not make another
launch's run pass for this one."""

from __future__ import annotations

import sys
from itertools import islice

from ..cancel import cancel, parent_gone
from ..deadline import call_with_deadline
from ..protocol import Request, emit_reused
from ..sdk.api import describe_error

LIVE_STATES = ("running", "pending", "preempting")
# the newest matches looked at: a re-run after a few forced launches still finds its run
PAGE = 20


def filters(key, sha, repository):
    return {"config.github.launch_key": key, "config.github.sha": sha, "config.github.repository": repository}


def same_launch(github, key, sha, repository):
    return (
        isinstance(github, dict)
        and github.get("launch_key") == key
        and github.get("sha") == sha
        and github.get("repository") == repository
    )


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


# The lookup before a launch: a server that does not answer delays the launch this long at most.
LOOKUP_SECONDS = 15.0


def find(public_api, entity, project, github):
    """("reuse" | "follow", run) for a run of this launch on this commit, or None."""
    key, sha, repository = github.get("launch_key"), github.get("sha"), github.get("repository")
    runs = public_api.runs(
        f"{entity}/{project}", filters=filters(key, sha, repository), order="-created_at", per_page=PAGE
    )
    return choose(
        (run, run.state)
        for run in islice(runs, PAGE)
        if same_launch((run.config or {}).get("github"), key, sha, repository)
    )


def say(text):
    print(f"reuse: {text}", file=sys.stderr, flush=True)


def look_for_reusable(request: Request, public_api):
    """(how, run, entity, project) of an earlier run of this launch to take instead of launching, or
    None: launch. A lookup that fails is said in the log, and the launch goes ahead."""
    github = request.provenance.as_config() if request.provenance is not None else {}
    launch = request.launch
    if not github.get("launch_key"):
        say("no launch key for this launch (provenance is off, or this is not a GitHub runner): launching")
        return None
    try:
        entity = launch.entity or public_api.default_entity
        project = launch.project
        if not (entity and project):
            say(
                "the run's project is not known before the launch "
                "(give project, or a job entity/project/name): launching"
            )
            return None
        found = call_with_deadline(
            lambda: find(public_api, entity, project, github),
            LOOKUP_SECONDS,
            "looking for an earlier run of this launch",
            give_up=lambda: cancel.requested or parent_gone(),
        )
    except Exception as exc:  # noqa: BLE001 (a lookup that fails costs a launch, never the step)
        if not cancel.requested:
            say(
                f"looking for an earlier run of this launch on commit {github.get('sha', '')[:12]} failed "
                f"({describe_error(exc)}): launching"
            )
        return None
    if found is None:
        say(
            f"no finished or running run of this launch on commit {github.get('sha', '')[:12]} "
            f"in {entity}/{project}: launching"
        )
        return None
    how, run = found
    return how, run, entity, project


def announce(run, entity, project):
    recorded = (run.config or {}).get("github") or {}
    attempt = recorded.get("run_attempt")
    emit_reused(
        run_id=run.id,
        entity=entity,
        project=project,
        state=run.state,
        github_run_id=None if recorded.get("run_id") is None else str(recorded.get("run_id")),
        github_run_attempt=attempt if isinstance(attempt, int) and not isinstance(attempt, bool) else None,
    )

"""The run the gates compare with, read through the public API once this run has ended.

The `baseline` input is a run path (entity/project/run_id), or run filters as `Api.runs(path,
filters)` takes them, of which the newest finished run in this run's project, other than this
run, is taken. Emits one `baseline` event: its path and summary, or path null when no run
matched, or the error. A lookup that fails or hangs never fails the step: the gates that need a
baseline then say "no baseline" and follow gate_missing.
"""

from __future__ import annotations

from typing import Any

from ..deadline import call_with_deadline
from ..protocol import Baseline, emit_baseline
from ..sdk.api import describe_error
from .record import json_safe

LOOKUP_SECONDS = 10.0
# runs this many of the newest matches at most: only this run itself can be skipped
PAGE = 5


def find_baseline(api, entity, project, run_id, spec: Baseline) -> tuple[str | None, Any]:
    """(path, summary) of the baseline run, or (None, None) when none matches."""
    if spec.path is not None:
        run = api.run(spec.path)
        return spec.path, json_safe(dict(run.summary_metrics or {}))
    filters = dict(spec.filters or {})
    filters.setdefault("state", "finished")
    for run in api.runs(f"{entity}/{project}", filters=filters, order="-created_at", per_page=PAGE):
        if run.id != run_id:
            return f"{entity}/{project}/{run.id}", json_safe(dict(run.summary_metrics or {}))
    return None, None


def report_baseline(entity, project, run_id, spec: Baseline, api=None, seconds=LOOKUP_SECONDS) -> str | None:
    """Look the baseline up within `seconds` and emit the `baseline` event; returns its path."""
    if spec.filters is not None and not (entity and project):
        emit_baseline(path=None, summary=None, error="the run's entity or project is unknown: no baseline to look up")
        return None

    def lookup():
        import wandb

        return find_baseline(api or wandb.Api(timeout=max(1, int(seconds))), entity, project, run_id, spec)

    try:
        path, summary = call_with_deadline(
            lookup,
            seconds,
            "looking up the baseline run",
            timeout_message=f"W&B did not answer within {seconds:g}s looking up the baseline run",
        )
    except Exception as exc:  # a baseline that cannot be read is "no baseline"
        emit_baseline(path=None, summary=None, error=f"the baseline run could not be read: {describe_error(exc)}")
        return None
    emit_baseline(path=path, summary=summary, error=None)
    return path

"""The run as W&B recorded it, read back through the public API once a synchronous run has ended:
its state, summary and last history step, for the `run_record` event.

Reading back never fails a run: whatever goes wrong (no such run, the API down, the deadline)
becomes the record's `error`. The read has a deadline (call_with_deadline), so a hung connection
cannot hold the step; `Api().run` caches, so a second look uses load(force=True).
"""

from __future__ import annotations

import json
import math
import time

from ..deadline import DeadlineExceeded, call_with_deadline
from ..protocol import RUN_LIVE_STATES, emit_run_record
from ..sdk.api import describe_error, is_not_found

READ_SECONDS = 5.0


def record_fields(state=None, summary=None, step=None, error=None, missing=False):
    return {"state": state, "summary": summary or {}, "step": step, "error": error, "missing": missing}


def read_run(entity, project, run_id, deadline, api=None, settle=None):
    """The run's record by `deadline` (time.monotonic()). `settle(run, state, deadline)` is called
    when W&B still calls the run live although its job has ended; it returns the state to record."""

    def read():
        try:
            return _read(entity, project, run_id, deadline, api, settle)
        except BaseException as exc:  # anything here is a warning, never a failure
            return _error_record(entity, project, run_id, exc)

    try:
        return call_with_deadline(read, max(0.0, deadline - time.monotonic()), "run-record")
    except DeadlineExceeded:
        return record_fields(error=f"W&B did not answer within {READ_SECONDS:g}s when the run was read back")


def _read(entity, project, run_id, deadline, api, settle):
    if api is None:
        import wandb

        api = wandb.Api(timeout=max(1, int(deadline - time.monotonic())))
    run = api.run(f"{entity}/{project}/{run_id}")
    state = run.state
    if settle is not None and state in RUN_LIVE_STATES:
        state = settle(run, state, deadline)
    step = run.lastHistoryStep
    return record_fields(
        state=state,
        summary=json_safe(dict(run.summary_metrics or {})),
        step=None if step is None or step < 0 else int(step),
    )


def _error_record(entity, project, run_id, exc):
    if is_not_found(exc):
        return record_fields(
            missing=True,
            error=f"W&B has no run {entity}/{project}/{run_id}: the job did not "
            "call wandb.init, or wrote its run elsewhere",
        )
    return record_fields(error=f"reading the run back from W&B failed: {describe_error(exc)}")


def json_safe(value):
    """Summary values as JSON can carry them: NaN and infinities become strings, unknown objects text."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError):
        return str(value)


def report_record(entity, project, run_id, api=None, settle=None, warnings=(), seconds=READ_SECONDS):
    """Read the ended run back and emit the `run_record` event (with what `settle` put in
    `warnings` as its error); returns the record."""
    if not (entity and project and run_id):
        record = record_fields(error="the run's entity, project or ID is unknown: it was not read back")
    else:
        record = read_run(entity, project, run_id, time.monotonic() + seconds, api=api, settle=settle)
    if warnings:
        record["error"] = "; ".join([*warnings, *filter(None, [record["error"]])])
    emit_run_record(**record)
    return record

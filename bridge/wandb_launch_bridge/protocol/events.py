"""The event channel (a private descriptor; fd 1 points at stderr from the start, so nothing the SDK
or the job prints can forge an event) and one emit function per event kind: its required
parameters are the event's required properties; its optional ones default to None and are left
out of the line when None. Nothing else writes to the channel."""

from __future__ import annotations

import json
import os
import traceback
from typing import IO, Any

from ..deadline import finished


class _Channel:
    events: IO[str] | None = None
    detached = False
    result_sent = False
    ended = False  # a result or an error was sent: the bridge has said how it ends


_channel = _Channel()


def open_channel() -> None:
    _channel.events = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)


def detach_channel() -> None:
    """An asynchronous local run outlives the action: its channel closes for good."""
    if _channel.events is not None:
        _channel.events.close()
    _channel.detached = True


def is_detached() -> bool:
    return _channel.detached


def has_ended() -> bool:
    return _channel.ended


def result_sent() -> bool:
    return _channel.result_sent


def flush_channel() -> None:
    try:
        if _channel.events is not None:
            _channel.events.flush()
    except Exception:
        pass


def _send(kind: str, required: dict[str, Any], optional: dict[str, Any] | None = None) -> None:
    line = {"event": kind, **required, **{k: v for k, v in (optional or {}).items() if v is not None}}
    try:
        if _channel.events is None:
            raise ValueError("the event channel is not open")
        _channel.events.write(json.dumps(line) + "\n")
        _channel.events.flush()
    except (BrokenPipeError, ValueError, OSError):
        pass  # the action is gone; the run still gets cancelled or finishes on its own


# --- one function per event kind --------------------------------------------------------------

Json = Any


def emit_sdk(*, python: str, python_version: str, wandb_version: str | None) -> None:
    _send("sdk", {"python": python, "python_version": python_version, "wandb_version": wandb_version})


def emit_submitted(
    *,
    run_id: str,
    backend_id: str | None,
    entity: str | None,
    project: str | None,
    run_type: str,
    launch_seconds: float,
) -> None:
    _send(
        "submitted",
        {
            "run_id": run_id,
            "backend_id": backend_id,
            "entity": entity,
            "project": project,
            "run_type": run_type,
            "launch_seconds": launch_seconds,
        },
    )


def emit_queued(
    *,
    queue_item_id: str,
    queue: str,
    project_queue: str,
    run_id: str | None,
    entity: str | None,
    project: str | None,
) -> None:
    _send(
        "queued",
        {
            "queue_item_id": queue_item_id,
            "queue": queue,
            "project_queue": project_queue,
            "run_id": run_id,
            "entity": entity,
            "project": project,
        },
    )


def emit_progress(
    *, stage: str, run_id: str | None, item_state: str | None, run_state: str | None, message: str | None
) -> None:
    fields_ = {"stage": stage, "run_id": run_id, "item_state": item_state, "run_state": run_state, "message": message}
    _send("progress", fields_)


def emit_heartbeat(*, run_id: str | None, step: int | None, metrics: dict[str, Json]) -> None:
    _send("heartbeat", {"run_id": run_id, "step": step, "metrics": metrics})


def emit_run_log(*, run_id: str | None, lines: list[str], note: str | None) -> None:
    _send("run_log", {"run_id": run_id, "lines": lines, "note": note})


def emit_run_record(
    *,
    state: str | None,
    summary: dict[str, Json],
    step: int | None,
    error: str | None,
    missing: bool | None = None,
) -> None:
    _send("run_record", {"state": state, "summary": summary, "step": step, "error": error}, {"missing": missing})


def emit_baseline(*, path: str | None, summary: dict[str, Json] | None, error: str | None) -> None:
    _send("baseline", {"path": path, "summary": summary, "error": error})


def emit_tags(*, tags: list[str], error: str | None) -> None:
    _send("tags", {"tags": tags, "error": error})


def emit_provenance(*, run_id: str | None, error: str | None) -> None:
    _send("provenance", {"run_id": run_id, "error": error})


def emit_reused(
    *,
    run_id: str,
    entity: str,
    project: str,
    state: str | None,
    github_run_id: str | None,
    github_run_attempt: int | None,
) -> None:
    _send(
        "reused",
        {
            "run_id": run_id,
            "entity": entity,
            "project": project,
            "state": state,
            "github_run_id": github_run_id,
            "github_run_attempt": github_run_attempt,
        },
    )


def emit_curves(*, curves: list[dict[str, Json]], error: str | None) -> None:
    _send("curves", {"curves": curves, "error": error})


def emit_promotion(
    *,
    artifact: str | None,
    target: str | None,
    path: str | None,
    version: str | None,
    aliases: list[str],
    skipped: str | None,
    error: str | None,
) -> None:
    _send(
        "promotion",
        {
            "artifact": artifact,
            "target": target,
            "path": path,
            "version": version,
            "aliases": aliases,
            "skipped": skipped,
            "error": error,
        },
    )


def emit_result(
    *,
    state: str | None,
    cancelled: bool,
    timed_out: bool,
    submitted: bool,
    cancel_error: str | None,
    backend_id: str | None = None,
    exit_code: int | None = None,
    job_tail: list[str] | None = None,
    queue_item_id: str | None = None,
    run_id: str | None = None,
    item_state: str | None = None,
    item_error: str | None = None,
    item_error_stage: str | None = None,
    item_error_files: list[str] | None = None,
    run_started: bool | None = None,
    queue_timed_out: bool | None = None,
    item_removed: bool | None = None,
    never_appeared: bool | None = None,
) -> None:
    """The run's end as the bridge saw it (state: the run's, or UNCONFIRMED); the watchdog of a
    cancel only guards the exit from here on."""
    _channel.ended = True
    _channel.result_sent = True
    finished()
    required = {
        "state": state,
        "cancelled": cancelled,
        "timed_out": timed_out,
        "submitted": submitted,
        "cancel_error": cancel_error,
    }
    optional = {
        "backend_id": backend_id,
        "exit_code": exit_code,
        "job_tail": job_tail,
        "queue_item_id": queue_item_id,
        "run_id": run_id,
        "item_state": item_state,
        "item_error": item_error,
        "item_error_stage": item_error_stage,
        "item_error_files": item_error_files,
        "run_started": run_started,
        "queue_timed_out": queue_timed_out,
        "item_removed": item_removed,
        "never_appeared": never_appeared,
    }
    _send("result", required, optional)


def emit_error(
    *,
    kind: str,
    message: str,
    exception_type: str | None,
    traceback: str | None,
    detail: dict[str, Json] | None = None,
    python: str | None = None,
    base_python: str | None = None,
    python_version: str | None = None,
    wandb_version: str | None = None,
    requirement: str | None = None,
) -> None:
    """How the bridge failed, in a kind the action turns into a cause and a fix; with the
    interpreter's facts when its SDK is unusable (nothing was launched)."""
    _channel.ended = True  # a signal abandons nothing now
    required = {"kind": kind, "message": message, "exception_type": exception_type, "traceback": traceback}
    optional = {
        "detail": detail,
        "python": python,
        "base_python": base_python,
        "python_version": python_version,
        "wandb_version": wandb_version,
        "requirement": requirement,
    }
    _send("error", required, optional)


def fail(kind: str, message: str, exc: BaseException | None = None, detail: dict[str, Json] | None = None) -> None:
    """The error event for `exc` (its type and traceback), or for a failure without one."""
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)) if exc is not None else None
    emit_error(
        kind=kind,
        message=message,
        exception_type=type(exc).__name__ if exc is not None else None,
        traceback=trace,
        detail=detail,
    )


EMITTERS = {
    "sdk": emit_sdk,
    "submitted": emit_submitted,
    "queued": emit_queued,
    "progress": emit_progress,
    "heartbeat": emit_heartbeat,
    "run_log": emit_run_log,
    "run_record": emit_run_record,
    "baseline": emit_baseline,
    "tags": emit_tags,
    "provenance": emit_provenance,
    "reused": emit_reused,
    "curves": emit_curves,
    "promotion": emit_promotion,
    "result": emit_result,
    "error": emit_error,
}

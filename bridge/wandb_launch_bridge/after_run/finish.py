"""The end of a run, the same for direct, queue and attach mode, in data-flow order: the run as
W&B recorded it (record), the baseline run the gates compare with, the charted metrics' history
(this run's and the baseline's), the tags (after the baseline, so that this run's new tags cannot
make it its own baseline), a failed run's output.log tail, then the result. The baseline, the
history and the tags are skipped after a cancel, which must end in seconds."""

from __future__ import annotations

from typing import Any, Callable

from ..cancel import cancel
from ..deadline import seconds_for
from ..follow import provenance
from ..protocol import Request, emit_result
from .baseline import report_baseline
from .curves import report_curves
from .output_log import report_run_log
from .record import report_record
from .tags import report_tags


def after_run(request: Request, entity: str | None, project: str | None, run_id: str | None, api: Any = None):
    if cancel.requested:
        return
    baseline_path = None
    if request.baseline is not None:
        baseline_path = report_baseline(entity, project, run_id, request.baseline, api=api)
    if request.curves is not None:
        report_curves(entity, project, run_id, baseline_path, request.curves, api=api)
    if request.tags:
        report_tags(entity, project, run_id, list(request.tags), api=api)


def finish(
    request: Request,
    *,
    entity: str | None,
    project: str | None,
    run_id: str | None,
    public_api: Any,
    result: dict[str, Any],
    read_back: bool = True,
    settle: Callable[..., Any] | None = None,
    warnings: list[str] | None = None,
    run_log: Callable[[], Any] | None = None,
) -> None:
    """record → baseline → curves → tags → output log → result. `read_back`: whether there is a run on W&B
    to read (a queue item whose run never started has none); `run_log()`: the public API's run
    whose output.log says why it failed, or None where that is not asked (a cancel, a local run,
    whose own output the log has shown already); `result`: the result event's fields."""
    if read_back:
        # A cancel must end in seconds: the read-back gets less time then.
        report_record(
            entity,
            project,
            run_id,
            api=public_api,
            settle=settle,
            warnings=warnings if warnings is not None else (),
            seconds=seconds_for(2.0 if cancel.requested else 5.0),
        )
        if not cancel.requested:
            # the job's SDK writes its whole config again when it ends, without the github key
            record_provenance = provenance.current()
            record_provenance.write(public_api, entity, project, run_id)
            record_provenance.report(run_id)
        after_run(request, entity, project, run_id, api=public_api)
    if run_log is not None:
        report_run_log(run_log(), run_id, result.get("state"))
    emit_result(**result)

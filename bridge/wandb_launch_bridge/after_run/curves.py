"""The curves the report draws: each charted metric's sampled history, this run's and the baseline
run's, read through the public API's Run.history(samples=..., keys=[metric]) (the server's
sampledHistory: a bounded number of rows, whatever the run logged). One metric a call: a row
holds only the keys logged at its step, so metrics logged at different steps asked together could
leave each other out.

Nothing here fails a step: a history that cannot be read is left out of the report, with why.
"""

from __future__ import annotations

import math
from typing import Any

from ..deadline import call_with_deadline
from ..protocol import Curves, emit_curves
from ..sdk.api import describe_error

# Rows asked of the server for each series; the report puts them on a grid of fewer points.
SAMPLES = 200
WHO = {"run": "this run", "baseline": "the baseline run"}
# All the charts' reads together: a few requests, never more than this.
READ_SECONDS = 10.0


def metric_points(api_run, metric, samples=SAMPLES):
    """[[step, value], ...] of a run's metric, in step order: only rows with a finite number."""
    rows = api_run.history(samples=samples, keys=[metric], pandas=False) or []
    points = []
    for row in rows:
        step, value = row.get("_step"), row.get(metric)
        if isinstance(step, bool) or not isinstance(step, (int, float)):
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            continue
        points.append([step, value])
    points.sort(key=lambda p: p[0])
    return points


def read_curves(api, run_path, baseline_path, metrics, samples=SAMPLES) -> dict[str, Any]:
    """{"curves": [{metric, run, baseline}], "error": None or why some could not be read}."""
    curves, problems = [], []
    runs = {}
    for role, path in (("run", run_path), ("baseline", baseline_path)):
        if not path:
            continue
        try:
            runs[role] = api.run(path)
        except Exception as exc:  # noqa: BLE001 (a chart left out is never a failure)
            problems.append(
                f"{'the baseline run' if role == 'baseline' else 'this run'} {path} could not be read: {exc}"
            )
    for metric in metrics:
        entry = {"metric": metric, "run": [], "baseline": None}
        for role, api_run in runs.items():
            try:
                entry[role] = metric_points(api_run, metric, samples)
            except Exception as exc:  # noqa: BLE001
                problems.append(f"the history of {metric} ({WHO[role]}) could not be read: {exc}")
        curves.append(entry)
    return {"curves": curves, "error": "; ".join(problems) or None}


def report_curves(entity, project, run_id, baseline_path, spec: Curves, api=None, seconds=READ_SECONDS):
    """Read the charted metrics' histories within `seconds` and emit the `curves` event."""
    if not (entity and project and run_id):
        emit_curves(curves=[], error="the run's entity, project or ID is unknown: no history to read")
        return

    def read():
        public_api = api or _public_api(seconds)
        return read_curves(public_api, f"{entity}/{project}/{run_id}", baseline_path, list(spec.metrics), spec.samples)

    try:
        found = call_with_deadline(read, seconds, "reading the metrics' history")
    except Exception as exc:  # a chart left out never fails a step
        emit_curves(curves=[], error=f"the metrics' history could not be read: {describe_error(exc)}")
        return
    emit_curves(curves=found["curves"], error=found["error"])


def _public_api(seconds):
    import wandb

    return wandb.Api(timeout=max(1, int(seconds)))

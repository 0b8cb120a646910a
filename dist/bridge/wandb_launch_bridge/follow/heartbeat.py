"""Live progress of a run that is not a local process: a heartbeat event at most every
`progress.interval_seconds` while it runs, with its step and the latest values of the watched
metrics, read from the run the follower has just loaded (the public API's Run, whose load() already
brings summaryMetrics, with _step: a heartbeat costs no request of its own where W&B's summary has it)."""

from __future__ import annotations

import json
import math
import time

from ..protocol import Progress, emit_heartbeat


class Heartbeat:
    def __init__(self, progress: Progress, clock=time.monotonic):
        self.interval = float(progress.interval_seconds or 0)
        self.metrics = [str(m) for m in progress.metrics]
        self.clock = clock
        self.last = None

    def seconds_left(self):
        """How long until the next heartbeat is due (None when off): the follower's polls wait no longer."""
        if self.interval <= 0:
            return None
        if self.last is None:
            return 0.0
        return max(0.0, self.last + self.interval - self.clock())

    def due(self):
        """Whether a heartbeat is due now; the first call starts the clock (one interval after the
        run started running), each true answer restarts it."""
        left = self.seconds_left()
        if left is None or left > 0:
            return False
        started = self.last is not None
        self.last = self.clock()
        return started

    def beat(self, run_id, run):
        """One heartbeat event from the public API's Run as last loaded."""
        summary = summary_of(run)
        emit_heartbeat(
            run_id=run_id,
            step=last_step(summary, run),
            metrics={name: shown_value(metric_value(summary, name)) for name in self.metrics},
        )


def last_step(summary, run):
    """W&B's summary holds _step; without it, the run's lastHistoryStep (one more request)."""
    step = summary.get("_step")
    if isinstance(step, int) and not isinstance(step, bool):
        return step
    try:
        step = run.lastHistoryStep
    except Exception:
        return None
    return step if isinstance(step, int) and step >= 0 else None


def summary_of(run):
    """The run's summary as a dict, on every SDK from 0.17.3 (attribute or property, JSON or dict)."""
    try:
        value = getattr(run, "summary_metrics", None)
    except Exception:
        value = None
    if not isinstance(value, dict):
        value = (getattr(run, "_attrs", None) or {}).get("summaryMetrics")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    return value if isinstance(value, dict) else {}


def metric_value(summary, name):
    """The action's one rule for a metric's name (its gates read summaries the same way): the key
    exactly as logged ("eval/acc", "a.b"), else a path through nested dicts split on "." only."""
    if name in summary:
        return summary[name]
    node = summary
    for part in name.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def shown_value(value):
    """A metric for a heartbeat line: a number or short text (after_run.record.json_safe keeps whole values)."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict) and "_type" in value:
        return f"<{value['_type']}>"  # a histogram, an image, ...: named, not shown
    return str(value)[:80]

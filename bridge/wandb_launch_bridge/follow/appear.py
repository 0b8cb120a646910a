"""attach by run path: a run that is not on W&B yet (its job has not called wandb.init: a pod still
starting, an item still queued) is waited for, as the step that launched it would have, within a
bound (queue_timeout, or the action's default), the `timeout` input and a cancel."""

from __future__ import annotations

import math


def wait_for_run(load, *, bound, deadline, progress_seconds, say, now, pause, cancelled, first=1.0, longest=5.0):
    """Polls load() (the run, or None while W&B has none) until it gives a run.

    Returns (run, None), or (None, why): "cancelled", "timeout" (deadline, on now()'s clock,
    passed) or "never" (bound seconds passed). say(seconds_waited) is called at the first miss and
    then every progress_seconds (0: only the first). pause(seconds) sleeps, returning early on a
    cancel."""
    started = now()
    end = started + bound
    next_say = started
    interval = first
    while True:
        if cancelled():
            return None, "cancelled"
        t = now()
        if deadline is not None and t >= deadline:
            return None, "timeout"
        if t >= end:
            return None, "never"
        run = load()
        if run is not None:
            return run, None
        t = now()
        if t >= next_say:
            say(t - started)
            next_say = t + progress_seconds if progress_seconds > 0 else math.inf
        limits = [end, next_say] + ([deadline] if deadline is not None else [])
        pause(max(0.0, min([t + interval, *limits]) - t))
        interval = min(interval * 1.5, longest)

"""Queue mode's wait: poll the queue item until an agent has started its run, then the run until
it ends, with deadlines, a backoff and retries of transient API errors. The SDK's own waits never
return for an item no agent takes, a failed item, or a `killed`/`preempted` run: none is used."""

from __future__ import annotations

import os
import time
from typing import Any

from ..after_run.finish import finish
from ..cancel import begin_cancel, cancel, parent_gone
from ..deadline import Abandoned, call_with_deadline, seconds_from_env
from ..errors import UserError
from ..protocol import RUN_END_STATES, Progress, Request, emit_progress
from ..sdk.api import describe_error, is_not_found, is_transient
from .heartbeat import Heartbeat
from .item import ITEM_QUERY, fetch_item
from .stop import no_agent, stop

# Continuous transient API errors for this long while waiting end the wait (a dead network);
# meanwhile they are reported once a minute.
MAX_ERROR_STREAK_SECONDS = 600.0
ERROR_REPORT_SECONDS = 60.0
# One look at the item or the run: a server that does not answer is an API error like any other.
POLL_SECONDS = 30.0


def poll_intervals():
    """First and longest pause between polls; WANDB_LAUNCH_ACTION_POLL_SECONDS="first,max" (tests).
    Every 5 s: the end of a run is noticed within 5 s, and a long wait costs at most 12 requests
    a minute (one request per poll)."""
    text = os.environ.get("WANDB_LAUNCH_ACTION_POLL_SECONDS", "")
    try:
        first, longest = (float(x) for x in text.split(","))
        if 0 < first <= longest:
            return first, longest
    except ValueError:
        pass
    return 5.0, 5.0


class Follower:
    """What is known of a queue item (or an attached run) and its run while following them."""

    def __init__(
        self, public_api, launch_api, queued, run_id, deadline, queue_deadline, progress: Progress, run_entity=None
    ):
        self.public_api = public_api
        self.launch_api = launch_api
        self.queued = queued  # its entity is the queue's (a launch config's queue_entity may set it)
        self.run_entity = run_entity or queued.entity
        self.item_query = ITEM_QUERY
        self.run_id = run_id
        self.deadline = deadline
        self.queue_deadline = queue_deadline
        self.item_state = "pending"
        self.item_error = None
        self.item_error_detail = None  # {stage, file_paths} of a failed item
        self.heartbeat = Heartbeat(progress)
        self.run: Any = None  # the public API's Run, once the agent has started it
        self.run_state = None
        self.reported = None
        self.error_since = None
        self.look_for_run = False  # the item names its run: the next poll reads the run
        self.error_reports = 0
        self.first, self.longest = poll_intervals()

    def progress(self, stage, message=None):
        key = (stage, self.run_id, message if stage != "api_error" else self.error_reports)
        if key == self.reported:
            return
        self.reported = key
        emit_progress(
            stage=stage, run_id=self.run_id, item_state=self.item_state, run_state=self.run_state, message=message
        )

    def result(self, state, **fields):
        return {
            "state": state,
            "run_id": self.run_id,
            "item_state": self.item_state,
            "item_error": self.item_error,
            "item_error_stage": (self.item_error_detail or {}).get("stage"),
            "item_error_files": (self.item_error_detail or {}).get("file_paths") or [],
            "run_started": self.run is not None,
            **fields,
        }

    def on_time(self, call, what):
        """A network call of the wait: POLL_SECONDS at most and never past the timeouts (a server
        that does not answer is an API error like any other); abandoned the moment a cancel comes."""
        now = time.monotonic()
        limits = [self.deadline, self.queue_deadline if self.run is None else None]
        seconds = min(
            [seconds_from_env("WANDB_LAUNCH_ACTION_CALL_SECONDS", POLL_SECONDS)]
            + [limit - now for limit in limits if limit is not None]
        )
        return call_with_deadline(call, max(seconds, 0.0), what, give_up=lambda: cancel.requested or parent_gone())

    def try_load_run(self, waiting=None):
        """waiting(call, what): how long to wait for the answer (the wait's on_time by default)."""
        try:
            self.run = (waiting or self.on_time)(
                lambda: self.public_api.run(f"{self.run_entity}/{self.queued.project}/{self.run_id}"),
                "reading the run",
            )
            self.run_state = self.run.state
        except Exception as exc:
            if is_transient(exc) or not is_not_found(exc):
                raise
            self.run = None  # claimed, but the agent has not created the run yet


def follow(f):
    """Polls until the item fails or the run ends, or stops them on cancel or timeout."""
    interval = f.first
    cancel.known["run_started"] = False
    while True:
        if parent_gone():  # the action was killed outright: stop the run, as direct mode does
            begin_cancel("cancelled")
        if cancel.requested:
            return stop(f, cancel.reason or "cancelled")
        now = time.monotonic()
        if f.deadline is not None and now >= f.deadline:
            return stop(f, "timeout")
        if f.run is None and f.item_state == "pending" and f.queue_deadline is not None and now >= f.queue_deadline:
            return no_agent(f)
        polled = time.monotonic()
        try:
            changed = poll(f)
            f.error_since = None
            f.error_reports = 0
        except UserError:
            raise
        except Abandoned:
            continue  # a cancel came while the poll waited: stop now
        except Exception as exc:
            if not is_transient(exc):
                raise
            changed = False
            api_trouble(f, exc)
        cancel.known["run_started"] = f.run is not None
        if f.item_state == "failed" and f.run is None:
            return f.result(f.item_state)
        if f.run_state in RUN_END_STATES:
            return f.result(f.run_state)
        interval = f.first if changed else min(interval * 1.5, f.longest)
        pause(f, interval - (time.monotonic() - polled))  # a poll every interval, not interval + poll


def pause(f, seconds):
    beat = f.heartbeat.seconds_left() if f.run is not None and f.run_state == "running" else None
    end = time.monotonic() + (seconds if beat is None else min(seconds, max(beat, 0.05)))
    for limit in (f.deadline, f.queue_deadline if f.run is None else None):
        if limit is not None:
            end = min(end, limit)
    while not cancel.requested and not parent_gone():
        left = end - time.monotonic()
        if left <= 0:
            break
        time.sleep(min(left, 0.1))


def api_trouble(f, exc):
    now = time.monotonic()
    if f.error_since is None:
        f.error_since = now
        f.progress("api_error", message=describe_error(exc))
    elif now - f.error_since >= (f.error_reports + 1) * seconds_from_env(
        "WANDB_LAUNCH_ACTION_ERROR_REPORT_SECONDS", ERROR_REPORT_SECONDS
    ):
        f.error_reports += 1  # a dead server is reported every minute, not silent for ten
        f.progress("api_error", message=f"{describe_error(exc)} (failing for {now - f.error_since:.0f}s)")
    if now - f.error_since > MAX_ERROR_STREAK_SECONDS:
        raise UserError(
            f"The W&B API kept failing for {MAX_ERROR_STREAK_SECONDS:.0f}s while following "
            f"queue item {f.queued.id}: {describe_error(exc)}"
        )


def poll(f):
    """One request: the item (until its run exists) or the run; once the item names its run, the
    next poll looks for the run, and the one after at the item again while the run is not there
    yet. Returns whether anything changed."""
    before = (f.item_state, f.run_state, f.run is not None)
    if f.run is None and f.look_for_run:
        f.look_for_run = False
        f.try_load_run()
    elif f.run is None:
        item = fetch_item(f)
        if item is None:
            raise UserError(
                f"Queue item {f.queued.id} was removed from queue {f.queued.queue_name} "
                "by someone else before its run started."
            )
        f.item_state = str(item.get("state") or "").lower() or "pending"
        if f.item_state == "failed":
            error = item.get("error") or {}
            f.item_error = error.get("message") or None
            f.item_error_detail = {
                "stage": error.get("stage") or None,
                "file_paths": [str(p) for p in error.get("filePaths") or []],
            }
            f.progress("item_failed", message=f.item_error)
        elif item.get("associatedRunId"):
            f.run_id = item["associatedRunId"]  # the agent's name for the run (run_id if given)
            f.progress("claimed")
            f.look_for_run = True
    else:
        f.on_time(lambda: f.run.load(force=True), "reading the run's state")
        f.run_state = f.run.state
    if f.run is not None:
        f.progress(f.run_state)
        if f.run_state == "running" and f.heartbeat.due():
            f.heartbeat.beat(f.run_id, f.run)
    return before != (f.item_state, f.run_state, f.run is not None)


def finish_following(request: Request, f: Follower, base, ended) -> None:
    """The end of a followed run (after_run.finish): read back when it started, its output.log when
    it failed on its own (not by a cancel or a timeout), then the result."""
    finish(
        request,
        entity=f.run_entity,
        project=f.queued.project,
        run_id=f.run_id,
        public_api=f.public_api,
        result={**base, **ended},
        read_back=f.run is not None,
        run_log=None if ended.get("cancelled") or ended.get("timed_out") else (lambda: f.run),
    )

"""Why a run failed, as W&B recorded it: the last lines of the run's output.log, downloaded through
the public API (Run.file().download()) once the run has ended. Bounded: a file larger than
MAX_LOG_BYTES is not fetched, the download has a deadline, and only the last lines are kept."""

from __future__ import annotations

import os
import shutil
import tempfile

from ..deadline import DeadlineExceeded, call_with_deadline
from ..protocol import RUN_FAILED_STATES, emit_run_log
from ..sdk.api import describe_error

TAIL_LINES = 100
MAX_LOG_BYTES = 20 * 1024 * 1024
DOWNLOAD_SECONDS = 20.0
MAX_LINE_CHARS = 500


def output_tail(run, lines=TAIL_LINES, seconds=DOWNLOAD_SECONDS):
    """(last lines of output.log, None) or ([], why there are none)."""
    try:
        log = run.file("output.log")
        size = getattr(log, "size", None)
    except Exception as exc:
        # Run.file() is Files(names)[0]: IndexError when the run has no such file (wrapped in a
        # CommError by normalize_exceptions on 0.2x)
        if isinstance(exc, IndexError) or "list index out of range" in str(exc):
            return [], "W&B has no output.log for the run"
        return [], f"reading its output.log failed: {describe_error(exc)}"
    if size is not None and int(size) > MAX_LOG_BYTES:
        return (
            [],
            f"its output.log is {int(size) / 1024 / 1024:.0f} MB, too large to fetch here: read it on the run's page",
        )
    folder = tempfile.mkdtemp(prefix="wandb-launch-log-")
    try:
        call_with_deadline(lambda: log.download(root=folder, replace=True).close(), seconds, "output-log")
    except DeadlineExceeded:
        # the download goes on in its thread: its folder is left to it
        return [], f"downloading its output.log took longer than {seconds:.0f}s"
    except Exception as exc:  # reported, never raised past the report
        shutil.rmtree(folder, ignore_errors=True)
        return [], f"downloading its output.log failed: {describe_error(exc)}"
    try:
        return last_lines(os.path.join(folder, "output.log"), lines), None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def last_lines(path, count, block=64 * 1024):
    """The file's last `count` lines, read from its end, each cut to MAX_LINE_CHARS."""
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        end = f.tell()
        data = b""
        while end > 0 and data.count(b"\n") <= count:
            start = max(0, end - block)
            f.seek(start)
            data = f.read(end - start) + data
            end = start
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
    # a progress bar's carriage returns: the line as it was last shown
    rows = [row.rsplit("\r", 1)[-1] for row in text.split("\n")]
    if rows and rows[-1] == "":
        rows.pop()
    return [row[:MAX_LINE_CHARS] for row in rows[-count:]]


def report_run_log(run, run_id, state):
    """After a run ended badly (a state in which its own output says why; killed by our cancel or
    timeout is not asked): one run_log event with its output.log tail (or why there is none)."""
    if run is None or state not in RUN_FAILED_STATES:
        return
    lines, note = output_tail(run)
    emit_run_log(run_id=run_id, lines=lines, note=note)

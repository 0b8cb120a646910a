"""The local job's process and its output, in place of the SDK's reader thread.

`runner/local_container.py`'s `_thread_process_runner(run, args, work_dir, env)` (the same on
0.17.3 to 0.30) starts the job and copies its output 4 KiB at a time into one growing string,
printing each chunk as a line: quadratic, and lines split at every chunk. `stream_job_output()`
puts `run_job` in its place; local-process and local-container (docker) both run through it.
What stays as the SDK had it: the job's stdout and stderr in one stream, the process in
`run._command_proc` (so `run.id` is its PID), a cancel before the start never starts it, and a
cancel flag set while it runs terminates it. The output goes to fd 1 of the moment, which is the
log (stderr) or, once an asynchronous run's action has left, its log file.
"""

from __future__ import annotations

import os
import sys

from .job_output import JobOutput

READ_BYTES = 64 * 1024


def stream_job_output():
    """Replace the SDK's reader where its shape is the one read above; else leave it alone."""
    from wandb.sdk.launch.runner import local_container

    original = getattr(local_container, "_thread_process_runner", None)
    run_class = getattr(local_container, "LocalSubmittedRun", None)
    if original is None or run_class is None or not hasattr(run_class, "set_command_proc"):
        return False
    local_container._thread_process_runner = run_job
    return True


def write_to_log(data):
    """All of data to fd 1; once the reader of the log is gone, the output is dropped (the job
    must not block on a full pipe)."""
    view = memoryview(data)
    while view:
        try:
            written = os.write(1, view)
        except InterruptedError:
            continue
        except OSError:
            return
        view = view[written:]


def run_job(run, args, work_dir, env):
    from wandb.sdk.launch.runner import local_container

    if run._terminate_flag:  # cancelled before the job started
        return
    # Through the module's own subprocess, so the session patch (local.patches) applies.
    process = local_container.subprocess.Popen(
        args,
        close_fds=True,
        stdout=local_container.subprocess.PIPE,
        stderr=local_container.subprocess.STDOUT,
        bufsize=0,
        cwd=work_dir,
        env=env,
    )
    output = JobOutput(write_to_log)
    run._job_output = output
    run.set_command_proc(process)
    try:
        sys.stdout.flush()  # what the SDK printed before stays before the job's first line
    except Exception:
        pass
    fd = process.stdout.fileno()
    terminated = False
    while True:
        if run._terminate_flag and not terminated:
            process.terminate()
            terminated = True
        try:
            chunk = os.read(fd, READ_BYTES)
        except InterruptedError:
            continue
        if not chunk:
            break
        output.feed(chunk)
    output.close()
    process.stdout.close()
    run._stdout = "\n".join(output.tail())  # what the SDK's get_logs() returns: the tail, not all


def job_output_of(run):
    """The JobOutput of a local run started by run_job, or None (other runs, or the SDK's reader)."""
    return getattr(run, "_job_output", None)

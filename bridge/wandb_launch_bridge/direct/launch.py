"""Direct mode: launch() through the SDK, report the run, then wait for its end (synchronous) or
report its first state and, for a local job, hand its output to a log file (asynchronous)."""

from __future__ import annotations

import asyncio
import os
import signal
import time

from ..after_run.finish import finish
from ..cancel import LaunchCancelled, cancel
from ..deadline import Budget
from ..local.job_output import TAIL_LINES
from ..local.job_runner import job_output_of
from ..local.patches import LOCAL_RESOURCES, prepare_local_jobs
from ..local.run_end import settle_for
from ..local.subreaper import become_subreaper, children, end_escaped
from ..protocol import CANCEL_SECONDS, UNCONFIRMED, Launch, Progress, Request, detach_channel, emit_result
from ..protocol import emit_submitted as emit_submitted_event
from ..sdk.api import make_api
from ..sdk.fast_start import resume_collector
from ..sdk.patches import track_runs_and_project, tracked
from .remote_watch import RemoteWatch
from .wait import cancel_run, live_job_groups, local_job_process, state_of, wait_for_end


def launch_and_follow(request: Request) -> None:
    launch = request.launch
    resource = request.resource

    from wandb.sdk.launch import launch as sdk_launch

    track_runs_and_project()
    prepare_local_jobs(resource)
    cancel.job_groups = lambda: live_job_groups(tracked["runs"])
    api = make_api()
    # Linux: what leaves the job's process group comes back to the bridge and is ended with the job
    subreaping = resource in LOCAL_RESOURCES and request.synchronous and become_subreaper()
    before = set(children())
    cancel.phase = "launch"
    started = time.monotonic()
    try:
        if cancel.requested:
            raise LaunchCancelled()
        # Always asynchronous in the SDK: the bridge does the waiting, with a deadline and cancel.
        run = sdk_launch(api, **{**launch.sdk_arguments(), "synchronous": False})
        cancel.phase = "wait"  # inside the try: a signal between the two lines is still handled
    except LaunchCancelled:
        abandon_launch(launch, started)
        return

    emit_submitted(run, launch, started)
    resume_collector()
    if request.synchronous:
        watch = None if resource in LOCAL_RESOURCES else remote_watch(launch, request.progress)
        wait_and_report(run, launch, request, api, watch, before if subreaping else None)
    else:
        report_and_leave_running(run, request, resource)


def abandon_launch(launch, started):
    """The run may exist already (the SDK had started the job): stop it and say which it was."""
    cancel.phase = "stopping"
    runs = list(tracked["runs"])
    if runs:
        emit_submitted(runs[-1], launch, started)
    budget = Budget(CANCEL_SECONDS)  # shared by the runs' cancels
    ended = [asyncio.run(cancel_run(r, budget)) for r in runs]
    cancel_errors = [error for _, error in ended if error]
    state = UNCONFIRMED if any(s == UNCONFIRMED for s, _ in ended) else "stopped" if runs else None
    emit_result(
        state=state,
        cancelled=True,
        timed_out=False,
        submitted=bool(runs),
        cancel_error="; ".join(cancel_errors) or None,
    )


def wait_and_report(run, launch: Launch, request: Request, api, watch=None, keep_children=None):
    timeout = request.timeout_seconds
    deadline = None if timeout is None else time.monotonic() + float(timeout)
    state, cancel_error = asyncio.run(wait_for_end(run, deadline, watch))
    cancel.wake = None
    if keep_children is not None:  # the job has ended: so does what it left behind
        job = local_job_process(run)
        end_escaped(keep_children | ({job.pid} if job is not None else set()))
    finish_output(run)
    run_id, entity, project = run_target(launch)
    warnings = []
    # 0.2x's LaunchApi is a public Api: reading with it costs no second client (nor its log line).
    public_api = api if hasattr(api, "run") and hasattr(api, "runs") else None
    proc = local_job_process(run)  # a local run: its exit code says why it failed
    output = job_output_of(run)  # and its own last lines, without the SDK's and the bridge's
    result = dict(
        state=state,
        cancelled=cancel.reason == "cancelled",
        timed_out=cancel.reason == "timeout",
        submitted=True,
        cancel_error=cancel_error,
        backend_id=None if run.id is None else str(run.id),
        exit_code=None if proc is None else proc.returncode,
        job_tail=None if output is None else output.tail(TAIL_LINES),
    )
    finish(
        request,
        entity=entity,
        project=project,
        run_id=run_id,
        public_api=public_api,
        result=result,
        settle=settle_for(state, warnings),
        warnings=warnings,
        run_log=watch.load if watch is not None and cancel.reason is None else None,
    )


def report_and_leave_running(run, request: Request, resource: str) -> None:
    state = state_of(asyncio.run(run.get_status()))
    emit_result(
        state=state,
        cancelled=False,
        timed_out=False,
        submitted=True,
        cancel_error=None,
        backend_id=None if run.id is None else str(run.id),
    )
    if resource in LOCAL_RESOURCES and request.detached_log:
        detach_channel()
        detach_logs(request.detached_log)
        # Signals from here on belong to the job's own lifetime, not to the finished action.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)


def remote_watch(launch: Launch, progress: Progress) -> RemoteWatch:
    """A run on kubernetes, sagemaker or vertex: followed on W&B as well (RemoteWatch)."""
    run_id, entity, project = run_target(launch)
    return RemoteWatch(entity, project, run_id, progress)


def run_target(launch: Launch):
    """The run's ID, entity and project as the SDK resolved them; the request's where it did not."""
    project = tracked["project"]
    return (
        getattr(project, "run_id", None) or launch.run_id,
        getattr(project, "target_entity", None) or launch.entity,
        getattr(project, "target_project", None) or launch.project,
    )


def emit_submitted(run, launch: Launch, started: float) -> None:
    run_id, entity, project = run_target(launch)
    emit_submitted_event(
        run_id=run_id,
        backend_id=wait_for_backend_id(run),
        entity=entity,
        project=project,
        run_type=type(run).__name__,
        launch_seconds=round(time.monotonic() - started, 3),
    )


def wait_for_backend_id(run, seconds=5.0):
    """A local run's id (the job's PID) is empty until the runner thread has started the job."""
    deadline = time.monotonic() + seconds
    thread = getattr(run, "_thread", None)
    while run.id is None and thread is not None and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.005)
    return None if run.id is None else str(run.id)


def finish_output(run):
    """Let the SDK's reader thread print the job's last lines before the result is reported."""
    thread = getattr(run, "_thread", None)
    if thread is not None:
        thread.join(timeout=5)


def detach_logs(path):
    """Asynchronous local run: the job outlives the action, so its output goes to a file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)

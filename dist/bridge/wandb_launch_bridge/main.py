"""The bridge's life, top-down: read the request, check the SDK (most of it before `import wandb`),
import it, and hand over to one mode: direct (launch() here), queue (push onto a Launch queue),
attach (follow a run launched before) or promote (link the model of a run that passed). Whatever
ends the launch becomes one `error` event with its kind (errors.classify). The protocol (stdin,
stdout's events, stderr, signals) is protocol.py's.
"""

from __future__ import annotations

import atexit
import os
import sys
from typing import Any

from .cancel import LaunchCancelled, handle_signals
from .deadline import run_exit_hooks
from .errors import classify
from .preflight.docker_check import DockerCheck
from .preflight.sdk_version import (
    MIN_WANDB,
    check_before_import,
    report_missing,
    report_unsatisfied,
    version_tuple,
    wandb_problem,
)
from .preflight.server_probe import ServerProbe
from .protocol import (
    MIN_WANDB_VERSION,
    Request,
    emit_result,
    emit_sdk,
    emit_submitted,
    fail,
    flush_channel,
    is_detached,
    open_channel,
    read_request,
)
from .sdk.api import base_url
from .sdk.fast_start import (
    pause_collector,
    poll_port_file_quickly,
    resume_collector,
    skip_field_docstrings,
    start_in_background,
)
from .sdk.job_lookup import look_for_job
from .sdk.patches import tracked


def needs_docker(request: Request) -> bool:
    """Direct mode on local-container builds and runs the job with Docker here (attach, queue and
    promote mode launch nothing here)."""
    return not (request.queue or request.attach or request.promote) and request.resource == "local-container"


def stdin_from_devnull() -> None:
    """Once the request is read, fd 0 is /dev/null for all the bridge starts (the job's `bash -c`,
    docker, git). Node's pipes are sockets, and bash, finding a socket on stdin, takes itself for
    a remote shell and runs ~/.bashrc: the job would get whatever PATH that file makes (pyenv's
    shims, on one of our machines, for 0.17 s per start) instead of the step's."""
    fd = os.open(os.devnull, os.O_RDONLY)
    os.dup2(fd, 0)
    os.close(fd)


def own_site_packages_first() -> None:
    """In the action's virtualenv its own packages win over PYTHONPATH, which may hold the very
    wandb that was found unsuitable."""
    import site

    own = [p for p in site.getsitepackages() if p in sys.path]
    sys.path[:] = own + [p for p in sys.path if p not in own]


def main() -> int:
    pause_collector()  # until the run is submitted (fast_start)
    open_channel()
    handle_signals()
    try:
        return serve_request()
    except LaunchCancelled:
        # A signal before anything was launched (the SDK's login, the job's fetch, the queue's
        # checks): nothing to stop, and no answer from the server is worth waiting for.
        emit_result(state=None, cancelled=True, timed_out=False, submitted=False, cancel_error=None)
        return 0


def serve_request() -> int:
    try:
        request = read_request(sys.stdin)
    except Exception as exc:  # not JSON, or not the request the action sends
        fail("bad_request", f"the bridge could not read its request: {exc}", exc)
        return 2
    stdin_from_devnull()

    # Sent by actions that set the SDK up themselves: with it, an unsuitable wandb is reported as
    # wandb_unsatisfied (and a missing one with the interpreter's version) before any launch.
    requirement = request.wandb_requirement
    if request.own_site_packages_first:
        own_site_packages_first()
    if requirement is not None:
        code = check_before_import(request, requirement)
        if code is not None:
            return code

    # Started before the SDK's import, which they overlap: on the warm path they cost nothing.
    probe = ServerProbe(base_url())
    docker = DockerCheck() if needs_docker(request) else None

    skip_field_docstrings()
    try:
        import wandb
    except ImportError as exc:
        return report_missing(exc)
    version = getattr(wandb, "__version__", "0")
    if requirement is not None:
        problem = wandb_problem(version, requirement)
        if problem:
            report_unsatisfied(version, problem, requirement)
            return 0
    emit_sdk(python=sys.executable, python_version=sys.version.split()[0], wandb_version=version)
    if version_tuple(version) < MIN_WANDB:
        fail("wandb_too_old", f"wandb {version} is installed; {MIN_WANDB_VERSION} or newer is needed")
        return 0
    unreachable = probe.unreachable()
    if unreachable:
        fail("server_unreachable", f"could not reach {base_url()}: {unreachable}", detail={"reason": unreachable})
        return 0
    no_docker = docker.unavailable() if docker else None
    if no_docker:
        fail("docker_unavailable", no_docker, detail={})
        return 0
    poll_port_file_quickly()  # before anything starts wandb-core
    start_in_background()  # wandb-core starts while the launch modules import

    try:
        if request.promote:
            from .after_run.promote import promote_and_report

            promote_and_report(request)
            return 0
        from .follow import provenance

        # a run attached to keeps the provenance of its launch, if it has one
        provenance.start(github_of(request), only_if_absent=request.attach is not None)
        if request.attach:
            from .follow.attach import follow_attached

            resume_collector()
            follow_attached(request)
        elif request.reuse and reuse_earlier_run(request):
            pass
        elif request.queue:
            from .queue.mode import enqueue_and_follow

            resume_collector()  # the heavy imports are done; following a queue item can take hours
            enqueue_and_follow(request)
        else:
            from .direct.launch import launch_and_follow

            launch_and_follow(request)
    except Exception as exc:
        report_failure(exc, request)
    return 0


def github_of(request: Request) -> dict[str, Any] | None:
    """The run's config.github from the request's provenance, or None: nothing is written."""
    return None if request.provenance is None else request.provenance.as_config()


def reuse_earlier_run(request: Request) -> bool:
    """reuse: an earlier run of this launch on this commit, judged (finished) or followed (live)
    instead of launching; False: launch."""
    import wandb

    from .follow import provenance
    from .follow.attach import follow_reused
    from .follow.reuse import announce, look_for_reusable

    public_api = wandb.Api()
    found = look_for_reusable(request, public_api)
    if found is None:
        return False
    _how, run, entity, project = found
    provenance.start(github_of(request), only_if_absent=True)  # it keeps that of its own launch
    announce(run, entity, project)
    resume_collector()
    if request.synchronous:
        follow_reused(request, public_api, f"{entity}/{project}/{run.id}", run)
    else:
        emit_submitted(
            run_id=run.id, backend_id=None, entity=entity, project=project, run_type="reused", launch_seconds=0
        )
        emit_result(state=run.state, cancelled=False, timed_out=False, submitted=True, cancel_error=None)
    return True


def report_failure(exc: BaseException, request: Request) -> None:
    """The error event for an exception that ended the launch: its kind, the SDK's message, and
    for a job the SDK could not fetch, a second look at what is there."""
    kind, detail = classify(exc)
    launch = request.launch
    if kind == "launch_error" and tracked.get("job_fetch_failed") and launch.job:
        try:
            import wandb

            public_api = wandb.Api()
            entity = launch.entity or getattr(public_api, "default_entity", None)
            found = look_for_job(public_api, launch.job, entity, launch.project)
        except Exception:
            found = None
        if found is not None:
            kind, detail = found.kind, found.detail
    fail(kind, f"{exc}".strip() or type(exc).__name__, exc, detail={"base_url": base_url(), **detail})


def leave(code: int) -> None:
    """Exit once the exit hooks (wandb-core's teardown) have run. Python's own finalization of the
    SDK's large module graph takes ~0.15 s and does nothing the action needs, so it is skipped;
    the exit hooks get a deadline (a dead server must not hold the exit). Except while an
    asynchronous local run's reader thread must keep this process alive."""
    if is_detached():
        sys.exit(code)
    run_exit_hooks(atexit._run_exitfuncs)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    flush_channel()
    os._exit(code)


def run() -> None:
    """The whole life of the bridge process: serve the one request, then exit."""
    leave(main())

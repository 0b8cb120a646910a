"""Bridge between the wandb-launch-action (Node) and the W&B Launch SDK: the entry point.

Protocol, so that nothing is ever read back from log text:
- stdin: one JSON request (see src/request.ts, BridgeRequest).
- stdout: JSON lines, one per event (sdk, submitted, result, error). Before the SDK is imported,
  stdout is moved to a private descriptor and fd 1 is pointed at stderr, so everything the SDK
  or the job prints lands in the log stream and can never forge an event (bridge_events.py).
- stderr: the SDK's and the job's own output, streamed live.
- SIGTERM / SIGINT: cancel. Before the run exists the launch is abandoned; afterwards the run is
  cancelled through the SDK and, for local runs, the job's process group is terminated.
  Queue mode (queue_mode.py): a waiting queue item is removed, a started run is stopped.
The API key arrives in the environment (WANDB_API_KEY), never in the request.
This file reads the request, checks the SDK, and hands over to direct_launch.py, queue_mode.py or
attach.py (follow a run launched before).
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import traceback

from .protocol import LaunchCancelled, emit, fail, flush_channel, handle_signals, is_detached, open_channel
from .deadline import run_exit_hooks
from .errors import DockerCheck, ServerProbe, base_url, report_failure
from .sdk.heap import pause_collector, resume_collector
from .sdk.patches import skip_field_docstrings
from .preflight.sdk_version import MIN_WANDB, installed_wandb_version, missing_modules, version_tuple, wandb_problem
from .sdk.fast_start import poll_port_file_quickly, start_in_background


def launch_resource(request):
    return (request.get("launch") or {}).get("resource") or "local-container"


def needs_docker(request):
    """Direct mode on local-container builds and runs the job with Docker here (attach and queue
    mode launch nothing here)."""
    return not (request.get("queue") or request.get("attach")) and launch_resource(request) == "local-container"


def report_unsatisfied(version, problem, requirement, kind="wandb_unsatisfied"):
    """Nothing was launched: the action may install a satisfying wandb and start the bridge again."""
    print(f"{problem} for {sys.executable}: nothing was launched", file=sys.stderr, flush=True)
    emit("error", kind=kind, message=problem, exception_type=None, traceback=None,
         python=sys.executable, python_version=sys.version.split()[0], wandb_version=version,
         requirement=requirement, base_python=base_python())


def report_missing(exc):
    emit("sdk", python=sys.executable, python_version=sys.version.split()[0], wandb_version=None)
    print(f"wandb is not installed for {sys.executable}: nothing was launched", file=sys.stderr, flush=True)
    emit("error", kind="wandb_missing", message=f"{exc}" if exc else "No module named 'wandb'",
         exception_type=type(exc).__name__ if exc else None,
         traceback="".join(traceback.format_exception(type(exc), exc, exc.__traceback__)) if exc else None,
         python=sys.executable, python_version=sys.version.split()[0], base_python=base_python())
    return 0


def stdin_from_devnull():
    """Once the request is read, fd 0 is /dev/null for all the bridge starts (the job's `bash -c`,
    docker, git). Node's pipes are sockets, and bash, finding a socket on stdin, takes itself for
    a remote shell and runs ~/.bashrc: the job would get whatever PATH that file makes (pyenv's
    shims, on one of our machines, for 0.17 s per start) instead of the step's."""
    fd = os.open(os.devnull, os.O_RDONLY)
    os.dup2(fd, 0)
    os.close(fd)


def own_site_packages_first():
    """In the action's virtualenv its own packages win over PYTHONPATH, which may hold the very
    wandb that was found unsuitable."""
    import site

    own = [p for p in site.getsitepackages() if p in sys.path]
    sys.path[:] = own + [p for p in sys.path if p not in own]


def base_python():
    """The interpreter a virtualenv of the action's is built from: a venv's own base, not the venv."""
    return getattr(sys, "_base_executable", None) or sys.executable


def check_before_import(request, requirement):
    """Told by the metadata: an unsuitable or incomplete SDK is reported without importing it.
    Returns the exit code when nothing is to be launched, else None."""
    found = installed_wandb_version()
    if found is False:
        return report_missing(None)
    problem = wandb_problem(found, requirement) if found else None
    if problem:
        report_unsatisfied(found, problem, requirement)
        return 0
    missing = missing_modules(request.get("required_modules") or [])
    if missing:
        report_unsatisfied(found or None, f"{', '.join(missing)} not installed ({launch_resource(request)} needs "
                           f"{'it' if len(missing) == 1 else 'them'})", requirement, kind="packages_missing")
        return 0
    return None


def main():
    pause_collector()  # until the run is submitted (heap.py)
    open_channel()
    handle_signals()
    try:
        return serve_request()
    except LaunchCancelled:
        # A signal before anything was launched (the SDK's login, the job's fetch, the queue's
        # checks): nothing to stop, and no answer from the server is worth waiting for.
        emit("result", state=None, cancelled=True, timed_out=False, submitted=False, cancel_error=None)
        return 0


def serve_request():
    try:
        request = json.load(sys.stdin)
    except Exception as exc:
        fail("bad_request", f"the bridge could not read its request: {exc}", exc)
        return 2
    stdin_from_devnull()

    # Sent by actions that set the SDK up themselves: with it, an unsuitable wandb is reported as
    # wandb_unsatisfied (and a missing one with the interpreter's version) before any launch.
    requirement = request.get("wandb_requirement")
    if request.get("own_site_packages_first"):
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
    emit("sdk", python=sys.executable, python_version=sys.version.split()[0], wandb_version=version)
    if version_tuple(version) < MIN_WANDB:
        fail("wandb_too_old", f"wandb {version} is installed; 0.17.3 or newer is needed")
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
        if request.get("attach"):
            from .follow import attach

            resume_collector()
            attach.follow_attached(request)
        elif request.get("queue"):
            from .queue import mode as queue_mode

            resume_collector()  # the heavy imports are done; following a queue item can take hours
            queue_mode.enqueue_and_follow(request)
        else:
            from .direct import launch as direct_launch

            direct_launch.launch_and_follow(request)
    except Exception as exc:
        report_failure(exc, request)
    return 0


def leave(code):
    """Exit once the exit hooks (wandb-core's teardown) have run. Python's own finalization of the
    SDK's large module graph takes ~0.15 s and does nothing the action needs, so it is skipped;
    the exit hooks get a deadline (a dead server must not hold the exit); except while an asynchronous local run's reader thread must keep this process alive."""
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


def run():
    """The whole life of the bridge process: serve the one request, then exit."""
    leave(main())

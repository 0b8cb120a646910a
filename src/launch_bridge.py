"""Bridge between the wandb-launch-action (Node) and the W&B Launch SDK.

Protocol, so that nothing is ever read back from log text:
- stdin: one JSON request (see src/request.ts, BridgeRequest).
- stdout: JSON lines, one per event (sdk, submitted, result, error). Before the SDK is imported,
  stdout is moved to a private descriptor and fd 1 is pointed at stderr, so everything the SDK
  or the job prints lands in the log stream and can never forge an event.
- stderr: the SDK's and the job's own output, streamed live.
- SIGTERM / SIGINT: cancel. Before the run exists the launch is abandoned; afterwards the run is
  cancelled through the SDK and, for local runs, the job's process group is terminated.
  Queue mode (launch_queue.py): a waiting queue item is removed, a started run is stopped.
The API key arrives in the environment (WANDB_API_KEY), never in the request.
"""

from __future__ import annotations

import asyncio
import atexit
import gc
import json
import os
import signal
import sys
import time
import traceback

from sdk_requirement import MIN_WANDB, installed_wandb_version, missing_modules, version_tuple, wandb_problem

TERMINAL_STATES = ("finished", "failed", "stopped", "preempted")
LOCAL_RESOURCES = ("local-process", "local-container")
KILL_GRACE_SECONDS = 3.0

_events = None
_tracked = {"runs": [], "project": None, "detached": False}
_cancel = {"requested": False, "reason": None, "phase": "start", "wake": None}


class LaunchCancelled(BaseException):
    """Raised from the signal handler to abandon a launch that has no run yet."""


def emit(event, **fields):
    try:
        _events.write(json.dumps({"event": event, **fields}) + "\n")
        _events.flush()
    except (BrokenPipeError, ValueError, OSError):
        pass  # the action is gone; the run still gets cancelled or finishes on its own


def fail(kind, message, exc=None):
    detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)) if exc is not None else None
    emit("error", kind=kind, message=message, exception_type=type(exc).__name__ if exc else None, traceback=detail)


def launch_resource(request):
    return (request.get("launch") or {}).get("resource") or "local-container"


def report_unsatisfied(version, problem, requirement, kind="wandb_unsatisfied"):
    """Nothing was launched: the action may install a satisfying wandb and start the bridge again."""
    print(f"{problem} for {sys.executable}: nothing was launched", file=sys.stderr, flush=True)
    emit("error", kind=kind, message=problem, exception_type=None, traceback=None,
         python=sys.executable, python_version=sys.version.split()[0], wandb_version=version,
         requirement=requirement, base_python=base_python())


def on_signal(signum, _frame):
    if _cancel["requested"]:
        return  # a second signal must not abandon a cancel half-way
    _cancel["requested"] = True
    _cancel["reason"] = _cancel["reason"] or "cancelled"
    if _cancel["phase"] == "launch":
        raise LaunchCancelled()
    if _cancel["wake"] is not None:
        _cancel["wake"]()  # end the wait's sleep now, not at the next poll


def skip_field_docstrings():
    """Field docstrings only feed pydantic's JSON schema; wandb asks pydantic to extract them from
    source at import time, which costs about a third of `import wandb`. A launch needs none."""
    if os.environ.get("WANDB_LAUNCH_ACTION_FULL_IMPORT"):
        return
    try:
        from pydantic._internal import _fields
    except Exception:
        return  # another pydantic layout: import as usual
    if hasattr(_fields, "extract_docstrings_from_cls"):
        _fields.extract_docstrings_from_cls = lambda cls, use_inspect=False: {}


def make_api():
    # wandb >= 0.2x: LaunchApi; before that the internal Api had the same launch operations.
    try:
        from wandb.sdk.launch.api import LaunchApi
    except ImportError:
        from wandb.apis.internal import Api as LaunchApi
    return LaunchApi()


def prepare_sdk(resource):
    """Adjust the SDK where it misbehaves for a one-shot launch from CI (see README, 'SDK traps')."""
    from wandb.sdk.launch import loader
    from wandb.sdk.launch._project_spec import LaunchProject
    from wandb.sdk.launch.runner import abstract, local_container

    # Remember every run object and the launch project, so a cancel can reach a run that
    # launch() has not returned yet, and entity/project are read as the SDK resolved them.
    original_run_init = abstract.AbstractRun.__init__

    def tracking_init(self, *args, **kwargs):
        original_run_init(self, *args, **kwargs)
        _tracked["runs"].append(self)

    abstract.AbstractRun.__init__ = tracking_init

    original_fetch = LaunchProject.fetch_and_validate_project

    def tracking_fetch(self, *args, **kwargs):
        _tracked["project"] = self
        return original_fetch(self, *args, **kwargs)

    LaunchProject.fetch_and_validate_project = tracking_fetch

    if resource not in LOCAL_RESOURCES:
        return

    # The API key reaches local jobs through the environment they inherit, not as a
    # K=V word on a command line that any user can read from /proc. (0.2x: a LaunchProject
    # method; earlier releases: a function the runner modules import by name.)
    from wandb.sdk.launch.runner import local_process

    def without_key(get_env_vars_dict):
        def env_without_key(*args, **kwargs):
            env = get_env_vars_dict(*args, **kwargs)
            env.pop("WANDB_API_KEY", None)
            return env

        return env_without_key

    if hasattr(LaunchProject, "get_env_vars_dict"):
        LaunchProject.get_env_vars_dict = without_key(LaunchProject.get_env_vars_dict)
    for module in (local_process, local_container):
        if hasattr(module, "get_env_vars_dict"):
            module.get_env_vars_dict = without_key(module.get_env_vars_dict)

    original_docker_command = local_container.get_docker_command

    def docker_command_with_key_from_env(*args, **kwargs):
        cmd = original_docker_command(*args, **kwargs)
        return cmd[:3] + ["-e", "WANDB_API_KEY"] + cmd[3:]  # docker reads the value from its env

    local_container.get_docker_command = docker_command_with_key_from_env

    # The job gets a process group of its own, so a cancel can stop its whole tree and
    # nothing else of the launcher (such as the wandb-core service of 0.2x).
    if os.name == "posix":
        local_container.subprocess = _NewSessionSubprocess()

    if resource == "local-process":
        # launch() builds an image that local-process never uses; the SDK's own agent skips it.
        loader.builder_from_config = lambda *args, **kwargs: _NoImageBuilder()
        # Only prints a warning after a `pip freeze`; about half a second per launch.
        local_process.validate_wandb_python_deps = lambda *args, **kwargs: None


class _NoImageBuilder:
    async def build_image(self, *args, **kwargs):
        return "local-process:no-image"


class _NewSessionSubprocess:
    """Stands in for the subprocess module inside runner/local_container.py."""

    def __getattr__(self, name):
        import subprocess

        return getattr(subprocess, name)

    @staticmethod
    def Popen(*args, **kwargs):  # noqa: N802 (mirrors subprocess.Popen)
        import subprocess

        kwargs.setdefault("start_new_session", True)
        return subprocess.Popen(*args, **kwargs)


def local_job_process(run):
    return getattr(run, "_command_proc", None)


def wait_for_backend_id(run, seconds=5.0):
    """A local run's id (the job's PID) is empty until the runner thread has started the job."""
    deadline = time.monotonic() + seconds
    thread = getattr(run, "_thread", None)
    while run.id is None and thread is not None and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.005)
    return None if run.id is None else str(run.id)


def state_of(status):
    return str(getattr(status, "state", status))


async def stop_local_job(run):
    """LocalSubmittedRun.cancel() only sets a flag read when the job next prints: end it ourselves."""
    thread = getattr(run, "_thread", None)
    deadline = time.monotonic() + 1.0
    while local_job_process(run) is None and thread is not None and thread.is_alive() and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    proc = local_job_process(run)
    if proc is None:
        return False
    signalled = False
    for sig, grace in ((signal.SIGTERM, KILL_GRACE_SECONDS), (signal.SIGKILL, 2.0)):
        if proc.poll() is not None and not group_alive(proc.pid):
            break
        try:
            os.killpg(proc.pid, sig) if os.name == "posix" else proc.send_signal(sig)
            signalled = True
        except (ProcessLookupError, PermissionError):
            pass
        end = time.monotonic() + grace
        while time.monotonic() < end:
            if proc.poll() is not None and not group_alive(proc.pid):
                break
            await asyncio.sleep(0.02)
    return signalled


def group_alive(pgid):
    if os.name != "posix":
        return False
    try:
        os.killpg(pgid, 0)
        return True
    except (ProcessLookupError, PermissionError):
        return False


async def cancel_run(run):
    """Cancel through the SDK, make sure a local job has ended, and report the state after."""
    cancel_error = None
    try:
        await run.cancel()
    except Exception as exc:  # reported, not fatal: the state below says what happened
        cancel_error = f"{type(exc).__name__}: {exc}"
    killed = await stop_local_job(run) if hasattr(run, "_terminate_flag") else False
    try:
        state = state_of(await run.get_status())
    except Exception as exc:
        state = "unknown"
        cancel_error = cancel_error or f"{type(exc).__name__}: {exc}"
    proc = local_job_process(run)
    if killed and proc is not None and (proc.returncode or 0) < 0:
        state = "stopped"  # the SDK calls any non-zero exit "failed"; this one was our signal
    return state, cancel_error


async def wait_for_end(run, deadline):
    """Poll get_status(): launch(synchronous=True) can sleep 5 s for nothing and takes no timeout."""
    local = hasattr(run, "_terminate_flag")
    interval, max_interval = (0.02, 0.05) if local else (1.0, 10.0)  # a local poll is one waitpid()
    woken = asyncio.Event()
    loop = asyncio.get_running_loop()
    _cancel["wake"] = lambda: loop.call_soon_threadsafe(woken.set)
    parent = os.getppid()
    while True:
        if os.getppid() != parent:  # the action was killed outright: stop the run, leave nothing
            _cancel["requested"], _cancel["reason"] = True, _cancel["reason"] or "cancelled"
        if _cancel["requested"]:
            return await cancel_run(run)
        if deadline is not None and time.monotonic() >= deadline:
            _cancel["requested"], _cancel["reason"] = True, "timeout"
            return await cancel_run(run)
        state = state_of(await run.get_status())
        if state in TERMINAL_STATES:
            return state, None
        pause = interval if deadline is None else max(0.0, min(interval, deadline - time.monotonic()))
        try:
            await asyncio.wait_for(woken.wait(), pause)
        except asyncio.TimeoutError:
            pass
        interval = min(interval * 1.5, max_interval)


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


def emit_submitted(run, launch, started):
    project = _tracked["project"]
    emit(
        "submitted",
        run_id=getattr(project, "run_id", None) or launch.get("run_id"),
        backend_id=wait_for_backend_id(run),
        entity=getattr(project, "target_entity", None) or launch.get("entity"),
        project=getattr(project, "target_project", None) or launch.get("project"),
        run_type=type(run).__name__,
        launch_seconds=round(time.monotonic() - started, 3),
    )


def launch_and_follow(request):
    launch = request["launch"]
    resource = launch.get("resource") or "local-container"

    from wandb.sdk.launch import launch as sdk_launch

    prepare_sdk(resource)
    api = make_api()
    _cancel["phase"] = "launch"
    started = time.monotonic()
    try:
        if _cancel["requested"]:
            raise LaunchCancelled()
        # Always asynchronous in the SDK: the bridge does the waiting, with a deadline and cancel.
        run = sdk_launch(api, **{**launch, "synchronous": False})
        _cancel["phase"] = "wait"  # inside the try: a signal between the two lines is still handled
    except LaunchCancelled:
        # The run may exist already (the SDK had started the job): stop it and say which it was.
        _cancel["phase"] = "stopping"
        runs = list(_tracked["runs"])
        if runs:
            emit_submitted(runs[-1], launch, started)
        cancel_errors = [error for error in (asyncio.run(cancel_run(r))[1] for r in runs) if error]
        emit("result", state="stopped" if runs else None, cancelled=True, timed_out=False,
             submitted=bool(runs), cancel_error="; ".join(cancel_errors) or None)
        return

    emit_submitted(run, launch, started)
    gc.enable()

    if request.get("synchronous", True):
        timeout = request.get("timeout_seconds")
        deadline = None if timeout is None else time.monotonic() + float(timeout)
        state, cancel_error = asyncio.run(wait_for_end(run, deadline))
        _cancel["wake"] = None
        finish_output(run)
        emit("result", state=state, cancelled=_cancel["reason"] == "cancelled",
             timed_out=_cancel["reason"] == "timeout", submitted=True, cancel_error=cancel_error,
             backend_id=None if run.id is None else str(run.id))
        return

    state = state_of(asyncio.run(run.get_status()))
    emit("result", state=state, cancelled=False, timed_out=False, submitted=True, cancel_error=None,
         backend_id=None if run.id is None else str(run.id))
    if resource in LOCAL_RESOURCES and request.get("detached_log"):
        _events.close()
        _tracked["detached"] = True
        detach_logs(request["detached_log"])
        # Signals from here on belong to the job's own lifetime, not to the finished action.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)


def enqueue_and_follow(request):
    """Queue mode (the request has a `queue`): see launch_queue.py, shipped beside this file."""
    import launch_queue

    gc.enable()  # the heavy imports are done; following a queue item can take hours
    launch_queue.enqueue_and_follow(request, launch_queue.Context(emit, _cancel, LaunchCancelled, make_api))


def report_missing(exc):
    emit("sdk", python=sys.executable, python_version=sys.version.split()[0], wandb_version=None)
    print(f"wandb is not installed for {sys.executable}: nothing was launched", file=sys.stderr, flush=True)
    emit("error", kind="wandb_missing", message=f"{exc}" if exc else "No module named 'wandb'",
         exception_type=type(exc).__name__ if exc else None,
         traceback="".join(traceback.format_exception(type(exc), exc, exc.__traceback__)) if exc else None,
         python=sys.executable, python_version=sys.version.split()[0], base_python=base_python())
    return 0


def own_site_packages_first():
    """In the action's virtualenv its own packages win over PYTHONPATH, which may hold the very
    wandb that was found unsuitable."""
    import site

    own = [p for p in site.getsitepackages() if p in sys.path]
    sys.path[:] = own + [p for p in sys.path if p not in own]


def base_python():
    """The interpreter a virtualenv of the action's is built from: a venv's own base, not the venv."""
    return getattr(sys, "_base_executable", None) or sys.executable


def main():
    global _events
    # Importing wandb builds hundreds of pydantic models; the cyclic collector would walk that
    # growing heap over and over for nothing (~0.1 s). It is back on once the run is submitted.
    gc.disable()
    _events = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, on_signal)

    try:
        request = json.load(sys.stdin)
    except Exception as exc:
        fail("bad_request", f"the bridge could not read its request: {exc}", exc)
        return 2

    # Sent by actions that set the SDK up themselves: with it, an unsuitable wandb is reported as
    # wandb_unsatisfied (and a missing one with the interpreter's version) before any launch.
    requirement = request.get("wandb_requirement")
    if request.get("own_site_packages_first"):
        own_site_packages_first()
    if requirement is not None:
        found = installed_wandb_version()
        if found is False:
            return report_missing(None)
        problem = wandb_problem(found, requirement) if found else None
        if problem:  # told by the metadata: no need to import the SDK to know
            report_unsatisfied(found, problem, requirement)
            return 0
        missing = missing_modules(request.get("required_modules") or [])
        if missing:
            report_unsatisfied(found or None, f"{', '.join(missing)} not installed ({launch_resource(request)} needs "
                               f"{'it' if len(missing) == 1 else 'them'})", requirement, kind="packages_missing")
            return 0

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
        fail("wandb_too_old", f"wandb {version} is installed; 0.17 or newer is needed")
        return 0

    try:
        if request.get("queue"):
            enqueue_and_follow(request)
        else:
            launch_and_follow(request)
    except LaunchCancelled:
        emit("result", state=None, cancelled=True, timed_out=False, submitted=False, cancel_error=None)
    except Exception as exc:
        fail("launch_error", f"{exc}" or type(exc).__name__, exc)
    return 0


def leave(code):
    """Exit once the exit hooks (wandb-core's teardown) have run. Python's own finalization of the
    SDK's large module graph takes ~0.15 s and does nothing the action needs, so it is skipped;
    except while an asynchronous local run's reader thread must keep this process alive."""
    if _tracked["detached"]:
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr, _events):
        try:
            stream.flush()
        except Exception:
            pass
    os._exit(code)


if __name__ == "__main__":
    leave(main())

# Mirrors wandb/sdk/launch/runner/local_container.py: LocalSubmittedRun (the same thread, flag
# and 5-second wait as the real one), _run_entry_point, get_docker_command, LocalContainerRunner.
import asyncio
import os
import shlex
import shutil
import subprocess
import threading

import wandb
from wandb._record import record

from ..utils import LOG_PREFIX, MAX_ENV_LENGTHS, PROJECT_SYNCHRONOUS
from .abstract import AbstractRun, AbstractRunner, Status


class LocalSubmittedRun(AbstractRun):
    def __init__(self):
        super().__init__()
        self._command_proc = None
        self._stdout = None
        self._terminate_flag = False
        self._thread = None

    def set_command_proc(self, command_proc):
        self._command_proc = command_proc

    def set_thread(self, thread):
        self._thread = thread

    @property
    def id(self):
        if self._command_proc is None:
            return None
        return str(self._command_proc.pid)

    async def wait(self):
        record("wait", run="local")  # the real wait can sleep 5 s: the bridge must never call it
        if self._command_proc is None:
            while self._thread.is_alive():
                await asyncio.sleep(5)  # the real SDK's stray sleep
                if self._command_proc is not None:
                    break
            else:
                return False
        return await asyncio.get_running_loop().run_in_executor(None, self._command_proc.wait) == 0

    async def cancel(self):
        record("cancel", run="local")
        self._terminate_flag = True  # only a flag, as in the real SDK

    async def get_status(self):
        if self._command_proc is None:
            return Status("running") if self._thread.is_alive() else Status("stopped")
        code = self._command_proc.poll()
        if code is None:
            return Status("running")
        return Status("finished") if code == 0 else Status("failed")


def _run_entry_point(command, work_dir):
    run = LocalSubmittedRun()
    thread = threading.Thread(
        target=_thread_process_runner,
        args=(run, [shutil.which("bash") or "sh", "-c", command], work_dir or os.getcwd(), os.environ.copy()),
    )
    run.set_thread(thread)
    thread.start()
    return run


def _thread_process_runner(run, args, work_dir, env):
    if run._terminate_flag:
        return
    process = subprocess.Popen(args, close_fds=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               universal_newlines=True, bufsize=1, cwd=work_dir, env=env)
    run.set_command_proc(process)
    run._stdout = ""
    while True:
        if run._terminate_flag:
            process.terminate()
        chunk = os.read(process.stdout.fileno(), 4096)
        if not chunk:
            break
        # as the real reader: the whole output kept in one string, each 4 KiB chunk printed as a
        # line of its own unless it holds a \r
        text = chunk.decode(errors="replace")
        run._stdout += text if b"\r" in chunk else text + "\r"
        print(text, end="" if b"\r" in chunk else "\r")


def get_docker_command(image, env_vars, entry_cmd=None, docker_args=None, additional_args=None):
    cmd = ["docker", "run", "--rm"]
    for key, value in env_vars.items():
        cmd += ["-e", f"{shlex.quote(key)}={shlex.quote(value)}"]
    if entry_cmd:
        cmd += ["--entrypoint", shlex.quote(str(entry_cmd[0]))]
    cmd += [shlex.quote(image)]
    if entry_cmd and len(entry_cmd) > 1:
        cmd += [shlex.quote(str(a)) for a in entry_cmd[1:]]
    if additional_args:
        cmd += [shlex.quote(str(a)) for a in additional_args]
    return cmd


class LocalContainerRunner(AbstractRunner):
    def __init__(self, api, backend_config, environment, registry):
        super().__init__(api, backend_config)

    async def run(self, launch_project, image_uri):
        env_vars = launch_project.get_env_vars_dict(self._api, MAX_ENV_LENGTHS["LocalContainerRunner"])
        entry = launch_project.override_entrypoint or launch_project.get_job_entry_point()
        command_str = " ".join(get_docker_command(image_uri, env_vars, entry_cmd=entry.command,
                                                  additional_args=launch_project.override_args))
        wandb.termlog(f"{LOG_PREFIX}Launching run in docker with command: {command_str}")
        run = _run_entry_point(command_str, launch_project.project_dir)
        if self.backend_config[PROJECT_SYNCHRONOUS]:
            await run.wait()
        return run

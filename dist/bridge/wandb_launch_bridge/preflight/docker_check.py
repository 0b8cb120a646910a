"""Docker: local-container needs a daemon; without one the SDK prints a whole docker build."""

from __future__ import annotations

import shutil
import subprocess
import threading


class DockerCheck:
    """`docker info` in a thread, started with the probe. Its answer is read before launch()."""

    def __init__(self):
        self.problem = None
        self.done = threading.Event()
        threading.Thread(target=self._run, name="wandb-launch-docker", daemon=True).start()

    def _run(self):
        try:
            if shutil.which("docker") is None:
                self.problem = "docker is not on PATH"
                return
            try:
                r = subprocess.run(
                    ["docker", "info", "--format", "{{.ServerVersion}}"],
                    stdin=subprocess.DEVNULL,
                    capture_output=True,
                    text=True,
                    timeout=10,
                )
            except subprocess.TimeoutExpired:
                self.problem = "`docker info` did not answer within 10 s"
                return
            if r.returncode != 0:
                said = " ".join((r.stderr or r.stdout).strip().splitlines()[-2:])
                self.problem = f"`docker info` failed: {said}" if said else f"`docker info` exited {r.returncode}"
        except Exception as exc:
            self.problem = f"`docker info` could not run: {exc}"
        finally:
            self.done.set()

    def unavailable(self):
        self.done.wait(12)
        return self.problem

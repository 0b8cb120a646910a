"""The server probe: a connection failure is told within seconds, not after the SDK's 20 s."""

from __future__ import annotations

import os
import threading
import time

from ..errors import chain, type_names

PROBE_SECONDS = 4.0


def connection_problem(exc):
    """How a connection failed, in plain words, from the exception types in the chain."""
    import socket
    import ssl

    names = type_names(exc)
    for e in chain(exc):
        if isinstance(e, socket.gaierror) or type(e).__name__ == "NameResolutionError":
            return "the host name does not resolve (DNS)"
        if isinstance(e, ssl.SSLError) or type(e).__name__ == "SSLError":
            return f"TLS failed: {e}"
        if isinstance(e, ConnectionRefusedError):
            return "connection refused"
    if any(n in ("ConnectTimeout", "ConnectTimeoutError") for n in names):
        return f"no answer within {PROBE_SECONDS:.0f} s"
    if any(n in ("ConnectionError", "NewConnectionError", "MaxRetryError") for n in names):
        return "could not connect"
    return None


class ServerProbe:
    """One plain HTTP request to base_url in a thread, started before `import wandb`: any HTTP
    answer means the server is reachable; a refused connection, an unknown host, a TLS failure or
    a connect timeout means the SDK cannot reach it either."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.problem = None
        self.done = threading.Event()
        self.started = time.monotonic()
        if os.environ.get("WANDB_LAUNCH_ACTION_NO_PROBE"):  # the fake SDK's tests: no server to probe
            self.done.set()
            return
        # Imported here, before the thread, never beside `import wandb`: with Debian's urllib3 1.26
        # the import goes through six's meta path importer, which imports while holding the
        # global import lock, and the two threads' imports deadlocked (1 launch in 8, wandb 0.18.7).
        try:
            import requests  # noqa: F401 (the SDK's own HTTP client: same CA bundle and proxy settings)
        except ImportError:
            self.done.set()
            return
        threading.Thread(target=self._run, name="wandb-launch-probe", daemon=True).start()

    def _run(self):
        import requests

        try:
            try:
                requests.head(self.base_url, timeout=(PROBE_SECONDS, PROBE_SECONDS), allow_redirects=False)
            except requests.exceptions.ReadTimeout:
                pass  # connected: a slow answer is the server's business
            except Exception as exc:
                self.problem = connection_problem(exc)
        finally:
            self.done.set()

    def unreachable(self):
        """The connection problem, waiting at most until PROBE_SECONDS (+ a little) after the start."""
        self.done.wait(max(0.0, self.started + PROBE_SECONDS + 0.5 - time.monotonic()))
        return self.problem

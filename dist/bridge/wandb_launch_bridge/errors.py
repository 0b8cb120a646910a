"""What went wrong, in kinds the action turns into a cause and a fix (src/failure-messages.ts).

The bridge knows the exception types, so the classification is done here, never by reading log
text: wandb's AuthenticationError / CommError, requests' connection errors, HTTP statuses, and
the runners' configuration errors. Each kind comes with the SDK's own message and a few facts
(`detail`) the action needs to word the fix.

Kinds: auth_rejected, server_unreachable, server_error, job_not_found, docker_unavailable,
runner_not_configured; anything else stays launch_error.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time

from .sdk.api import is_transient

PROBE_SECONDS = 4.0


class ClassifiedError(Exception):
    """A failure whose kind is already known where it is raised (queue checks, probes)."""

    def __init__(self, kind, message, **detail):
        super().__init__(message)
        self.kind = kind
        self.detail = detail


def chain(exc):
    """The exception and everything it was raised from or while handling, outermost first."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__ or getattr(exc, "exc", None)


def http_status(exc):
    """The HTTP status of a requests error anywhere in the chain (CommError keeps it in .exc)."""
    for e in chain(exc):
        response = getattr(e, "response", None)
        status = getattr(response, "status_code", None)
        if isinstance(status, int):
            return status
    return None


def type_names(exc):
    return [type(e).__name__ for e in chain(exc)]


# The runners' own errors when their cloud client has no configuration or credentials.
RUNNER_CONFIG_ERRORS = {
    "ConfigException": "no Kubernetes configuration (kubeconfig or in-cluster service account)",
    "NoCredentialsError": "no AWS credentials",
    "NoRegionError": "no AWS region",
    "PartialCredentialsError": "incomplete AWS credentials",
    "DefaultCredentialsError": "no Google Cloud credentials",
}


def classify(exc):
    """(kind, detail) for an exception that ended the launch."""
    if isinstance(exc, ClassifiedError):
        return exc.kind, exc.detail
    names = type_names(exc)
    status = http_status(exc)
    if "AuthenticationError" in names or status == 401:
        return "auth_rejected", {"status": status}
    for name in names:
        if name in RUNNER_CONFIG_ERRORS:
            return "runner_not_configured", {"what": RUNNER_CONFIG_ERRORS[name]}
    if (status is not None and status >= 500) or api_trouble(exc):
        return "server_error", {"status": status}
    return "launch_error", {}


# The API clients' own errors; other exceptions (a docker build's, say) may mention "network"
# without the server being at fault, so only these are asked whether they were transient.
API_ERROR_TYPES = ("CommError", "WandbApiFailedError", "TransportQueryError")


def api_trouble(exc):
    for e in chain(exc):
        module = type(e).__module__ or ""
        if (type(e).__name__ in API_ERROR_TYPES or module.startswith(("requests", "urllib3"))) and is_transient(e):
            return True
    return False


# --- the server probe: connection failures are told within seconds, not after the SDK's 20 s ---

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


# --- Docker: local-container needs a daemon; without one the SDK prints a whole docker build ---

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
                r = subprocess.run(["docker", "info", "--format", "{{.ServerVersion}}"],
                                   stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=10)
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


# --- a job that was not found: where it was looked for, and what is there ---

JOB_ALIASES_QUERY = """
query LaunchActionJobVersions($entityName: String!, $projectName: String!, $name: String!) {
    project(name: $projectName, entityName: $entityName) {
        artifactCollection(name: $name) {
            artifacts(first: 50) {
                edges { node { versionIndex aliases { alias } } }
            }
        }
    }
}
"""

JOB_NAMES_QUERY = """
query LaunchActionJobNames($entityName: String!, $projectName: String!) {
    project(name: $projectName, entityName: $entityName) {
        artifactType(name: "job") {
            artifactCollections(first: 200) {
                edges { node { name } }
            }
        }
    }
}
"""


def split_job(job, default_entity):
    """entity, project, name, alias of a job reference (entity/project/name:alias, parts optional)."""
    path, _, alias = job.partition(":")
    parts = path.split("/")
    name = parts[-1]
    project = parts[-2] if len(parts) >= 2 else None
    entity = parts[-3] if len(parts) >= 3 else default_entity
    return entity, project, name, alias or "latest"


def close_names(name, names, limit=5):
    import difflib

    return difflib.get_close_matches(name, names, n=limit, cutoff=0.6)


def look_for_job(public_api, job, entity, project, sleep=time.sleep):
    """After the SDK said the job was not found: look again, and say what is there. Returns a
    ClassifiedError (job_not_found or server_error), or None when the job is there after all."""
    from .sdk.api import graphql, with_retries

    j_entity, j_project, name, alias = split_job(job, entity)
    j_project = j_project or project
    where = {"entity": j_entity, "project": j_project, "name": name, "alias": alias}
    getter = getattr(public_api, "_artifact", None) or public_api.artifact
    try:
        with_retries(lambda: getter(f"{j_entity}/{j_project}/{name}:{alias}", type="job"), sleep, attempts=3)
        return None
    except Exception as exc:
        if is_transient(exc) or (http_status(exc) or 0) >= 500:
            return ClassifiedError("server_error", f"{exc}", status=http_status(exc))
    detail = dict(where, aliases=[], close=[])
    deadline = time.monotonic() + 5.0  # best effort: the failure is reported either way

    def ask(query, variables):
        if time.monotonic() > deadline:
            return {}
        try:
            return graphql(public_api, query, variables) or {}
        except Exception:
            return {}

    variables = {"entityName": j_entity, "projectName": j_project}
    versions = ((ask(JOB_ALIASES_QUERY, {**variables, "name": name}).get("project") or {})
                .get("artifactCollection") or {}).get("artifacts") or {}
    aliases = []
    for edge in versions.get("edges") or []:
        node = edge.get("node") or {}
        for a in [f"v{node.get('versionIndex')}"] + [x.get("alias") for x in node.get("aliases") or []]:
            if a and a != "vNone" and a not in aliases:
                aliases.append(a)
    detail["aliases"] = aliases[:20]
    if not aliases:
        collections = ((ask(JOB_NAMES_QUERY, variables).get("project") or {}).get("artifactType") or {}) \
            .get("artifactCollections") or {}
        names = [(e.get("node") or {}).get("name") for e in collections.get("edges") or []]
        detail["close"] = close_names(name, [n for n in names if n])
    return ClassifiedError("job_not_found", "", **detail)


def base_url():
    return os.environ.get("WANDB_BASE_URL") or "https://api.wandb.ai"


def report_failure(exc, request):
    """The error event for an exception that ended the launch: its kind, the SDK's message, and
    for a job the SDK could not fetch, a second look at what is there."""
    from .protocol import fail
    from .sdk.patches import tracked

    kind, detail = classify(exc)
    launch = request.get("launch") or {}
    if kind == "launch_error" and tracked.get("job_fetch_failed") and launch.get("job"):
        try:
            import wandb

            public_api = wandb.Api()
            entity = launch.get("entity") or getattr(public_api, "default_entity", None)
            found = look_for_job(public_api, launch["job"], entity, launch.get("project"))
        except Exception:
            found = None
        if found is not None:
            kind, detail = found.kind, found.detail
    fail(kind, f"{exc}".strip() or type(exc).__name__, exc, detail={"base_url": base_url(), **detail})

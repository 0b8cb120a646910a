"""What went wrong, in kinds the action turns into a cause and a fix (the action words them).

The bridge knows the exception types, so the classification is done here, never by reading log
text: wandb's AuthenticationError / CommError, requests' connection errors, HTTP statuses, and
the runners' configuration errors. Each kind comes with the SDK's own message and a few facts
(`detail`) the action needs to word the fix.

Kinds: auth_rejected, server_unreachable, server_error, job_not_found, docker_unavailable,
runner_not_configured; anything else stays launch_error. The checks before the launch
(preflight) and the second look at a missing job (sdk.job_lookup) raise ClassifiedError.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator

from .sdk.api import is_transient

Detail = Dict[str, Any]


class ClassifiedError(Exception):
    """A failure whose kind is already known where it is raised (queue checks, probes)."""

    def __init__(self, kind: str, message: str, **detail: Any) -> None:
        super().__init__(message)
        self.kind = kind
        self.detail: Detail = detail


class UserError(Exception):
    """A problem the user has to fix (a queue that does not exist, a template variable out of
    bounds, a run to attach to that is not there); its message is the step's error."""


def chain(exc: BaseException | None) -> Iterator[BaseException]:
    """The exception and everything it was raised from or while handling, outermost first."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__ or getattr(exc, "exc", None)


def http_status(exc: BaseException) -> int | None:
    """The HTTP status of a requests error anywhere in the chain (CommError keeps it in .exc)."""
    for e in chain(exc):
        response = getattr(e, "response", None)
        status = getattr(response, "status_code", None)
        if isinstance(status, int):
            return status
    return None


def type_names(exc: BaseException) -> list[str]:
    return [type(e).__name__ for e in chain(exc)]


# The runners' own errors when their cloud client has no configuration or credentials.
RUNNER_CONFIG_ERRORS: dict[str, str] = {
    "ConfigException": "no Kubernetes configuration (kubeconfig or in-cluster service account)",
    "NoCredentialsError": "no AWS credentials",
    "NoRegionError": "no AWS region",
    "PartialCredentialsError": "incomplete AWS credentials",
    "DefaultCredentialsError": "no Google Cloud credentials",
}


def classify(exc: BaseException) -> tuple[str, Detail]:
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


def api_trouble(exc: BaseException) -> bool:
    for e in chain(exc):
        module = type(e).__module__ or ""
        if (type(e).__name__ in API_ERROR_TYPES or module.startswith(("requests", "urllib3"))) and is_transient(e):
            return True
    return False

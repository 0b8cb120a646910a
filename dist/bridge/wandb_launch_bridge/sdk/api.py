"""The W&B API as the bridge calls it: the server's address, the SDK's launch and GraphQL
clients, retries of transient errors, and how an API error is worded."""

from __future__ import annotations

import os
import re
from typing import Any, Callable

LAUNCH_DEFAULT_PROJECT = "model-registry"  # wandb.sdk.launch.utils.LAUNCH_DEFAULT_PROJECT


def base_url():
    return os.environ.get("WANDB_BASE_URL") or "https://api.wandb.ai"


def make_api():
    # wandb >= 0.2x: LaunchApi; before that the internal Api had the same launch operations.
    try:
        from wandb.sdk.launch.api import LaunchApi
    except ImportError:
        from wandb.apis.internal import Api as LaunchApi
    return LaunchApi()


_TRANSIENT = re.compile(
    r"\b(429|500|502|503|504)\b|too many requests|bad gateway|service unavailable|gateway time-?out"
    r"|internal server error|timed? ?out|connection (refused|reset|aborted|error)|temporar|network"
    r"|remote end closed|max retries exceeded|name resolution",
    re.IGNORECASE,
)


def is_transient(exc):
    """Network trouble, 5xx and 429 are worth retrying; anything else (4xx, GraphQL errors) is not."""
    if isinstance(exc, (ConnectionError, TimeoutError)):
        return True
    seen = set()
    while exc is not None and id(exc) not in seen:  # CommError wraps the transport's exception
        seen.add(id(exc))
        if isinstance(exc, (ConnectionError, TimeoutError)) or _TRANSIENT.search(f"{type(exc).__name__}: {exc}"):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def lacks_field(exc):
    """The server refused a document for a field it does not have (an older W&B server): the
    words the SDK's own fallback matches (QueuedRun._get_item)."""
    return "Cannot query field" in str(exc)


def is_not_found(exc):
    return isinstance(exc, ValueError) or bool(re.search(r"could not find|not found", str(exc), re.IGNORECASE))


def graphql(api, query, variables):
    """The SDK's own GraphQL client: wandb-core's on 0.2x+, the gql client before."""
    service = getattr(api, "_service_api", None)
    if service is not None and hasattr(service, "execute_graphql"):
        return service.execute_graphql(query, variables)
    from wandb_gql import gql

    return api.client.execute(gql(query), variable_values=variables)


def with_retries(
    call: Callable[[], Any], sleep: Callable[[float], Any], attempts: int = 5, first_pause: float = 1.0
) -> Any:
    """Runs call(), retrying transient API errors a few times with a growing pause."""
    pause = first_pause
    for attempt in range(attempts):
        try:
            return call()
        except Exception as exc:
            if attempt == attempts - 1 or not is_transient(exc):
                raise
            sleep(pause)
            pause *= 2


def describe_error(exc):
    return f"{exc}" or type(exc).__name__

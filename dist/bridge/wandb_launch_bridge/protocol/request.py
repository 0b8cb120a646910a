"""The request the action sends on stdin, read once into frozen dataclasses. Fields the action
always sends are required; a missing, unknown or mistyped field is a BadRequest."""

from __future__ import annotations

import json
from dataclasses import MISSING, Field, dataclass, field, fields
from typing import IO, Any


class BadRequest(ValueError):
    """The request is not what the action sends: a field missing, unknown or of the wrong type."""


def _nested(cls: type) -> Any:
    return {"nested": cls}


@dataclass(frozen=True)
class Launch:
    """launch()'s (or launch_add()'s) arguments, by the SDK's own names."""

    run_id: str
    job: str | None = None
    entry_point: tuple[str, ...] | None = None
    version: str | None = None
    name: str | None = None
    resource: str | None = None  # absent only in queue mode: the queue's resource applies
    resource_args: dict[str, Any] | None = None
    project: str | None = None
    entity: str | None = None
    docker_image: str | None = None
    config: dict[str, Any] | None = None
    repository: str | None = None

    def sdk_arguments(self) -> dict[str, Any]:
        """The arguments the action gave, as keyword arguments for launch()."""
        given = {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}
        if self.entry_point is not None:
            given["entry_point"] = list(self.entry_point)
        return given


@dataclass(frozen=True)
class Queue:
    """Queue mode: launch_add()'s queue arguments, and how long an agent may take."""

    name: str
    priority: int | None = None
    template_variables: dict[str, Any] | None = None
    project_queue: str | None = None
    timeout_seconds: float | None = None


@dataclass(frozen=True)
class Progress:
    """How a followed run is reported while it runs: heartbeats (0: none) with these summary keys."""

    interval_seconds: float
    metrics: tuple[str, ...]


@dataclass(frozen=True)
class Provenance:
    """Where the run came from (the runner's variables), written as the run's config.github."""

    repository: str
    sha: str
    ref: str | None = None
    event: str | None = None
    workflow: str | None = None
    job: str | None = None
    run_id: str | None = None
    run_attempt: int | None = None
    run_url: str | None = None
    pull_request: int | None = None
    head_sha: str | None = None
    actor: str | None = None
    launch_key: str | None = None

    def as_config(self) -> dict[str, Any]:
        """The mapping the run's config holds, every key present (null where the runner said nothing)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Attach:
    """Follow a run launched before: by its path (entity/project/run_id) or by its queue item."""

    ONE_OF = True
    run_path: str | None = None
    queue_item_id: str | None = None


@dataclass(frozen=True)
class Baseline:
    """The run the gates compare with: a run path, or run filters (the newest finished match)."""

    ONE_OF = True
    path: str | None = None
    filters: dict[str, Any] | None = None


@dataclass(frozen=True)
class Curves:
    """After the run ended: these metrics' sampled history (this run's and the baseline run's)."""

    metrics: tuple[str, ...]
    samples: int


@dataclass(frozen=True)
class Promote:
    """Instead of launching: link a model the run logged to the collection `parts` names."""

    parts: tuple[str, ...]
    aliases: tuple[str, ...]
    artifact: str | None = None


@dataclass(frozen=True)
class Request:
    """Everything the action asks of one bridge process (the API key travels in the environment)."""

    launch: Launch = field(metadata=_nested(Launch))
    synchronous: bool
    progress: Progress = field(metadata=_nested(Progress))
    queue: Queue | None = field(default=None, metadata=_nested(Queue))
    timeout_seconds: float | None = None
    attach: Attach | None = field(default=None, metadata=_nested(Attach))
    detached_log: str | None = None
    wandb_requirement: str | None = None
    required_modules: tuple[str, ...] | None = None
    own_site_packages_first: bool | None = None
    baseline: Baseline | None = field(default=None, metadata=_nested(Baseline))
    tags: tuple[str, ...] | None = None
    provenance: Provenance | None = field(default=None, metadata=_nested(Provenance))
    reuse: bool | None = None
    attach_wait_seconds: float | None = None
    curves: Curves | None = field(default=None, metadata=_nested(Curves))
    promote: Promote | None = field(default=None, metadata=_nested(Promote))

    @property
    def resource(self) -> str:
        return self.launch.resource or "local-container"


def parse_object(cls: Any, value: Any, where: str) -> Any:
    """`value` (parsed JSON) as the dataclass `cls`: every required field there, no unknown one."""
    if not isinstance(value, dict):
        raise BadRequest(f"{where} must be an object")
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(value) - set(known))
    if unknown:
        raise BadRequest(f"{where} has unknown field(s): {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for name, f in known.items():
        if name not in value or value[name] is None:
            if not _is_optional(f):
                raise BadRequest(f"{where}.{name} is missing")
            continue
        item = value[name]
        nested = f.metadata.get("nested")
        if nested is not None:
            item = parse_object(nested, item, f"{where}.{name}")
        elif isinstance(item, list):
            item = tuple(item)
        values[name] = item
    if getattr(cls, "ONE_OF", False) and len(values) != 1:
        raise BadRequest(f"{where} must have exactly one of: {', '.join(known)}")
    return cls(**values)


def _is_optional(f: Field[Any]) -> bool:
    return f.default is not MISSING or f.default_factory is not MISSING


def read_request(stream: IO[str]) -> Request:
    """The one request on stdin. Raises BadRequest (or ValueError for text that is not JSON)."""
    request: Request = parse_object(Request, json.load(stream), "request")
    return request

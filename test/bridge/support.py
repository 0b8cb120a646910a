"""What the bridge's tests share: the repository's paths, the protocol's JSON Schema, a checker for
the subset of JSON Schema it uses, and the event channel captured in memory."""

from __future__ import annotations

import contextlib
import io
import json
import os
from typing import Any, Iterator

from . import BRIDGE_DIR

ROOT = os.path.dirname(BRIDGE_DIR)
SCHEMA_PATH = os.path.join(BRIDGE_DIR, "protocol.schema.json")


def load_schema() -> dict[str, Any]:
    with open(SCHEMA_PATH, encoding="utf-8") as f:
        return json.load(f)


_TYPES = {
    "string": lambda v: isinstance(v, str),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def problems(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """Where `value` breaks `schema` (type, const, enum, anyOf, items, properties, required,
    additionalProperties, minimum, maximum); an empty list when it fits."""
    found: list[str] = []
    if "anyOf" in schema or "oneOf" in schema:
        options = schema.get("anyOf") or schema.get("oneOf") or []
        if not any(not problems(value, option, where) for option in options):
            found.append(f"{where}: fits none of {len(options)} alternatives")
        return found
    kind = schema.get("type")
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(_TYPES[k](value) for k in kinds):
            return [f"{where}: {value!r} is not {' or '.join(kinds)}"]
    if "const" in schema and value != schema["const"]:
        found.append(f"{where}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            found.append(f"{where}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            found.append(f"{where}: {value} > {schema['maximum']}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            found += problems(item, schema["items"], f"{where}[{i}]")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{where}: {name} is missing")
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in properties:
                found += problems(item, properties[name], f"{where}.{name}")
            elif extra is False:
                found.append(f"{where}: {name} is not allowed")
            elif isinstance(extra, dict):
                found += problems(item, extra, f"{where}.{name}")
    return found


@contextlib.contextmanager
def captured_events() -> Iterator[list[dict[str, Any]]]:
    """The events emitted inside the block, parsed, in order (the channel is a StringIO meanwhile)."""
    from wandb_launch_bridge.protocol import events

    saved = (events._channel.events, events._channel.ended, events._channel.result_sent)
    buffer = io.StringIO()
    seen: list[dict[str, Any]] = []
    events._channel.events = buffer
    try:
        yield seen
    finally:
        seen.extend(json.loads(line) for line in buffer.getvalue().splitlines())
        events._channel.events, events._channel.ended, events._channel.result_sent = saved

"""The bridge's protocol against the generated JSON Schema (the TypeScript side's): the same event
kinds, each emit function's parameters the event's properties (required ones required), the
Request dataclasses the request schema, the shared constants equal; and what each emit function
writes fits its event's schema."""

from __future__ import annotations

import dataclasses
import inspect
import io
import unittest
from typing import Any

from wandb_launch_bridge import protocol
from wandb_launch_bridge.protocol.request import BadRequest, Request, parse_object, read_request

from .support import captured_events, load_schema, problems

SCHEMA = load_schema()


def parameters(function: Any) -> tuple[set[str], set[str]]:
    """(all, required) keyword-only parameter names of an emit function."""
    params = inspect.signature(function).parameters.values()
    names = {p.name for p in params}
    required = {p.name for p in params if p.default is inspect.Parameter.empty}
    return names, required


def object_alternatives(schema: dict[str, Any]):
    return schema.get("anyOf") or schema.get("oneOf") or [schema]


def dataclass_problems(cls: Any, schema: dict[str, Any], where: str):
    """How the dataclass `cls` differs from the object schema (recursively for nested objects)."""
    found = []
    alternatives = object_alternatives(schema)
    properties: dict[str, Any] = {}
    for alternative in alternatives:
        properties.update(alternative.get("properties", {}))
    if len(alternatives) > 1:
        # one of several objects: every field optional, exactly one given (ONE_OF)
        if not getattr(cls, "ONE_OF", False):
            found.append(f"{where}: the schema allows one of {len(alternatives)} objects; {cls.__name__} is not ONE_OF")
        required: set[str] = set()
    else:
        required = set(schema.get("required", []))
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for name in sorted(set(properties) - set(fields)):
        found.append(f"{where}.{name}: in the schema, not in {cls.__name__}")
    for name in sorted(set(fields) - set(properties)):
        found.append(f"{where}.{name}: in {cls.__name__}, not in the schema")
    for name in sorted(set(fields) & set(properties)):
        f = fields[name]
        has_default = f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        if (name in required) == has_default:
            found.append(f"{where}.{name}: required in {'the schema' if name in required else cls.__name__} only")
        nested = f.metadata.get("nested")
        sub = properties[name]
        is_object = any(alt.get("type") == "object" and "properties" in alt for alt in object_alternatives(sub))
        if nested is not None:
            found += dataclass_problems(nested, sub, f"{where}.{name}")
        elif is_object:
            found.append(f"{where}.{name}: an object in the schema, not a nested dataclass in {cls.__name__}")
    return found


class EventKinds(unittest.TestCase):
    def test_the_same_event_kinds_on_both_sides(self):
        self.assertEqual(set(SCHEMA["events"]), set(protocol.EMITTERS))

    def test_each_emit_function_takes_its_events_properties(self):
        for kind, emit in protocol.EMITTERS.items():
            with self.subTest(kind=kind):
                schema = SCHEMA["events"][kind]
                self.assertEqual(schema["properties"]["event"].get("const"), kind)
                names, required = parameters(emit)
                self.assertEqual(names, set(schema["properties"]) - {"event"}, "parameters vs properties")
                self.assertEqual(required, set(schema["required"]) - {"event"}, "required parameters vs required")
                kinds = {p.kind for p in inspect.signature(emit).parameters.values()}
                self.assertEqual(kinds, {inspect.Parameter.KEYWORD_ONLY}, "keyword-only parameters")


class RequestShape(unittest.TestCase):
    def test_the_request_dataclasses_match_the_request_schema(self):
        self.assertEqual(dataclass_problems(Request, SCHEMA["request"], "request"), [])

    def test_a_request_as_the_action_sends_it_is_read_once(self):
        text = (
            '{"launch": {"run_id": "r1", "job": "e/p/j:latest", "entry_point": ["python", "t.py"]},'
            ' "synchronous": true, "progress": {"interval_seconds": 0, "metrics": ["loss"]},'
            ' "baseline": {"filters": {"tags": "main"}}, "tags": ["a"]}'
        )
        self.assertEqual(problems(__import__("json").loads(text), SCHEMA["request"]), [])
        request = read_request(io.StringIO(text))
        self.assertEqual(request.launch.run_id, "r1")
        self.assertEqual(request.resource, "local-container")
        self.assertEqual(request.progress.metrics, ("loss",))
        self.assertEqual(request.baseline and request.baseline.filters, {"tags": "main"})
        self.assertEqual(
            request.launch.sdk_arguments(), {"run_id": "r1", "job": "e/p/j:latest", "entry_point": ["python", "t.py"]}
        )
        with self.assertRaises(dataclasses.FrozenInstanceError):
            request.synchronous = False  # type: ignore[misc]

    def test_a_request_missing_a_required_field_or_with_an_unknown_one_is_refused(self):
        base = {"launch": {"run_id": "r"}, "synchronous": True, "progress": {"interval_seconds": 0, "metrics": []}}
        cases = [
            ({k: v for k, v in base.items() if k != "progress"}, "request.progress is missing"),
            ({**base, "launch": {}}, "request.launch.run_id is missing"),
            ({**base, "surprise": 1}, "unknown field(s): surprise"),
            ({**base, "attach": {"run_path": "e/p/r", "queue_item_id": "q"}}, "exactly one of"),
        ]
        for value, message in cases:
            with self.subTest(message=message), self.assertRaises(BadRequest) as raised:
                parse_object(Request, value, "request")
            self.assertIn(message, str(raised.exception))


class Constants(unittest.TestCase):
    def test_the_shared_constants_are_equal(self):
        ours = {name: getattr(protocol, name) for name in protocol.SHARED_CONSTANTS}
        ours = {k: list(v) if isinstance(v, tuple) else v for k, v in ours.items()}
        self.assertEqual(ours, SCHEMA["constants"])

    def test_the_cancel_budget_is_ordered(self):
        self.assertLess(protocol.CANCEL_SECONDS, protocol.WATCHDOG_SECONDS)
        self.assertLess(protocol.WATCHDOG_SECONDS, protocol.BRIDGE_CANCEL_SECONDS)


# Representative values for each event: its required parameters, then every optional one given.
SAMPLES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "sdk": ({"python": "/usr/bin/python3", "python_version": "3.11.2", "wandb_version": None}, {}),
    "submitted": (
        {
            "run_id": "r",
            "backend_id": "123",
            "entity": "e",
            "project": None,
            "run_type": "LocalSubmittedRun",
            "launch_seconds": 0.25,
        },
        {},
    ),
    "queued": (
        {
            "queue_item_id": "q1",
            "queue": "gpu",
            "project_queue": "model-registry",
            "run_id": None,
            "entity": "e",
            "project": "p",
        },
        {},
    ),
    "progress": ({"stage": "claimed", "run_id": "r", "item_state": "claimed", "run_state": None, "message": None}, {}),
    "heartbeat": ({"run_id": "r", "step": 3, "metrics": {"loss": 0.5, "name": "x", "done": False, "none": None}}, {}),
    "run_log": ({"run_id": "r", "lines": ["a", "b"], "note": None}, {}),
    "run_record": ({"state": "finished", "summary": {"a": {"b": 1}}, "step": 9, "error": None}, {"missing": False}),
    "baseline": ({"path": "e/p/b", "summary": {"acc": 0.9}, "error": None}, {}),
    "tags": ({"tags": ["main"], "error": None}, {}),
    "provenance": ({"run_id": "r", "error": "HTTP 400"}, {}),
    "reused": (
        {
            "run_id": "r",
            "entity": "e",
            "project": "p",
            "state": "finished",
            "github_run_id": "7001",
            "github_run_attempt": 1,
        },
        {},
    ),
    "curves": ({"curves": [{"metric": "eval/acc", "run": [[0, 0.5], [1, 0.9]], "baseline": None}], "error": None}, {}),
    "promotion": (
        {
            "artifact": "e/p/resnet:v0",
            "target": "wandb-registry-model/resnet",
            "path": "org/wandb-registry-model/resnet:v3",
            "version": "v3",
            "aliases": ["latest", "staging"],
            "skipped": None,
            "error": None,
        },
        {},
    ),
    "result": (
        {"state": "finished", "cancelled": False, "timed_out": False, "submitted": True, "cancel_error": None},
        {
            "backend_id": "123",
            "exit_code": 0,
            "job_tail": ["done"],
            "queue_item_id": "q1",
            "run_id": "r",
            "item_state": "claimed",
            "item_error": "boom",
            "item_error_stage": "agent",
            "item_error_files": ["f"],
            "run_started": True,
            "queue_timed_out": False,
            "item_removed": False,
            "never_appeared": False,
        },
    ),
    "error": (
        {"kind": "wandb_unsatisfied", "message": "m", "exception_type": None, "traceback": None},
        {
            "detail": {"base_url": "https://api.wandb.ai", "status": 500},
            "python": "/p",
            "base_python": "/b",
            "python_version": "3.11.2",
            "wandb_version": "0.16.0",
            "requirement": ">=0.17",
        },
    ),
}


class EventLines(unittest.TestCase):
    def test_every_event_kind_has_a_sample(self):
        self.assertEqual(set(SAMPLES), set(protocol.EMITTERS))

    def test_what_each_emit_function_writes_fits_its_schema(self):
        for kind, (required, optional) in SAMPLES.items():
            for given in (required, {**required, **optional}):
                with self.subTest(kind=kind, optional=bool(given is not required)), captured_events() as seen:
                    protocol.EMITTERS[kind](**given)
                self.assertEqual(len(seen), 1)
                self.assertEqual(seen[0], {"event": kind, **given})
                self.assertEqual(problems(seen[0], SCHEMA["events"][kind]), [])

    def test_optional_fields_left_as_none_are_left_out(self):
        with captured_events() as seen:
            protocol.emit_result(
                state=None,
                cancelled=True,
                timed_out=False,
                submitted=False,
                cancel_error=None,
                backend_id=None,
                run_started=False,
            )
        self.assertEqual(
            seen,
            [
                {
                    "event": "result",
                    "state": None,
                    "cancelled": True,
                    "timed_out": False,
                    "submitted": False,
                    "cancel_error": None,
                    "run_started": False,
                }
            ],
        )

    def test_fail_reports_the_exception(self):
        try:
            raise KeyError("launch")
        except KeyError as exc:
            with captured_events() as seen:
                protocol.fail("bad_request", "the bridge could not read its request", exc)
        self.assertEqual(seen[0]["exception_type"], "KeyError")
        self.assertIn("Traceback", seen[0]["traceback"])
        self.assertEqual(problems(seen[0], SCHEMA["events"]["error"]), [])

    def test_the_checker_itself_finds_a_stray_field_a_missing_one_and_a_wrong_type(self):
        schema = SCHEMA["events"]["tags"]
        self.assertTrue(problems({"event": "tags", "tags": ["a"], "error": None, "extra": 1}, schema))
        self.assertTrue(problems({"event": "tags", "tags": ["a"]}, schema))
        self.assertTrue(problems({"event": "tags", "tags": "a", "error": None}, schema))


if __name__ == "__main__":
    unittest.main()

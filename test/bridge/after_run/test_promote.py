"""Promotion in the bridge: which logged artifact is linked, where a short collection path goes,
what a run with no model or an SDK whose link would start a run comes to, and the promotion event
as the schema wants it."""

from __future__ import annotations

import unittest

from wandb_launch_bridge.after_run.promote import (
    NothingToPromote,
    OldSdk,
    full_target,
    link,
    pick_artifact,
    promote_and_report,
)
from wandb_launch_bridge.protocol.request import Request, parse_object

from ..support import captured_events, load_schema, problems


class Art:
    def __init__(self, name, type="model", entity="e", project="p", service=True):  # noqa: A002
        self.name, self.type, self.entity, self.project = name, type, entity, project
        self.version = name.partition(":")[2]
        self._service_api = object() if service else None
        self.linked = None
        self.aliases: list[str] = []

    def link(self, target, aliases: list[str]):
        self.linked = (target, aliases)
        linked = Art(f"{target.rsplit('/', 1)[-1]}:v3", self.type, "org", "wandb-registry-model")
        linked.aliases = ["latest", *aliases]
        return linked


class PickArtifact(unittest.TestCase):
    def test_the_only_model_newest_version(self):
        chosen = pick_artifact([Art("data:v0", "dataset"), Art("resnet:v0"), Art("resnet:v2"), Art("resnet:v1")])
        self.assertEqual(chosen.name, "resnet:v2")

    def test_named_whatever_its_type(self):
        self.assertEqual(pick_artifact([Art("resnet:v0"), Art("data:v0", "dataset")], "data").name, "data:v0")

    def test_no_model_several_models_an_unknown_name(self):
        with self.assertRaisesRegex(NothingToPromote, r"no model artifact \(type model\); it logged data \(dataset\)"):
            pick_artifact([Art("data:v0", "dataset")])
        with self.assertRaisesRegex(NothingToPromote, r"^the run logged no model artifact \(type model\)$"):
            pick_artifact([])
        with self.assertRaisesRegex(NothingToPromote, "several models, a, b: name one with promote_artifact"):
            pick_artifact([Art("a:v0"), Art("b:v0")])
        with self.assertRaisesRegex(NothingToPromote, r"no artifact named c \(it logged a\)"):
            pick_artifact([Art("a:v0")], "c")


class Targets(unittest.TestCase):
    def test_the_runs_entity_and_project_fill_in(self):
        self.assertEqual(full_target(["best"], "e", "p"), "e/p/best")
        self.assertEqual(full_target(["proj2", "best"], "e", "p"), "e/proj2/best")
        self.assertEqual(full_target(["model-registry", "resnet"], "e", "p"), "e/model-registry/resnet")
        self.assertEqual(full_target(["wandb-registry-model", "resnet"], "e", "p"), "wandb-registry-model/resnet")
        self.assertEqual(
            full_target(["org", "wandb-registry-model", "resnet"], "e", "p"), "org/wandb-registry-model/resnet"
        )

    def test_linked_as_read_back(self):
        art = Art("resnet:v0")
        self.assertEqual(
            link(art, "wandb-registry-model/resnet", ["staging"]),
            {"path": "org/wandb-registry-model/resnet:v3", "version": "v3", "aliases": ["latest", "staging"]},
        )
        self.assertEqual(art.linked, ("wandb-registry-model/resnet", ["staging"]))

    def test_an_sdk_whose_link_starts_a_run_is_not_used(self):
        with self.assertRaisesRegex(OldSdk, "needs wandb 0.21.0 or newer"):
            link(Art("resnet:v0", service=False), "e/p/best", [])


class FakeApi:
    def __init__(self, logged):
        self.logged = logged

    def run(self, path):
        api = self

        class Run:
            def logged_artifacts(self):
                return api.logged

        return Run()


def request(**promote):
    return parse_object(
        Request,
        {
            "launch": {"run_id": "r1", "entity": "e", "project": "p"},
            "synchronous": True,
            "progress": {"interval_seconds": 0, "metrics": []},
            "promote": {"parts": ["best"], "aliases": ["ci"], **promote},
        },
        "request",
    )


class Report(unittest.TestCase):
    schema = load_schema()["events"]

    def events(self, logged, **promote):
        with captured_events() as seen:
            promote_and_report(request(**promote), api=FakeApi(logged))
        for event in seen:
            self.assertEqual(problems(event, self.schema[event["event"]]), [])
        return seen

    def test_linked(self):
        promotion, result = self.events([Art("resnet:v0")])
        self.assertEqual(promotion["artifact"], "e/p/resnet:v0")
        self.assertEqual(promotion["target"], "e/p/best")
        self.assertEqual(promotion["path"], "org/wandb-registry-model/best:v3")
        self.assertEqual((promotion["skipped"], promotion["error"]), (None, None))
        self.assertEqual(result["event"], "result")

    def test_skipped_and_failed(self):
        promotion, _ = self.events([])
        self.assertEqual(promotion["skipped"], "the run logged no model artifact (type model)")
        promotion, _ = self.events([Art("resnet:v0", service=False)])
        self.assertRegex(promotion["error"], "needs wandb 0.21.0 or newer")
        self.assertIsNone(promotion["path"])


class PromoteMode(unittest.TestCase):
    def test_launches_nothing_so_needs_no_docker(self):
        from wandb_launch_bridge.main import needs_docker

        self.assertFalse(needs_docker(request()))

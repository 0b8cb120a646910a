"""Provenance on the run: the config and notes written (the whole config as W&B holds it, the
SDK's internal keys kept), written only where missing, and a failure reported once, as the
protocol's provenance event; a run W&B does not have is no failure."""

from __future__ import annotations

import json
import unittest

from wandb_launch_bridge.follow import provenance

from ..support import captured_events, load_schema, problems

GITHUB = {
    "repository": "o/r",
    "sha": "a" * 40,
    "run_url": "https://github.com/o/r/actions/runs/1/attempts/1",
    "launch_key": "k",
}
LINK = "Launched from GitHub Actions: " + GITHUB["run_url"]


class FakeRun:
    def __init__(self, raw, notes, calls):
        self.rawconfig, self.notes, self.storage_id, self.calls = raw, notes, "UnVuOnYxOng=", calls

    def load(self, force=False):
        self.calls.append(("load", force))


class FakeService:
    def __init__(self, calls):
        self.calls = calls

    def execute_graphql(self, query, variables):
        self.calls.append(("graphql", query.split("(")[0].strip(), variables))
        return {"upsertBucket": {"bucket": {"id": "x"}}}


class FakeApi:
    """The public API as the bridge uses it: run(path), and the SDK's GraphQL client."""

    def __init__(self, raw=None, notes=None, error=None):
        self.calls = []
        self._service_api = FakeService(self.calls)
        self.the_run = FakeRun(raw or {}, notes, self.calls)
        self.error = error

    def run(self, path):
        self.calls.append(("run", path))
        if self.error is not None:
            raise self.error
        return self.the_run


class WhatIsWritten(unittest.TestCase):
    def test_the_whole_config_with_github_beside_the_user_keys(self):
        raw = {"_wandb": {"t": {"1": [1]}}, "wandb_version": "0.17.3", "lr": 0.1, "github": {"old": 1}}
        variables = provenance.upsert_variables("UnVuOnYxOmE=", raw, None, GITHUB)
        self.assertEqual(variables["id"], "UnVuOnYxOmE=")
        self.assertEqual(
            json.loads(variables["config"]),
            {
                "_wandb": {"value": {"t": {"1": [1]}}, "desc": None},
                "wandb_version": {"value": "0.17.3", "desc": None},
                "lr": {"value": 0.1, "desc": None},
                "github": {"value": GITHUB, "desc": None},
            },
        )
        self.assertEqual(variables["notes"], LINK)

    def test_notes_keep_what_was_there_and_get_the_link_once(self):
        once = provenance.notes_with_link("baseline for v2\n", GITHUB["run_url"])
        self.assertEqual(once, "baseline for v2\n\n" + LINK)
        self.assertEqual(provenance.notes_with_link(once, GITHUB["run_url"]), once)
        self.assertEqual(provenance.notes_with_link("  ", GITHUB["run_url"]), LINK)
        self.assertEqual(provenance.notes_with_link("n", None), "n")

    def test_only_what_is_missing_and_attach_keeps_the_launch_s_own(self):
        other = dict(GITHUB, run_url="https://github.com/o/r/actions/runs/0", launch_key="x")
        self.assertTrue(provenance.needs_writing({}, None, GITHUB))
        self.assertFalse(provenance.needs_writing({"github": GITHUB}, LINK, GITHUB))
        self.assertTrue(provenance.needs_writing({"github": GITHUB}, None, GITHUB))
        self.assertTrue(provenance.needs_writing({"github": other}, LINK, GITHUB))
        self.assertFalse(provenance.needs_writing({"github": other}, None, GITHUB, only_if_absent=True))
        self.assertTrue(provenance.needs_writing({"lr": 1}, None, GITHUB, only_if_absent=True))


class Writing(unittest.TestCase):
    def test_the_sdk_s_mutation_with_a_fresh_read_and_nothing_when_it_is_there(self):
        p = provenance.RunProvenance(GITHUB)
        api = FakeApi({"_wandb": {"t": 1}, "lr": 0.1})
        self.assertTrue(p.write(api, "e", "p", "r1"))
        self.assertEqual(api.calls[:2], [("run", "e/p/r1"), ("load", True)])
        kind, op, variables = api.calls[2]
        self.assertEqual((kind, op), ("graphql", "mutation UpsertBucket"))
        self.assertEqual(list(json.loads(variables["config"])), ["_wandb", "lr", "github"])
        there = FakeApi({"lr": 0.1, "github": GITHUB}, LINK)
        self.assertTrue(p.write(there, "e", "p", "r1"))
        self.assertEqual([c[0] for c in there.calls], ["run", "load"])
        self.assertIsNone(p.error)

    def test_a_run_w_and_b_does_not_have_is_no_failure_an_api_error_is_reported_once(self):
        p = provenance.RunProvenance(GITHUB)
        self.assertFalse(
            p.write(FakeApi(error=ValueError("Could not find run <Run e/p/r1 (not found)>")), "e", "p", "r1")
        )
        self.assertIsNone(p.error)
        with captured_events() as quiet:
            p.report("r1")
        self.assertEqual(quiet, [])
        self.assertFalse(p.write(FakeApi(error=RuntimeError("HTTP 400: bad request")), "e", "p", "r1"))
        with captured_events() as events:
            p.report("r1")
            p.report("r1")
        self.assertEqual(events, [{"event": "provenance", "run_id": "r1", "error": "HTTP 400: bad request"}])
        self.assertEqual(problems(events[0], load_schema()["events"]["provenance"]), [])

    def test_nothing_without_provenance_or_a_run(self):
        api = FakeApi()
        self.assertFalse(provenance.RunProvenance(None).write(api, "e", "p", "r1"))
        self.assertFalse(provenance.RunProvenance(GITHUB).write(api, "e", None, "r1"))
        self.assertEqual(api.calls, [])


if __name__ == "__main__":
    unittest.main()

"""reuse: which earlier run is taken (the newest finished, else the newest live one, else none),
looked up by the provenance filters and checked again against each run's own provenance; the
reused event the action reads."""

from __future__ import annotations

import unittest

from wandb_launch_bridge.follow import reuse

from ..support import captured_events, load_schema, problems

GITHUB = {"launch_key": "k", "sha": "s", "repository": "o/r", "run_id": "7001", "run_attempt": 2}


class FakeRun:
    def __init__(self, id, state, github):
        self.id, self.state, self.config = id, state, {"github": github}


class Choice(unittest.TestCase):
    def test_finished_first_then_live_else_launch(self):
        self.assertEqual(reuse.choose([("a", "failed"), ("b", "finished"), ("c", "finished")]), ("reuse", "b"))
        self.assertEqual(reuse.choose([("a", "crashed"), ("b", "running"), ("c", "killed")]), ("follow", "b"))
        self.assertIsNone(reuse.choose([("a", "failed"), ("b", "crashed"), ("c", "killed"), ("d", "preempted")]))
        self.assertIsNone(reuse.choose([]))

    def test_the_recorded_provenance_is_checked_not_only_the_server_filter(self):
        self.assertTrue(reuse.same_launch(GITHUB, "k", "s", "o/r"))
        self.assertFalse(reuse.same_launch(dict(GITHUB, sha="t"), "k", "s", "o/r"))
        self.assertFalse(reuse.same_launch(dict(GITHUB, repository="fork/r"), "k", "s", "o/r"))
        self.assertFalse(reuse.same_launch(None, "k", "s", "o/r"))


class Lookup(unittest.TestCase):
    def test_filters_newest_first_a_page_and_each_run_checked(self):
        asked = {}

        class Api:
            def runs(self, path, filters=None, order=None, per_page=None):
                asked.update(path=path, filters=filters, order=order, per_page=per_page)
                return iter(
                    [
                        FakeRun("a", "failed", GITHUB),
                        FakeRun("b", "finished", dict(GITHUB, sha="other")),
                        FakeRun("c", "finished", GITHUB),
                    ]
                )

        found = reuse.find(Api(), "e", "p", GITHUB)
        assert found is not None
        how, run = found
        self.assertEqual((how, run.id), ("reuse", "c"))
        self.assertEqual(
            asked,
            {
                "path": "e/p",
                "filters": {
                    "config.github.launch_key": "k",
                    "config.github.sha": "s",
                    "config.github.repository": "o/r",
                },
                "order": "-created_at",
                "per_page": reuse.PAGE,
            },
        )

    def test_the_reused_event_names_the_workflow_run_that_launched_it(self):
        with captured_events() as events:
            reuse.announce(FakeRun("c", "finished", GITHUB), "e", "p")
        expected = {
            "event": "reused",
            "run_id": "c",
            "entity": "e",
            "project": "p",
            "state": "finished",
            "github_run_id": "7001",
            "github_run_attempt": 2,
        }
        self.assertEqual(events, [expected])
        self.assertEqual(problems(events[0], load_schema()["events"]["reused"]), [])


if __name__ == "__main__":
    unittest.main()

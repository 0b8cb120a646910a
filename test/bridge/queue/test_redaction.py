"""The launch spec launch_add prints is redacted: keys stay, values that may come from `config`,
`resource_args` or overrides are masked; the job's name, entity, project and such stay readable."""

from __future__ import annotations

import unittest
from typing import Any

from wandb_launch_bridge.queue.redaction import MASK, redacted_spec


class Redaction(unittest.TestCase):
    def test_secrets_are_masked_and_the_shape_stays(self):
        spec = {
            "job": "e/p/j:latest",
            "entity": "e",
            "run_id": "r1",
            "overrides": {"run_config": {"api_token": "hunter2", "lr": 0.1}, "args": ["--key", "s3cr3t"]},
            "resource_args": {"kubernetes": {"env": [{"name": "TOKEN", "value": "abc"}]}},
            "docker": {"docker_image": "img:1", "args": {"password": "x"}},
            "git": {"version": "main", "url": "https://user:token@example.com"},
            "flag": True,
            "nothing": None,
        }
        shown: Any = redacted_spec(spec)
        self.assertEqual(shown["job"], "e/p/j:latest")
        self.assertEqual(shown["run_id"], "r1")
        self.assertEqual(shown["overrides"], {"run_config": {"api_token": MASK, "lr": MASK}, "args": [MASK, MASK]})
        self.assertEqual(shown["resource_args"], {"kubernetes": {"env": [{"name": MASK, "value": MASK}]}})
        self.assertEqual(shown["docker"], {"docker_image": "img:1", "args": {"password": MASK}})
        self.assertEqual(shown["git"], {"version": "main", "url": MASK})
        self.assertEqual((shown["flag"], shown["nothing"]), (True, None))
        for secret in ("hunter2", "s3cr3t", "abc", "token@"):
            self.assertNotIn(secret, repr(shown))

    def test_a_spec_that_is_not_a_mapping_is_masked_whole(self):
        self.assertEqual(redacted_spec("config=secret"), MASK)


if __name__ == "__main__":
    unittest.main()

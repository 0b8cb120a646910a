"""The bridge's own PEP 440 check (standard library only) and the version floor."""

from __future__ import annotations

import unittest

from wandb_launch_bridge.preflight.sdk_version import MIN_WANDB, satisfies, version_tuple, wandb_problem
from wandb_launch_bridge.protocol import MIN_WANDB_VERSION


class Satisfies(unittest.TestCase):
    def test_versions_against_specifiers_as_pep_440_orders_them(self):
        cases = [
            ("0.30.0", ">=0.17", True),
            ("0.16.6", ">=0.17", False),
            ("0.17.0", ">=0.17", True),
            ("0.30.0", "==0.30.0", True),
            ("0.30", "==0.30.0", True),
            ("0.30.1", "==0.30.0", False),
            ("0.30.1", ">=0.20,<0.31", True),
            ("0.31.0", ">=0.20,<0.31", False),
            ("0.31.0rc1", "<0.31", True),
            ("0.31.0rc1", ">=0.31", False),
            ("0.31.0.dev2", "<0.31.0a1", True),
            ("0.30.0.post1", ">0.30.0", True),
            ("0.30.7", "==0.30.*", True),
            ("0.31.0", "==0.30.*", False),
            ("0.30.7", "!=0.30.*", False),
            ("0.30.7", "~=0.30.2", True),
            ("0.31.0", "~=0.30.2", False),
            ("0.30.0", "!=0.30.0", False),
            ("0.30.0", "===0.30.0", True),
            ("0.30.0", "bogus", False),
        ]
        for version, specifier, expected in cases:
            with self.subTest(version=version, specifier=specifier):
                self.assertEqual(satisfies(version, specifier), expected)


class Floor(unittest.TestCase):
    def test_the_floor_is_the_protocols_minimum(self):
        self.assertEqual(MIN_WANDB, (0, 17, 3))
        self.assertEqual(version_tuple(MIN_WANDB_VERSION), MIN_WANDB)

    def test_an_older_wandb_or_one_outside_the_requirement_is_a_problem(self):
        self.assertEqual(
            wandb_problem("0.16.6", None), "wandb 0.16.6 is older than 0.17.3, the oldest this action supports"
        )
        self.assertEqual(wandb_problem("0.30.0", "<0.30"), "wandb 0.30.0 does not satisfy wandb_version <0.30")
        self.assertIsNone(wandb_problem("0.30.0", ">=0.17"))


if __name__ == "__main__":
    unittest.main()

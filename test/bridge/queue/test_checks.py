"""Queue mode's check of the template variables against the queue's schemas: converted as
`wandb launch --set-var` converts them, every problem at once, never the value in a message."""

from __future__ import annotations

import unittest

from wandb_launch_bridge.errors import UserError
from wandb_launch_bridge.queue.checks import check_template_variables

SCHEMAS = {
    "gpus": {"type": "integer", "minimum": 0, "maximum": 8},
    "lr": {"type": "number"},
    "size": {"type": "string", "enum": ["s", "m"]},
}


class TemplateVariables(unittest.TestCase):
    def test_values_are_converted_to_the_schemas_types(self):
        checked = check_template_variables({"gpus": "2", "lr": "0.1", "size": "m"}, SCHEMAS, "q")
        self.assertEqual(checked, {"gpus": 2, "lr": 0.1, "size": "m"})

    def test_every_problem_is_reported_at_once_without_the_values(self):
        with self.assertRaises(UserError) as raised:
            check_template_variables({"gpus": "9", "lr": "fast", "size": "xl", "other": "secret"}, SCHEMAS, "q")
        message = str(raised.exception)
        for part in (
            "gpus: must be at most 8",
            "lr: must be a number",
            "size: must be one of s, m",
            "other: queue q has no template variable other (it has: gpus, lr, size)",
        ):
            self.assertIn(part, message)
        self.assertNotIn("secret", message)
        self.assertNotIn("fast", message)

    def test_an_integer_must_look_like_one(self):
        for value in ("1.5", True, [1]):
            with self.subTest(value=value), self.assertRaises(UserError):
                check_template_variables({"gpus": value}, SCHEMAS, "q")


if __name__ == "__main__":
    unittest.main()

"""The curves' history: each metric read on its own through Run.history(samples, keys), only
finite numbers kept in step order, the baseline's beside this run's, and what cannot be read said
in the event's error, never raised."""

from __future__ import annotations

import math
import unittest

from wandb_launch_bridge.after_run.curves import read_curves, report_curves
from wandb_launch_bridge.protocol.request import Curves

from ..support import captured_events, load_schema, problems


class Run:
    def __init__(self, rows):
        self.rows, self.asked = rows, []

    def history(self, samples: int = 500, keys: list[str] | None = None, pandas: bool = True):
        assert pandas is False and keys is not None
        self.asked.append((samples, tuple(keys)))
        return [dict(r) for r in self.rows if any(k in r for k in keys)]


class Api:
    def __init__(self, runs):
        self.runs = runs

    def run(self, path):
        if path not in self.runs:
            raise ValueError(f"Could not find run {path}")
        return self.runs[path]


ROWS = [
    {"_step": 2, "acc": 0.5},
    {"_step": 0, "acc": 0.1, "loss": 2},
    {"_step": 1, "acc": math.nan},
    {"_step": 3, "acc": {"_type": "histogram"}},
    {"_step": 4, "acc": True},
    {"_step": 5, "loss": 1},
]


class ReadCurves(unittest.TestCase):
    def test_one_request_per_metric_and_run_finite_numbers_in_step_order(self):
        run, base = Run(ROWS), Run([{"_step": 0, "acc": 0.2}])
        found = read_curves(Api({"e/p/r": run, "e/p/b": base}), "e/p/r", "e/p/b", ["acc", "loss"], samples=50)
        self.assertEqual(found["curves"][0], {"metric": "acc", "run": [[0, 0.1], [2, 0.5]], "baseline": [[0, 0.2]]})
        self.assertEqual(found["curves"][1], {"metric": "loss", "run": [[0, 2], [5, 1]], "baseline": []})
        self.assertEqual(run.asked, [(50, ("acc",)), (50, ("loss",))])
        self.assertIsNone(found["error"])

    def test_no_baseline_and_a_baseline_that_cannot_be_read(self):
        found = read_curves(Api({"e/p/r": Run(ROWS)}), "e/p/r", None, ["acc"])
        self.assertIsNone(found["curves"][0]["baseline"])
        found = read_curves(Api({"e/p/r": Run(ROWS)}), "e/p/r", "e/p/gone", ["acc"])
        self.assertRegex(found["error"], "the baseline run e/p/gone could not be read: Could not find run e/p/gone")
        self.assertEqual(found["curves"][0]["run"], [[0, 0.1], [2, 0.5]])


class Report(unittest.TestCase):
    def test_the_event_fits_the_schema_and_an_unknown_run_is_said(self):
        schema = load_schema()["events"]["curves"]
        with captured_events() as seen:
            report_curves("e", "p", "r", None, Curves(metrics=("acc",), samples=10), api=Api({"e/p/r": Run(ROWS)}))
            report_curves(None, "p", "r", None, Curves(metrics=("acc",), samples=10), api=Api({}))
            report_curves("e", "p", "gone", None, Curves(metrics=("acc",), samples=10), api=Api({}))
        for event in seen:
            self.assertEqual(problems(event, schema), [])
        self.assertEqual(seen[0]["curves"][0]["run"], [[0, 0.1], [2, 0.5]])
        self.assertRegex(seen[1]["error"], "entity, project or ID is unknown")
        self.assertEqual(seen[2]["error"], "this run e/p/gone could not be read: Could not find run e/p/gone")
        self.assertEqual(seen[2]["curves"][0]["run"], [])

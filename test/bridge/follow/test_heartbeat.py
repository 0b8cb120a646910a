"""Heartbeats: when one is due, what it carries, and the one rule for a metric's name, checked
against the cases the TypeScript gates are checked against (test/fixtures/metric-names.json; a
value of null there means the metric is missing or was logged as null)."""

from __future__ import annotations

import json
import math
import os
import unittest

from wandb_launch_bridge.follow.heartbeat import Heartbeat, last_step, metric_value, shown_value, summary_of
from wandb_launch_bridge.protocol import Progress

from ..support import ROOT, captured_events, load_schema, problems


class MetricNames(unittest.TestCase):
    def test_the_shared_cases(self):
        with open(os.path.join(ROOT, "test", "fixtures", "metric-names.json"), encoding="utf-8") as f:
            cases = json.load(f)
        self.assertTrue(any(case["value"] is None for case in cases), "a missing metric is among the cases")
        for case in cases:
            with self.subTest(name=case["name"], summary=case["summary"]):
                self.assertEqual(metric_value(case["summary"], case["name"]), case["value"])


class FakeRun:
    _attrs: dict = {}

    def __init__(self, summary, step=None):
        self.summary_metrics = summary
        self.lastHistoryStep = step


class HeartbeatTest(unittest.TestCase):
    def test_off_with_a_zero_interval(self):
        beat = Heartbeat(Progress(interval_seconds=0, metrics=()))
        self.assertIsNone(beat.seconds_left())
        self.assertFalse(beat.due())

    def test_the_first_is_due_one_interval_after_the_run_started_running(self):
        now = [100.0]
        beat = Heartbeat(Progress(interval_seconds=30, metrics=()), clock=lambda: now[0])
        self.assertFalse(beat.due())  # starts the clock
        now[0] += 29
        self.assertFalse(beat.due())
        self.assertEqual(beat.seconds_left(), 1.0)
        now[0] += 1
        self.assertTrue(beat.due())
        self.assertFalse(beat.due())

    def test_a_beat_carries_the_step_and_the_watched_metrics(self):
        beat = Heartbeat(Progress(interval_seconds=5, metrics=("eval.acc", "loss", "img", "gone")))
        run = FakeRun({"_step": 7, "eval": {"acc": 0.5}, "loss": float("nan"), "img": {"_type": "image-file"}})
        with captured_events() as seen:
            beat.beat("r1", run)
        self.assertEqual(
            seen,
            [
                {
                    "event": "heartbeat",
                    "run_id": "r1",
                    "step": 7,
                    "metrics": {"eval.acc": 0.5, "loss": "nan", "img": "<image-file>", "gone": None},
                }
            ],
        )
        self.assertEqual(problems(seen[0], load_schema()["events"]["heartbeat"]), [])

    def test_the_step_from_the_run_when_the_summary_has_none(self):
        self.assertEqual(last_step({}, FakeRun({}, step=4)), 4)
        self.assertIsNone(last_step({}, FakeRun({}, step=-1)))
        older = FakeRun(None)
        older._attrs = {"summaryMetrics": '{"a": 1}'}  # 0.17's Run: the summary as JSON text
        self.assertEqual(summary_of(older), {"a": 1})

    def test_shown_values(self):
        self.assertEqual(shown_value(math.inf), "inf")
        self.assertEqual(shown_value("x" * 100), "x" * 100)
        self.assertEqual(shown_value([1] * 100), str([1] * 100)[:80])


if __name__ == "__main__":
    unittest.main()

"""The one deadline helper: a call's result or its exception, DeadlineExceeded when it does not
return in time (its message given or naming the call), Abandoned as soon as give_up() says so."""

from __future__ import annotations

import threading
import time
import unittest

from wandb_launch_bridge.deadline import Abandoned, Budget, DeadlineExceeded, call_with_deadline, seconds_from_env


class CallWithDeadline(unittest.TestCase):
    def setUp(self) -> None:
        self.release = threading.Event()
        self.addCleanup(self.release.set)

    def hang(self):
        self.release.wait(10)
        return "late"

    def test_the_calls_result_and_its_exception(self):
        self.assertEqual(call_with_deadline(lambda: 42, 1.0, "answer"), 42)
        with self.assertRaises(KeyError):
            call_with_deadline(lambda: {}["x"], 1.0, "lookup")

    def test_a_call_that_does_not_return_in_time(self):
        started = time.monotonic()
        with self.assertRaises(DeadlineExceeded) as raised:
            call_with_deadline(self.hang, 0.2, "reading the run")
        self.assertLess(time.monotonic() - started, 2.0)
        self.assertEqual(str(raised.exception), "reading the run: no answer from W&B within 0.2s")
        self.assertIsInstance(raised.exception, TimeoutError)

    def test_the_timeout_message_can_be_the_callers(self):
        with self.assertRaises(DeadlineExceeded) as raised:
            call_with_deadline(self.hang, 0.1, "tags", timeout_message="W&B did not answer within 0.1s adding the tags")
        self.assertEqual(str(raised.exception), "W&B did not answer within 0.1s adding the tags")

    def test_give_up_abandons_the_wait_at_once(self):
        flag = threading.Event()
        threading.Timer(0.1, flag.set).start()
        started = time.monotonic()
        with self.assertRaises(Abandoned):
            call_with_deadline(self.hang, 5.0, "poll", give_up=flag.is_set)
        self.assertLess(time.monotonic() - started, 2.0)


class BudgetAndEnvironment(unittest.TestCase):
    def test_a_budget_counts_down_to_zero(self):
        budget = Budget(0.05)
        self.assertLessEqual(budget.left(), 0.05)
        time.sleep(0.06)
        self.assertEqual(budget.left(), 0.0)

    def test_seconds_from_the_environment_only_when_positive(self):
        import os

        name = "WANDB_LAUNCH_ACTION_TEST_SECONDS"
        self.addCleanup(os.environ.pop, name, None)
        for text, expected in (("1.5", 1.5), ("0", 30.0), ("-1", 30.0), ("x", 30.0), ("", 30.0)):
            os.environ[name] = text
            self.assertEqual(seconds_from_env(name, 30.0), expected)


if __name__ == "__main__":
    unittest.main()

"""attach's wait for a run that is not on W&B yet, on a fake clock: found when it appears, said every
progress interval, bounded, and ended by the timeout or a cancel."""

from __future__ import annotations

import unittest

from wandb_launch_bridge.follow.appear import wait_for_run


def waiting(appears_at=None, bound=600.0, deadline=None, progress=60.0, cancel_at=None):
    clock = [0.0]
    said, loads, pauses = [], [], []

    def load():
        loads.append(clock[0])
        return "RUN" if appears_at is not None and clock[0] >= appears_at else None

    def pause(seconds):
        pauses.append(seconds)
        clock[0] += seconds

    run, why = wait_for_run(
        load,
        bound=bound,
        deadline=deadline,
        progress_seconds=progress,
        say=lambda waited: said.append(round(waited, 3)),
        now=lambda: clock[0],
        pause=pause,
        cancelled=lambda: cancel_at is not None and clock[0] >= cancel_at,
    )
    return {
        "run": run,
        "why": why,
        "said": said,
        "end": round(clock[0], 3),
        "loads": len(loads),
        "longest_pause": max(pauses or [0]),
    }


class WaitForRun(unittest.TestCase):
    def test_a_run_that_appears_is_followed_and_the_wait_said_every_interval(self):
        r = waiting(appears_at=95, progress=30)
        self.assertEqual((r["run"], r["why"]), ("RUN", None))
        self.assertEqual(r["said"], [0, 30, 60, 90])
        self.assertTrue(95 <= r["end"] <= 100, r["end"])
        self.assertLessEqual(r["longest_pause"], 5)

    def test_a_run_that_never_appears_ends_at_the_bound(self):
        r = waiting(bound=120, progress=0)
        self.assertEqual((r["why"], r["end"], r["said"]), ("never", 120, [0]))

    def test_the_timeout_and_a_cancel_end_it(self):
        r = waiting(deadline=42)
        self.assertEqual((r["why"], r["end"]), ("timeout", 42))
        c = waiting(cancel_at=10)
        self.assertEqual(c["why"], "cancelled")
        self.assertTrue(10 <= c["end"] < 15, c["end"])

    def test_no_wait_for_a_run_that_is_there(self):
        r = waiting(appears_at=0)
        self.assertEqual((r["run"], r["said"], r["loads"], r["end"]), ("RUN", [], 1, 0))


if __name__ == "__main__":
    unittest.main()

"""A failed run's output.log tail: the last lines read from the file's end, a bar's last state,
each line bounded; and the run_log event only for states in which the run's own output says why."""

from __future__ import annotations

import os
import tempfile
import unittest

from wandb_launch_bridge.after_run.output_log import MAX_LINE_CHARS, last_lines, report_run_log

from ..support import captured_events, load_schema, problems


class LastLines(unittest.TestCase):
    def write(self, data: bytes) -> str:
        fd, path = tempfile.mkstemp()
        self.addCleanup(os.remove, path)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return path

    def test_the_last_lines_of_a_large_file(self):
        path = self.write(b"".join(b"line %d\n" % i for i in range(200000)))
        self.assertEqual(last_lines(path, 3, block=1024), ["line 199997", "line 199998", "line 199999"])

    def test_bars_crlf_and_long_lines(self):
        path = self.write(b"a\r\n10%\r50%\r100%\n" + b"x" * 2000 + b"\nend")
        self.assertEqual(last_lines(path, 10), ["a", "100%", "x" * MAX_LINE_CHARS, "end"])


class FakeRun:
    def file(self, name):
        raise IndexError("list index out of range")


class RunLog(unittest.TestCase):
    def test_only_after_a_failed_state(self):
        with captured_events() as seen:
            report_run_log(FakeRun(), "r", "finished")
            report_run_log(None, "r", "failed")
            report_run_log(FakeRun(), "r", "crashed")
        self.assertEqual(
            seen, [{"event": "run_log", "run_id": "r", "lines": [], "note": "W&B has no output.log for the run"}]
        )
        self.assertEqual(problems(seen[0], load_schema()["events"]["run_log"]), [])


if __name__ == "__main__":
    unittest.main()

"""JobOutput, the bridge's reader of a local job's output: whole lines whatever the chunking, long
lines cut with a marker, \\r bars collapsed, and memory bounded (pending line and tail) whatever the
job prints."""

from __future__ import annotations

import random
import unittest

from wandb_launch_bridge.local.job_output import JobOutput


class JobOutputTest(unittest.TestCase):
    def setUp(self) -> None:
        self.written: list[bytes] = []

    def text(self) -> bytes:
        return b"".join(self.written)

    def test_forwards_every_line_whole_and_in_order_however_the_bytes_are_chunked(self):
        data = b"".join(b"line %06d " % i + b"x" * (i % 300) + b"\n" for i in range(20000))
        chooser = random.Random(7)
        o = JobOutput(self.written.append)
        i = 0
        while i < len(data):
            n = chooser.choice([1, 2, 7, 4096, 4097, 65536, 100000])
            o.feed(data[i : i + n])
            i += n
        o.close()
        self.assertEqual(self.text(), data)
        self.assertEqual(o.lines, 20000)
        self.assertTrue(all(w.endswith(b"\n") for w in self.written))

    def test_passes_bytes_through_untouched_and_ends_a_last_line_without_newline(self):
        o = JobOutput(self.written.append)
        o.feed(b"bin \xff\xfe\x00 end\nno newline at the end")
        o.close()
        self.assertEqual(self.text(), b"bin \xff\xfe\x00 end\nno newline at the end\n")

    def test_cuts_a_line_longer_than_the_bound_with_a_marker_at_a_utf8_boundary(self):
        o = JobOutput(self.written.append, max_line=100)
        o.feed(b"a" * 99 + "é".encode() + b"z" * 10000)
        for _ in range(100):
            o.feed(b"y" * 1000)  # no newline yet: nothing held beyond the bound
        held = len(o._pending)
        o.feed(b"\nnext\n" + b"b" * 250 + b"\n")
        o.close()
        self.assertLessEqual(held, 100)
        self.assertEqual(
            self.text().decode().split("\n"),
            [
                "a" * 99 + " [... 110002 more bytes of this line cut]",
                "next",
                "b" * 100 + " [... 150 more bytes of this line cut]",
                "",
            ],
        )

    def test_collapses_carriage_return_bar_updates_to_the_bars_last_state(self):
        o = JobOutput(self.written.append, bar_seconds=3600)
        o.feed(b"epoch 1\n")
        for i in range(1, 1001):
            o.feed(b"\r %d/1000 [" % i + b"#" * (i // 100) + b"]")
        o.feed(b"\ndone\r\n")
        o.close()
        self.assertEqual(self.text().decode().split("\n"), ["epoch 1", " 1000/1000 [##########]", "done", ""])

    def test_shows_a_bar_without_newline_at_most_once_per_bar_seconds_by_its_last_complete_state(self):
        now = [0.0]
        o = JobOutput(self.written.append, bar_seconds=10, clock=lambda: now[0])
        for i in range(1, 301):
            now[0] = i * 0.1  # 30 s of updates, one every 0.1 s
            o.feed(b"\rstep %d" % i)
        o.feed(b"\n")
        o.close()
        self.assertEqual(self.text().decode().split("\n"), ["step 99", "step 199", "step 299", "step 300", ""])

    def test_keeps_a_bounded_tail_of_the_last_lines(self):
        o = JobOutput(self.written.append, tail_lines=50)
        for i in range(100000):
            o.feed(b"line %d\n" % i)
        o.feed(b"tail end")
        o.close()
        self.assertEqual(len(o._tail), 50)
        self.assertEqual(o.tail(3), ["line 99998", "line 99999", "tail end"])
        self.assertEqual(len(o.tail(1000)), 50)


if __name__ == "__main__":
    unittest.main()

"""A local job's output on its way to the log: whole lines, forwarded as they come.

The SDK's own reader appends every 4 KiB chunk to one growing string (quadratic) and prints each
chunk as if it were a line. JobOutput instead works on bytes (binary-safe, never decoded on the
way), in time linear in the output, and holds at most one line bound plus a short tail:
- a line longer than `max_line` bytes is cut there, with a marker saying how much was left out;
- `\\r` progress-bar updates within a line collapse to the bar's last state; a bar that runs
  without a newline shows its latest complete state at most every `bar_seconds`;
- the last `tail_lines` lines are kept for the failure report (`tail(n)`).
"""

from __future__ import annotations

import time
from collections import deque

MAX_LINE_BYTES = 16 * 1024
TAIL_LINES = 100
BAR_SECONDS = 10.0


def cut_marker(left_out):
    return f" [... {left_out} more bytes of this line cut]".encode()


def last_state(line):
    """A line written over with \\r: the last non-empty state (also drops a \\r\\n ending's \\r)."""
    for part in reversed(line.split(b"\r")):
        if part:
            return part
    return b""


def char_boundary(data, end):
    """An index at or before `end` that does not split a UTF-8 character."""
    start = end
    while start > 0 and end - start < 3 and (data[start] & 0xC0) == 0x80:
        start -= 1
    return start if (data[start] & 0xC0) != 0x80 else end


class JobOutput:
    """Feed it the job's bytes; it writes whole lines to `write` (a callable taking bytes)."""

    def __init__(
        self, write, max_line=MAX_LINE_BYTES, tail_lines=TAIL_LINES, bar_seconds=BAR_SECONDS, clock=time.monotonic
    ):
        self._write = write
        self._max = max_line
        self._tail = deque(maxlen=tail_lines)
        self._bar_seconds = bar_seconds
        self._clock = clock
        self._pending = b""  # the line being written, at most max_line bytes (after collapsing)
        self._left_out = 0  # bytes of the pending line beyond max_line, dropped
        self._bar_shown = None  # the bar state last shown while its line goes on
        self._bar_at = clock()
        self.lines = 0
        self.bytes = 0

    def feed(self, data):
        if not data:
            return
        self.bytes += len(data)
        end = data.rfind(b"\n")
        if end < 0:
            self._add_to_pending(data)
            return
        first = data.find(b"\n")
        head = self._finish_pending(data[:first])
        body = data[first + 1 : end]
        lines = [head]
        if end > first:
            lines += body.split(b"\n")
            if b"\r" in body or (len(body) > self._max and max(map(len, lines)) > self._max):
                lines[1:] = [self._whole(line) for line in lines[1:]]
        self._emit(lines)
        self._add_to_pending(data[end + 1 :])

    def close(self):
        """The job's output ended: its last line, even without a newline, is forwarded."""
        if self._pending or self._left_out:
            self._emit([self._finish_pending(b"")])

    def tail(self, n=20):
        """The last n lines (n at most tail_lines), as text."""
        lines = list(self._tail)[-n:] if n > 0 else []
        return [line.decode("utf-8", "replace") for line in lines]

    def _emit(self, lines):
        self.lines += len(lines)
        self._tail.extend(lines[-(self._tail.maxlen or 0) :])
        self._write(b"\n".join(lines) + b"\n")

    def _whole(self, line):
        """A complete line as it is shown: its bar's last state, cut to max_line bytes."""
        if b"\r" in line:
            line = last_state(line)
        if len(line) <= self._max:
            return line
        cut = char_boundary(line, self._max)
        return line[:cut] + cut_marker(len(line) - cut)

    def _finish_pending(self, rest):
        if self._left_out:  # already cut: the rest of the line is left out too
            line = self._whole(self._pending) + cut_marker(self._left_out + len(rest))
        else:
            line = self._whole(self._pending + rest)
        self._pending, self._left_out, self._bar_shown = b"", 0, None
        return line

    def _add_to_pending(self, data):
        if self._left_out:
            self._left_out += len(data)
            return
        if not data:
            return
        pending = self._pending + data
        if b"\r" in data:
            # Only the bar's current state matters: keep the text after the last \r, and show the
            # last complete state now and then while the bar has not ended its line.
            head, _, current = pending.rpartition(b"\r")
            state = last_state(head)
            now = self._clock()
            if state and state != self._bar_shown and now - self._bar_at >= self._bar_seconds:
                self._emit([self._whole(state)])
                self._bar_shown, self._bar_at = state, now
            pending = state + b"\r" + current if state else current
        if len(pending) > self._max:
            cut = char_boundary(pending, self._max)
            self._left_out = len(pending) - cut
            pending = pending[:cut]
        self._pending = pending

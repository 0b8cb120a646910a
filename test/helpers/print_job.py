"""A job that prints a known output, run through the action's `entry_point` (tests and bench).

  print_job.py lines COUNT WIDTH   COUNT numbered lines of WIDTH bytes (newline included),
                                   written in odd-sized pieces that straddle lines
  print_job.py mixed               every case the log must get right, in this order: 3000
                                   numbered lines; a 100,000-byte line; a \\r progress bar of 50
                                   updates; a line that is not UTF-8; a last line without newline
Line i of `lines` is i zero-padded to WIDTH - 1 digits: a reader can check count and content.
"""

import sys

PIECE = 4093  # not a power of two: pieces end mid-line


def numbered_lines(first, count, width):
    return b"".join(b"%0*d\n" % (width - 1, i) for i in range(first, first + count))


def write(data):
    out = sys.stdout.buffer
    for start in range(0, len(data), PIECE):
        out.write(data[start:start + PIECE])
        out.flush()


def main(argv):
    if argv[0] == "lines":
        count, width = int(argv[1]), int(argv[2])
        block = 10_000
        for first in range(0, count, block):
            n = min(block, count - first)
            write(numbered_lines(first, n, width))
    elif argv[0] == "mixed":
        write(numbered_lines(0, 3000, 100))
        write(b"L" * 100_000 + b"\n")
        for i in range(1, 51):
            write(b"\rprogress %d/50" % i)
        write(b"\n")
        write(b"bytes \xff\xfe not utf-8\n")
        write(b"last line without newline")
    else:
        raise SystemExit(f"unknown mode {argv[0]}")


if __name__ == "__main__":
    main(sys.argv[1:])

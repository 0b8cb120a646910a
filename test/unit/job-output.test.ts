// src/job_output.py (JobOutput), the bridge's reader of a local job's output, driven from Python:
// whole lines whatever the chunking, long lines cut with a marker, \r bars collapsed, and memory
// bounded (pending line and tail) whatever the job prints.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, it } from 'node:test'
import { ROOT } from '../helpers/action.js'

/** Runs `code` with JobOutput imported and `out` collecting what it writes; returns its JSON print. */
function py(code: string): any {
  const prelude = [
    'import json, random',
    'from wandb_launch_bridge.local.job_output import JobOutput',
    'written = []',
    'def text(): return b"".join(written)'
  ].join('\n')
  const r = spawnSync('python3', ['-c', `${prelude}\n${code}`], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: path.join(ROOT, 'bridge') }
  })
  assert.equal(r.status, 0, r.stderr)
  return JSON.parse(r.stdout)
}

describe('JobOutput', () => {
  it('forwards every line whole and in order, however the bytes are chunked', () => {
    const result = py(`
data = b"".join(b"line %06d " % i + b"x" * (i % 300) + b"\\n" for i in range(20000))
random.seed(7)
o = JobOutput(written.append)
i = 0
while i < len(data):
    n = random.choice([1, 2, 7, 4096, 4097, 65536, 100000])
    o.feed(data[i:i + n]); i += n
o.close()
print(json.dumps({"same": text() == data, "lines": o.lines, "writes_end_in_newline": all(w.endswith(b"\\n") for w in written)}))`)
    assert.deepEqual(result, { same: true, lines: 20000, writes_end_in_newline: true })
  })

  it('passes bytes through untouched (not UTF-8, NUL) and ends a last line without newline', () => {
    const result = py(`
o = JobOutput(written.append)
o.feed(b"bin \\xff\\xfe\\x00 end\\nno newline at the end")
o.close()
print(json.dumps({"hex": text().hex()}))`)
    assert.equal(Buffer.from(result.hex, 'hex').toString('latin1'), 'bin \xff\xfe\x00 end\nno newline at the end\n')
  })

  it('cuts a line longer than the bound, with a marker naming what was left out, at a UTF-8 boundary', () => {
    const result = py(`
o = JobOutput(written.append, max_line=100)
o.feed(b"a" * 99 + "é".encode() + b"z" * 10000)
for _ in range(100): o.feed(b"y" * 1000)  # no newline yet: nothing held beyond the bound
held = len(o._pending)
o.feed(b"\\nnext\\n" + b"b" * 250 + b"\\n")
o.close()
print(json.dumps({"lines": text().decode().split("\\n"), "held": held}))`)
    assert.ok(result.held <= 100, `held ${result.held} bytes`)
    assert.deepEqual(result.lines, [
      `${'a'.repeat(99)} [... 110002 more bytes of this line cut]`,
      'next',
      `${'b'.repeat(100)} [... 150 more bytes of this line cut]`,
      ''
    ])
  })

  it('collapses \\r progress-bar updates to the bar\'s last state', () => {
    const result = py(`
o = JobOutput(written.append, bar_seconds=3600)
o.feed(b"epoch 1\\n")
for i in range(1, 1001):
    o.feed(b"\\r %d/1000 [" % i + b"#" * (i // 100) + b"]")
o.feed(b"\\ndone\\r\\n")
o.close()
print(json.dumps({"lines": text().decode().split("\\n"), "held": len(o._pending)}))`)
    assert.deepEqual(result.lines, ['epoch 1', ' 1000/1000 [##########]', 'done', ''])
  })

  it('shows a bar that runs without a newline at most once per bar_seconds, by its last complete state', () => {
    const result = py(`
now = [0.0]
o = JobOutput(written.append, bar_seconds=10, clock=lambda: now[0])
for i in range(1, 301):
    now[0] = i * 0.1  # 30 s of updates, one every 0.1 s
    o.feed(b"\\rstep %d" % i)
o.feed(b"\\n")
o.close()
print(json.dumps({"lines": text().decode().split("\\n")}))`)
    assert.deepEqual(result.lines, ['step 99', 'step 199', 'step 299', 'step 300', ''])
  })

  it('keeps a bounded tail of the last lines', () => {
    const result = py(`
o = JobOutput(written.append, tail_lines=50)
for i in range(100000):
    o.feed(b"line %d\\n" % i)
o.feed(b"tail end")
o.close()
print(json.dumps({"kept": len(o._tail), "tail": o.tail(3), "all": len(o.tail(1000))}))`)
    assert.deepEqual(result, { kept: 50, tail: ['line 99998', 'line 99999', 'tail end'], all: 50 })
  })
})

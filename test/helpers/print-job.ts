// The print job (print_job.py beside this file) as an entry_point, and what its `mixed` output
// must look like in the action's log.
import assert from 'node:assert/strict'
import path from 'node:path'
import { ROOT } from './action.js'

export const PRINT_JOB = path.join(ROOT, 'test', 'helpers', 'print_job.py')

/** The entry_point input that runs the print job with `python`. */
export function printJob(python: string, ...args: string[]): string {
  return JSON.stringify([python, PRINT_JOB, ...args])
}

/** Line i of `print_job.py lines COUNT WIDTH`. */
export function numberedLine(i: number, width: number): string {
  return String(i).padStart(width - 1, '0')
}

/** `print_job.py mixed` as the log must show it: every line whole, the long one cut with a
 * marker, the bar by its last state only, the last line although it has no newline. */
export function assertMixedOutput(log: string): void {
  const lines = log.split('\n')
  const numbered = lines.filter((l) => /^\d+$/.test(l))
  assert.equal(numbered.length, 3000, 'every numbered line, none split')
  numbered.forEach((line, i) => assert.equal(line, numberedLine(i, 100)))
  const long = lines.filter((l) => l.startsWith('LLL'))
  assert.deepEqual(
    long.map((l) => l.replace(/^L+/, (m) => `L x ${m.length}`)),
    ['L x 16384 [... 83616 more bytes of this line cut]']
  )
  assert.deepEqual(
    lines.filter((l) => l.includes('progress')),
    ['progress 50/50']
  )
  assert.equal(lines.filter((l) => l.startsWith('bytes ') && l.endsWith(' not utf-8')).length, 1)
  assert.ok(lines.includes('last line without newline'), 'the last line, without its newline')
  const order = ['0'.repeat(99), 'LLL', 'progress 50/50', 'bytes ', 'last line without newline'].map((s) =>
    lines.findIndex((l) => l.startsWith(s))
  )
  assert.deepEqual(
    [...order].sort((a, b) => a - b),
    order,
    'in the order printed'
  )
}

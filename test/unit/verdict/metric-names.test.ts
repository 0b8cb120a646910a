// One rule for finding a metric by name, in both languages: the gates here and the bridge's
// heartbeat read the same cases (the bridge's test reads this file too).
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { metricValue } from '../../../src/verdict/gates.js'
import { ROOT } from '../../helpers/action.js'

interface Case {
  summary: Record<string, unknown>
  name: string
  value: unknown
}
const CASES = JSON.parse(readFileSync(path.join(ROOT, 'test', 'fixtures', 'metric-names.json'), 'utf8')) as Case[]

describe('metric names: the exact key, else a path through nested values split on "."', () => {
  for (const c of CASES) {
    it(`${c.name} in ${JSON.stringify(c.summary)} is ${JSON.stringify(c.value)}`, () => {
      assert.deepEqual(metricValue(c.summary, c.name) ?? null, c.value)
    })
  }
})

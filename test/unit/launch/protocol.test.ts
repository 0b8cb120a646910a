// The contract with the bridge, TypeScript's side: the committed JSON Schema is what the zod
// schemas generate, every line the bridge sends is parsed with them (a malformed or unknown event
// is refused, saying which field), and the cancel timings keep their order. The bridge's own test
// holds its side to the same JSON Schema.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { Bridge } from '../../../src/launch/bridge-process.js'
import {
  BRIDGE_CANCEL_SECONDS,
  CONSTANTS,
  FAILED_STATES,
  parseEventLine,
  type BridgeEvent,
  type BridgeRequest
} from '../../../src/launch/protocol/index.js'
import { ROOT } from '../../helpers/action.js'

const result = { event: 'result', state: 'finished', cancelled: false, timed_out: false, submitted: true, cancel_error: null }

describe('the bridge protocol (TypeScript side)', () => {
  it('the committed JSON Schema is what the protocol module generates', () => {
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/protocol.ts', '--check'], { cwd: ROOT, stdio: 'pipe' })
  })

  it('a well-formed event parses', () => {
    const parsed = parseEventLine(JSON.stringify(result))
    assert.ok(parsed.ok)
    assert.equal(parsed.event.event, 'result')
  })

  it('a malformed or unknown event is refused, naming the field', () => {
    const problem = (value: unknown) => {
      const parsed = parseEventLine(typeof value === 'string' ? value : JSON.stringify(value))
      assert.ok(!parsed.ok, `accepted ${JSON.stringify(value)}`)
      return parsed.problem
    }
    assert.equal(problem('{"event": "result",'), 'not JSON')
    assert.match(problem({ ...result, event: 'launched' }), /^event: /)
    assert.match(problem({ ...result, cancelled: 'no' }), /^cancelled: .*boolean/)
    const { submitted: _, ...missing } = result
    assert.match(problem(missing), /^submitted: /)
    assert.match(problem({ ...result, surprise: 1 }), /surprise/)
    assert.match(problem({ event: 'error', kind: 'teapot', message: 'm', exception_type: null, traceback: null }), /^kind: /)
  })

  it('the cancel timings keep their order, and end within 5 s of a cancel', () => {
    assert.ok(CONSTANTS.CANCEL_SECONDS < CONSTANTS.WATCHDOG_SECONDS)
    assert.ok(CONSTANTS.WATCHDOG_SECONDS < BRIDGE_CANCEL_SECONDS)
    assert.ok(BRIDGE_CANCEL_SECONDS < 5)
  })

  it('the states that fail a step are the failing ones of both vocabularies', () => {
    assert.deepEqual([...FAILED_STATES].sort(), ['crashed', 'failed', 'killed', 'preempted', 'stopped'])
    for (const state of CONSTANTS.RUN_FAILED_STATES) assert.ok(CONSTANTS.RUN_END_STATES.includes(state))
  })

  it('a bridge that sends a line the protocol refuses: the line is reported, the good events still arrive', async () => {
    // stands in for the interpreter: prints two events and a bad line whatever it is asked to run
    const dir = mkdtempSync(path.join(tmpdir(), 'protocol-'))
    const fake = path.join(dir, 'python')
    const lines = [JSON.stringify({ event: 'tags', tags: ['a'], error: null }), '{"event": "tags", "tags": "a"}', JSON.stringify(result)]
    writeFileSync(fake, `#!/bin/sh\ncat >/dev/null\nprintf '%s\\n' ${lines.map((l) => `'${l}'`).join(' ')}\n`)
    chmodSync(fake, 0o755)
    const events: BridgeEvent[] = []
    const bad: string[] = []
    const request: BridgeRequest = { launch: { run_id: 'r' }, synchronous: true, progress: { interval_seconds: 0, metrics: [] } }
    const bridge = Bridge.start({
      python: fake,
      request,
      env: process.env,
      onEvent: (e) => events.push(e),
      onLog: () => {},
      onBadEvent: (_line, problem) => bad.push(problem)
    })
    await bridge.exited
    assert.deepEqual(
      events.map((e) => e.event),
      ['tags', 'result']
    )
    assert.equal(bad.length, 1)
    assert.match(bad[0] as string, /^tags: /)
  })
})

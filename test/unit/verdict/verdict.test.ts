import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ErrorEvent, ResultEvent, SdkEvent } from '../../../src/launch/protocol/index.js'
import type { Inputs } from '../../../src/inputs/inputs.js'
import type { Outcome, Submitted } from '../../../src/launch/outcome.js'
import { errorMessage } from '../../../src/text/error-message.js'
import { formatDuration } from '../../../src/text/duration.js'
import { FAILED_STATES } from '../../../src/launch/protocol/index.js'
import { verdict } from '../../../src/verdict/verdict.js'
import { minimalInputs } from '../../helpers/inputs.js'

const RUN_ID = 'ab12cd34'
const RUN_URL = `https://wandb.ai/team/proj/runs/${RUN_ID}`
const PYTHON = '/opt/hostedtoolcache/Python/3.12.4/x64/bin/python3'

function inputs(overrides: Partial<Inputs> = {}): Inputs {
  return minimalInputs({ runId: RUN_ID, apiKey: 'secret-key', ...overrides })
}

const sdk: SdkEvent = { event: 'sdk', python: PYTHON, python_version: '3.12.4', wandb_version: '0.19.1' }
const submitted: Submitted = { runId: RUN_ID, runUrl: RUN_URL, entity: 'team', project: 'proj', backendId: 'pid-42' }

function result(overrides: Partial<ResultEvent> = {}): ResultEvent {
  return {
    event: 'result',
    state: 'finished',
    cancelled: false,
    timed_out: false,
    submitted: true,
    cancel_error: null,
    ...overrides
  }
}

function launchError(overrides: Partial<ErrorEvent> = {}): ErrorEvent {
  return {
    event: 'error',
    kind: 'launch_error',
    message: 'boom',
    exception_type: 'LaunchError',
    traceback: null,
    ...overrides
  }
}

/** A bridge that reported the SDK, the submitted run and the given result. */
function outcome(overrides: Partial<Outcome> = {}): Outcome {
  return { sdk, submitted, result: result(), exitCode: 0, logTail: [], seconds: 42, ...overrides }
}

function assertMentions(message: string, ...parts: string[]): void {
  for (const part of parts) assert.ok(message.includes(part), `${JSON.stringify(message)} does not mention ${JSON.stringify(part)}`)
}

describe('verdict on a waited-for run', () => {
  it('finished is ok and names the run and its URL', () => {
    const v = verdict(outcome(), inputs())
    assert.equal(v.ok, true)
    assertMentions(v.message, RUN_ID, RUN_URL, 'finished')
  })

  it("the failed states: the SDK's failed, stopped, preempted and the W&B run states crashed, killed", () =>
    assert.deepEqual([...FAILED_STATES].sort(), ['crashed', 'failed', 'killed', 'preempted', 'stopped']))

  for (const state of ['failed', 'stopped', 'preempted', 'crashed', 'killed']) {
    it(`${state} is not ok and names the run ID, state and URL`, () => {
      const v = verdict(outcome({ result: result({ state }) }), inputs())
      assert.equal(v.ok, false)
      assertMentions(v.message, RUN_ID, state, RUN_URL)
    })
  }

  for (const state of ['running', 'pending', 'unknown']) {
    it(`an unexpected state ${state} is not ok and is named`, () => {
      const v = verdict(outcome({ result: result({ state }) }), inputs())
      assert.equal(v.ok, false)
      assertMentions(v.message, 'unexpected state', `"${state}"`, RUN_ID, RUN_URL)
    })
  }

  it('no state at all is not ok', () => {
    const v = verdict(outcome({ result: result({ state: null }) }), inputs())
    assert.equal(v.ok, false)
    assertMentions(v.message, 'unexpected state')
  })

  it('without a submitted event the run ID is missing but the verdict still stands', () => {
    const v = verdict(outcome({ submitted: undefined, result: result({ state: 'failed' }) }), inputs())
    assert.equal(v.ok, false)
    assertMentions(v.message, 'failed')
    assert.ok(!v.message.includes('undefined'), v.message)
  })
})

describe('verdict with synchronous false', () => {
  for (const state of ['pending', 'running', 'finished', 'failed', null]) {
    it(`is ok whatever the state (${state})`, () => {
      const v = verdict(outcome({ result: result({ state }) }), inputs({ synchronous: false }))
      assert.equal(v.ok, true)
      assertMentions(v.message, RUN_ID, RUN_URL, 'submitted', `state ${state}`, 'synchronous is false')
    })
  }
  it('a cancel still fails it', () => {
    const v = verdict(outcome({ result: result({ cancelled: true, state: 'stopped' }) }), inputs({ synchronous: false }))
    assert.equal(v.ok, false)
  })
})

describe('verdict on a cancelled launch', () => {
  it('cancelled before submission: nothing was launched', () => {
    const v = verdict(outcome({ submitted: undefined, result: result({ cancelled: true, submitted: false, state: null }) }), inputs())
    assert.equal(v.ok, false)
    assertMentions(v.message, 'Cancelled before the run was submitted', 'nothing was launched')
  })

  it('cancelled after submission names the run, URL and state', () => {
    const v = verdict(outcome({ result: result({ cancelled: true, submitted: true, state: 'stopped' }) }), inputs())
    assert.equal(v.ok, false)
    assertMentions(v.message, 'Cancelled', RUN_ID, RUN_URL, 'state stopped')
    assert.ok(!v.message.includes('cancel reported'), v.message)
  })

  it('a failed cancel is reported', () => {
    const v = verdict(outcome({ result: result({ cancelled: true, state: 'running', cancel_error: 'HTTP 500 from the agent' }) }), inputs())
    assert.equal(v.ok, false)
    assertMentions(v.message, 'HTTP 500 from the agent', 'state running')
  })
})

describe('verdict on a timed-out run', () => {
  const cases: [number, string][] = [
    [5400, '1h 30m'],
    [1800, '30m 00s'],
    [45, '45s']
  ]
  for (const [timeoutSeconds, shown] of cases) {
    it(`names the timeout ${shown}, the run and its state`, () => {
      const v = verdict(outcome({ result: result({ timed_out: true, state: 'running' }) }), inputs({ timeoutSeconds }))
      assert.equal(v.ok, false)
      assertMentions(v.message, `timeout of ${shown}`, RUN_ID, RUN_URL, 'state running')
    })
  }
  it('includes a failed cancel', () => {
    const v = verdict(
      outcome({ result: result({ timed_out: true, state: 'running', cancel_error: 'no such run' }) }),
      inputs({ timeoutSeconds: 60 })
    )
    assertMentions(v.message, 'no such run')
  })
})

describe('verdict on bridge errors', () => {
  it('wandb_missing says how to fix it', () => {
    const v = verdict(
      outcome({
        submitted: undefined,
        result: undefined,
        exitCode: 3,
        error: launchError({ kind: 'wandb_missing', message: "No module named 'wandb'" })
      }),
      inputs()
    )
    assert.equal(v.ok, false)
    assertMentions(v.message, 'wandb is not installed', PYTHON, '3.12.4', 'pip install wandb', 'python input')
  })

  it('wandb_missing without an sdk event still names the interpreter generically', () => {
    const v = verdict(
      outcome({ sdk: undefined, submitted: undefined, result: undefined, error: launchError({ kind: 'wandb_missing' }) }),
      inputs()
    )
    assert.equal(v.ok, false)
    assertMentions(v.message, 'the Python interpreter', 'pip install wandb')
  })

  it('wandb_too_old names the version found and the minimum', () => {
    const v = verdict(
      outcome({
        sdk: { ...sdk, wandb_version: '0.16.6' },
        submitted: undefined,
        result: undefined,
        error: launchError({ kind: 'wandb_too_old', message: 'too old' })
      }),
      inputs()
    )
    assert.equal(v.ok, false)
    assertMentions(v.message, '0.16.6', '0.17', PYTHON, 'pip install -U')
  })

  const sdkMessages = [
    'Could not find job team/proj/trainer:latest',
    "Launch error: resource_args must contain 'kubernetes' for resource kubernetes",
    'Docker is not running.\nStart the docker daemon: `sudo systemctl start docker`'
  ]
  for (const message of sdkMessages) {
    it(`launch_error passes the SDK message through verbatim: ${JSON.stringify(message.slice(0, 30))}`, () => {
      const v = verdict(outcome({ submitted: undefined, result: undefined, error: launchError({ message }) }), inputs())
      assert.equal(v.ok, false)
      assert.equal(v.message, message)
    })
  }

  it('an error wins over a result', () => {
    const v = verdict(outcome({ error: launchError({ message: 'agent lost' }) }), inputs())
    assert.deepEqual(v, { ok: false, message: 'agent lost' })
  })

  it('an empty error message falls back to the exception type', () => {
    const v = verdict(outcome({ result: undefined, error: launchError({ message: '', exception_type: 'ValueError' }) }), inputs())
    assert.deepEqual(v, { ok: false, message: 'ValueError' })
  })

  it('no message and no exception type still gives a message', () => {
    const v = verdict(outcome({ result: undefined, error: launchError({ message: '', exception_type: null }) }), inputs())
    assert.equal(v.ok, false)
    assert.ok(v.message.length > 0)
  })

  const deaths: [number | null, string[]][] = [
    [1, ['Traceback (most recent call last):', '  File "launch_bridge.py", line 9', "KeyError: 'launch'"]],
    [137, ['Killed']],
    [2, []]
  ]
  for (const [exitCode, logTail] of deaths) {
    it(`a bridge that exited with ${exitCode} without a result names the code and its last ${logTail.length} lines`, () => {
      const v = verdict(outcome({ submitted: undefined, result: undefined, exitCode, logTail }), inputs())
      assert.equal(v.ok, false)
      assertMentions(v.message, `exited with code ${exitCode}`, 'before reporting a result', ...logTail)
      if (logTail.length === 0) assert.ok(!v.message.includes('last output'), v.message)
      else assertMentions(v.message, logTail.join('\n'))
    })
  }
})

describe('formatDuration', () => {
  const cases: [number, string][] = [
    [0, '0.0s'],
    [4.2, '4.2s'],
    [9.94, '9.9s'],
    [10, '10s'],
    [42.4, '42s'],
    [59.4, '59s'],
    [60, '1m 00s'],
    [90, '1m 30s'],
    [605, '10m 05s'],
    [3599, '59m 59s'],
    [3600, '1h 00m'],
    [5415, '1h 30m'],
    [90060, '25h 01m']
  ]
  for (const [seconds, text] of cases) {
    it(`${seconds} -> ${text}`, () => assert.equal(formatDuration(seconds), text))
  }
})

describe('errorMessage', () => {
  const cyclic: Record<string, unknown> = { name: 'loop' }
  cyclic.self = cyclic
  const cases: [string, unknown, string][] = [
    ['an Error', new Error('disk full'), 'disk full'],
    ['an Error subclass', new TypeError('not a function'), 'not a function'],
    ['a string', 'plain text', 'plain text'],
    ['a plain object', { code: 42, reason: 'nope' }, '{"code":42,"reason":"nope"}'],
    ['an array', ['a', 1], '["a",1]'],
    ['a number', 7, '7'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['a BigInt (JSON.stringify throws)', 10n, '10'],
    ['a cyclic object (JSON.stringify throws)', cyclic, '[object Object]'],
    [
      'an object whose toJSON throws',
      {
        toJSON: () => {
          throw new Error('no')
        },
        toString: () => 'custom'
      },
      'custom'
    ]
  ]
  for (const [what, value, text] of cases) {
    it(what, () => {
      let message: unknown
      assert.doesNotThrow(() => {
        message = errorMessage(value)
      })
      assert.equal(message, text)
    })
  }
})

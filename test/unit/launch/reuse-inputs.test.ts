// provenance, reuse and attach's wait for a run, from the inputs to the request, the log lines
// and the verdict.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { INPUT_NAMES, InputError, type RawInputs } from '../../../src/inputs/inputs.js'
import { parseInputs } from '../../../src/inputs/schema.js'
import { progressLine, reusedLine } from '../../../src/launch/log-lines.js'
import type { Outcome } from '../../../src/launch/outcome.js'
import type { ResultEvent } from '../../../src/launch/protocol/index.js'
import { launchKey, workflowRunUrl } from '../../../src/launch/provenance.js'
import { buildRequest } from '../../../src/launch/request.js'
import { conclusion, verdict } from '../../../src/verdict/verdict.js'
import { minimalInputs } from '../../helpers/inputs.js'

const RUNNER = { GITHUB_REPOSITORY: 'octo/models', GITHUB_SHA: 'a'.repeat(40), GITHUB_RUN_ID: '77', GITHUB_RUN_ATTEMPT: '1' }

function raw(overrides: Partial<RawInputs> = {}): RawInputs {
  const all = Object.fromEntries(INPUT_NAMES.map((name) => [name, ''])) as RawInputs
  return { ...all, job: 'e/p/j:latest', api_key: 'k', ...overrides }
}

function problems(inputs: RawInputs, env: Record<string, string> = {}): string[] {
  try {
    parseInputs(inputs, env)
  } catch (error) {
    assert.ok(error instanceof InputError)
    return error.problems
  }
  return []
}

describe('inputs: provenance and reuse', () => {
  it('provenance defaults to true, reuse to false; both take true or false only', () => {
    const inputs = parseInputs(raw(), {})
    assert.equal(inputs.provenance, true)
    assert.equal(inputs.reuse, false)
    assert.equal(parseInputs(raw({ provenance: 'false' }), {}).provenance, false)
    assert.deepEqual(problems(raw({ provenance: 'yes', reuse: 'on' })), [
      'provenance: must be true or false, got "yes"',
      'reuse: must be true or false, got "on"'
    ])
  })

  it('reuse needs provenance, a GitHub runner, and a launch (not attach): every problem at once', () => {
    assert.equal(parseInputs(raw({ reuse: 'true' }), RUNNER).reuse, true)
    assert.deepEqual(problems(raw({ reuse: 'true', provenance: 'false' })), [
      'reuse: finds earlier runs by the launch key their provenance records: it needs provenance: true',
      'reuse: needs the commit and repository a GitHub runner sets (GITHUB_SHA, GITHUB_REPOSITORY): run it in a workflow, or set reuse: false'
    ])
    assert.deepEqual(problems(raw({ job: '', attach: 'e/p/r1', reuse: 'true' }), RUNNER), [
      'reuse: takes an earlier run instead of launching one, but attach follows a given run: remove reuse (or attach)'
    ])
  })

  it("queue_timeout bounds attach's wait for a run path; 10 minutes when empty; still a queue input otherwise", () => {
    assert.equal(parseInputs(raw({ job: '', attach: 'e/p/r1', queue_timeout: '30m' }), {}).appearSeconds, 1800)
    assert.equal(parseInputs(raw({ job: '', attach: 'e/p/r1' }), {}).appearSeconds, 600)
    assert.deepEqual(problems(raw({ queue_timeout: '30m' })), ['queue_timeout: applies only to queue mode: it needs queue'])
  })
})

describe('request: provenance, reuse, attach_wait_seconds', () => {
  const origin = { env: RUNNER, event: {} }

  it('carries the provenance with the launch key of its own launch arguments', () => {
    const request = buildRequest(minimalInputs({ reuse: true }), undefined, origin)
    assert.equal(request.reuse, true)
    assert.equal(request.provenance?.sha, 'a'.repeat(40))
    assert.equal(request.provenance?.launch_key, launchKey({ launch: request.launch, queue: request.queue }))
    assert.equal(request.provenance?.run_url, 'https://github.com/octo/models/actions/runs/77/attempts/1')
  })

  it('none with provenance false or off a runner; attach records no launch key and its wait', () => {
    assert.equal(buildRequest(minimalInputs({ provenance: false }), undefined, origin).provenance, undefined)
    assert.equal(buildRequest(minimalInputs(), undefined, { env: {}, event: undefined }).provenance, undefined)
    assert.ok(!('reuse' in buildRequest(minimalInputs(), undefined, origin)))
    const attach = buildRequest(
      minimalInputs({ dockerImage: undefined, attach: { kind: 'run', entity: 'e', project: 'p', runId: 'r1' }, appearSeconds: 90 }),
      undefined,
      origin
    )
    assert.equal(attach.provenance?.launch_key, null)
    assert.equal(attach.attach_wait_seconds, 90)
  })
})

describe('the log lines and the verdict', () => {
  const outcome = (result: Partial<ResultEvent>, more: Partial<Outcome> = {}): Outcome => ({
    exitCode: 0,
    logTail: [],
    seconds: 1,
    result: { event: 'result', state: null, cancelled: false, timed_out: false, submitted: false, cancel_error: null, ...result },
    ...more
  })
  const attach = minimalInputs({
    dockerImage: undefined,
    attach: { kind: 'run', entity: 'e', project: 'p', runId: 'r1' },
    appearSeconds: 600,
    timeoutSeconds: 120
  })

  it('builds the workflow run link from digits and this repository only', () => {
    assert.equal(workflowRunUrl(RUNNER, '123', 2), 'https://github.com/octo/models/actions/runs/123/attempts/2')
    assert.equal(workflowRunUrl(RUNNER, '123', null), 'https://github.com/octo/models/actions/runs/123')
    assert.equal(workflowRunUrl(RUNNER, 'https://evil.example/x', 1), undefined)
    assert.equal(workflowRunUrl({}, '123', 1), undefined)
  })

  it('says a run is reused, and from where', () => {
    assert.equal(
      reusedLine({ runId: 'r1', state: 'finished', workflowRunUrl: 'https://github.com/o/r/actions/runs/1' }, 'a'.repeat(40)),
      'reuse: W&B run r1 (finished, launched by workflow run https://github.com/o/r/actions/runs/1) ran the same launch inputs on commit aaaaaaaaaaaa: it is judged instead of launching a new run'
    )
    const v = verdict(
      outcome(
        { state: 'finished', submitted: true },
        {
          reused: { runId: 'r1', state: 'finished' },
          submitted: { runId: 'r1', runUrl: 'https://wandb.ai/e/p/runs/r1', entity: 'e', project: 'p' }
        }
      ),
      minimalInputs({ reuse: true })
    )
    assert.deepEqual(v, {
      ok: true,
      message:
        'Reused W&B run r1: the same launch inputs on this commit (reuse: true), so nothing was launched. W&B run r1 finished (https://wandb.ai/e/p/runs/r1).'
    })
  })

  it('attach: waiting, never started, cancelled and timed out while waiting', () => {
    assert.equal(
      progressLine(
        { event: 'progress', stage: 'not_started', run_id: 'r1', item_state: null, run_state: null, message: null },
        outcome({}),
        65,
        600
      ),
      '[1m 05s] W&B run r1 is not on W&B yet (its job has not called wandb.init): waiting for it up to 10m 00s'
    )
    const never = outcome({ never_appeared: true })
    assert.match(
      verdict(never, attach).message,
      /^W&B run e\/p\/r1 never started: it was not on W&B within 10m 00s \(queue_timeout; empty waits 10m\)\. Check that the step that launched it succeeded/
    )
    assert.equal(conclusion(never, verdict(never, attach)), 'timed_out')
    assert.equal(
      verdict(outcome({ cancelled: true }), attach).message,
      'Cancelled while waiting for W&B run e/p/r1 to appear: nothing was stopped.'
    )
    assert.match(
      verdict(outcome({ timed_out: true }), attach).message,
      /^W&B run e\/p\/r1 did not appear within the timeout of 2m 00s: nothing was stopped\./
    )
  })
})

// The expression substitution of the workflow emulator (test/helpers/workflow.ts): what it knows
// behaves as GitHub's does, and what it does not know fails instead of becoming an empty string.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { evaluate, markdownJobs, shouldRun, substitute, type Scope } from '../helpers/workflow.js'

function scope(overrides: Partial<Scope> = {}): Scope {
  return {
    github: { run_id: '123', workspace: '/ws', token: 'ghs_t', ref_name: 'feature' },
    secrets: { WANDB_API_KEY: 'k3y' },
    vars: { QUEUE: 'gpu' },
    env: { MODE: 'fast' },
    steps: {
      ok: { outputs: { run_id: 'abc12345', state: 'finished' }, outcome: 'success', conclusion: 'success' },
      bad: { outputs: { run_id: 'selftest-123' }, outcome: 'failure', conclusion: 'success' }
    },
    needs: { launch: { result: 'success', outputs: { queue_item_id: 'SXRlbQ==' } } },
    event: { client_payload: { run_path: 'e/p/r1' } },
    healthy: true,
    ...overrides
  }
}

describe('substitute', () => {
  it('replaces the contexts our YAML uses', () => {
    assert.equal(
      substitute('${{ steps.ok.outputs.run_id }} ${{steps.bad.outcome}} ${{ steps.bad.conclusion }} ${{ github.run_id }}', scope()),
      'abc12345 failure success 123'
    )
    assert.equal(substitute('${{ github.workspace }}/test/fake-sdk', scope()), '/ws/test/fake-sdk')
    assert.equal(substitute('ci, ${{ github.ref_name }}', scope()), 'ci, feature')
    assert.equal(substitute('${{ github.token }}|${{ secrets.WANDB_API_KEY }}|${{ vars.QUEUE }}|${{ env.MODE }}', scope()), 'ghs_t|k3y|gpu|fast')
  })

  it('reads the needed jobs and the event payload', () => {
    assert.equal(
      substitute('${{ needs.launch.outputs.queue_item_id }} ${{ needs.launch.result }} ${{ github.event.client_payload.run_path }}', scope()),
      'SXRlbQ== success e/p/r1'
    )
    assert.throws(() => substitute('${{ needs.other.outputs.x }}', scope()), /does not need a job other/)
    assert.throws(() => substitute('${{ github.event.client_payload.nope }}', scope()), /not in the event/)
  })

  it('gives an empty string for an output a step did not set and an unset env variable', () => {
    assert.equal(substitute('[${{ steps.ok.outputs.nothing }}][${{ env.NOPE }}]', scope()), '[][]')
  })

  it('leaves text without expressions alone, across lines', () => {
    assert.equal(substitute('echo "$RUN_ID"\n[ "$STATE" = finished ]', scope()), 'echo "$RUN_ID"\n[ "$STATE" = finished ]')
    assert.equal(substitute('a ${{ steps.ok.outputs.state }}\nb ${{ github.run_id }}', scope()), 'a finished\nb 123')
  })

  it('fails on what it does not emulate, naming the expression', () => {
    for (const [text, why] of [
      ['${{ github.sha }}', /github\.sha is not emulated/],
      ['${{ matrix.os }}', /the context matrix is not emulated/],
      ['${{ steps.later.outputs.x }}', /no earlier step has the id later/],
      ['${{ steps.ok.result }}', /steps\.ok\.result is not emulated/],
      ['${{ secrets.OTHER }}', /the test gives no secret OTHER/],
      ["${{ format('{0}', 1) }}", /the function format\(\) is not emulated|unexpected/],
      ["${{ contains(github.run_id, '1') }}", /not emulated|unexpected/],
      ['${{ steps.ok.outputs.run_id + 1 }}', /unexpected "\+ 1"/]
    ] as const) {
      assert.throws(() => substitute(text, scope()), (error: Error) => {
        assert.match(error.message, /^the workflow emulator cannot evaluate \$\{\{ /)
        assert.match(error.message, why)
        return true
      }, text)
    }
  })
})

describe('evaluate', () => {
  it('compares strings ignoring case, and values of different types as numbers, as GitHub does', () => {
    assert.equal(evaluate("steps.ok.outputs.state == 'FINISHED'", scope()), true)
    assert.equal(evaluate("steps.ok.outputs.run_id != ''", scope()), true)
    assert.equal(evaluate("steps.ok.outputs.missing != ''", scope()), false)
    assert.equal(evaluate("'1' == 1", scope()), true)
    assert.equal(evaluate("'' == 0 && null == false", scope()), true)
    assert.equal(evaluate("'It''s' == 'it''S'", scope()), true)
  })

  it('has && and || return an operand, ! and parentheses', () => {
    assert.equal(evaluate("steps.ok.outputs.missing || 'fallback'", scope()), 'fallback')
    assert.equal(evaluate("steps.ok.outputs.state && 'yes'", scope()), 'yes')
    assert.equal(evaluate("!(steps.bad.outcome == 'failure')", scope()), false)
  })
})

describe('shouldRun (if:)', () => {
  it('implies success() without a status function', () => {
    assert.equal(shouldRun(undefined, scope()), true)
    assert.equal(shouldRun(undefined, scope({ healthy: false })), false)
    assert.equal(shouldRun("steps.ok.outputs.run_id != ''", scope({ healthy: false })), false)
    assert.equal(shouldRun("${{ steps.ok.outputs.run_id != '' }}", scope()), true)
  })

  it('knows always(), success() and failure()', () => {
    assert.equal(shouldRun('always()', scope({ healthy: false })), true)
    assert.equal(shouldRun("always() && steps.ok.outputs.run_id != ''", scope({ healthy: false })), true)
    assert.equal(shouldRun("always() && steps.ok.outputs.nothing != ''", scope({ healthy: false })), false)
    assert.equal(shouldRun('failure()', scope()), false)
    assert.equal(shouldRun('failure()', scope({ healthy: false })), true)
    assert.equal(shouldRun('${{ success() }}', scope({ healthy: false })), false)
  })
})

describe('markdownJobs', () => {
  const self = /^[^/\s]+\/wandb-launch-action@v\d+$/
  it('takes the yaml blocks that use the action, as a step list or a whole workflow', () => {
    const markdown = [
      '# x',
      '```yaml',
      '- uses: <owner>/wandb-launch-action@v1',
      '  with: { job: a }',
      '```',
      'text',
      '```yaml',
      'with:',
      '  job: b',
      '```',
      '```yaml',
      'on: push',
      'jobs:',
      '  train:',
      '    runs-on: ubuntu-latest',
      '    env: { A: "1" }',
      '    steps:',
      '      - id: launch',
      '        uses: <owner>/wandb-launch-action@v1',
      '```',
      ''
    ].join('\n')
    const jobs = markdownJobs(markdown, self)
    assert.deepEqual(
      jobs.map((job) => [job.source, job.steps.map((step) => step.uses), job.env]),
      [
        ['README.md line 3', ['<owner>/wandb-launch-action@v1'], {}],
        ['README.md line 12 jobs.train', ['<owner>/wandb-launch-action@v1'], { A: '1' }]
      ]
    )
  })

  it('fails on a job or step key it does not implement', () => {
    const block = (extra: string) => '```yaml\n- uses: ./\n' + extra + '\n```\n'
    assert.throws(() => markdownJobs(block('  working-directory: sub'), self), /does not implement `working-directory`/)
    assert.throws(() => markdownJobs(block('  shell: python'), self), /only shell bash is emulated/)
    assert.throws(
      () => markdownJobs('```yaml\njobs:\n  a:\n    strategy: {}\n    steps:\n      - uses: ./\n```\n', self),
      /does not implement the job key `strategy`/
    )
  })
})

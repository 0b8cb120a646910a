// The workflow emulator (test/helpers/workflow.ts) on GitHub's libraries: YAML that GitHub's
// parser refuses fails with the parser's message and the line (a scratch copy of the README
// broken on purpose), expressions behave as GitHub's evaluator makes them behave, and the job's
// steps run with the status functions, continue-on-error, outputs and file commands as the
// runner handles them.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { ROOT } from '../../helpers/action.js'
import { asString, evaluate, truthy, type Contexts } from '../../helpers/expressions.js'
import { markdownJobs, runJob, type Job } from '../../helpers/workflow.js'

const SELF = /^<owner>\/wandb-launch-action@v1$/
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8')

const contexts: Contexts = {
  github: { run_id: '123', ref_name: 'Feature', event: { client_payload: { run_path: 'e/p/r1' } } },
  steps: {
    ok: { outputs: { run_id: 'abc12345', state: 'finished' }, outcome: 'success', conclusion: 'success' },
    bad: { outputs: {}, outcome: 'failure', conclusion: 'success' }
  },
  needs: { launch: { result: 'success', outputs: { queue_item_id: 'SXRlbQ==' } } },
  env: { MODE: 'fast' },
  matrix: { model: 'resnet' }
}
const value = (expression: string) => asString(evaluate(expression, contexts))

describe("expressions, by GitHub's evaluator", () => {
  it('reads the contexts, an absent property as empty', () => {
    assert.equal(value('steps.ok.outputs.run_id'), 'abc12345')
    assert.equal(value("steps['ok'].outputs.STATE"), 'finished') // property names ignore case
    assert.equal(value('needs.launch.outputs.queue_item_id'), 'SXRlbQ==')
    assert.equal(value('github.event.client_payload.run_path'), 'e/p/r1')
    assert.equal(value('matrix.model'), 'resnet')
    assert.equal(value('steps.ok.outputs.nothing'), '')
  })

  it('compares strings ignoring case and mixed types as numbers; && and || return an operand', () => {
    assert.equal(value("github.ref_name == 'feature'"), 'true')
    assert.equal(value("'1' == 1 && '' == 0 && null == false"), 'true')
    assert.equal(value("steps.ok.outputs.nothing || 'fallback'"), 'fallback')
    assert.equal(value("steps.ok.outputs.state && 'yes'"), 'yes')
    assert.equal(value("!(steps.bad.outcome == 'failure')"), 'false')
  })

  it('has the functions GitHub has: format, contains, fromJSON, toJSON, join, startsWith', () => {
    assert.equal(value("format('{0}/{1}', github.run_id, matrix.model)"), '123/resnet')
    assert.equal(value('contains(fromJSON(\'["a","b"]\'), \'B\')'), 'true')
    assert.equal(value("join(fromJSON('[1,2]'), '+')"), '1+2')
    assert.equal(value("startsWith(github.ref_name, 'feat')"), 'true')
    assert.equal(value('fromJSON(\'{"a": 2}\').a * 1'.replace(' * 1', '')), '2')
  })

  it('evaluates the status functions over the job state', () => {
    assert.equal(truthy(evaluate('success()', contexts, { failed: true })), false)
    assert.equal(truthy(evaluate('failure()', contexts, { failed: true })), true)
    assert.equal(truthy(evaluate('always()', contexts, { failed: true })), true)
    assert.equal(truthy(evaluate('cancelled()', contexts, { failed: false, cancelled: true })), true)
  })

  it('fails on a syntax error, an unknown context or function, naming the expression', () => {
    assert.throws(() => value('steps.ok.outputs.run_id +'), /^Error: \$\{\{ steps\.ok\.outputs\.run_id \+ \}\}: /)
    assert.throws(() => value('vars.X'), /Unrecognized named-value: 'vars'/)
    assert.throws(() => value("hashFiles('x')"), /Unrecognized function: 'hashFiles'/)
  })
})

describe("Markdown examples, by GitHub's workflow parser", () => {
  const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length

  it('reads every example of the README as a job', async () => {
    const jobs = await markdownJobs(README, SELF)
    assert.ok(jobs.length >= 9, String(jobs.length))
    assert.ok(jobs.every((job) => job.steps.some((step) => step.uses && SELF.test(step.uses))))
  })

  it('refuses a broken expression in a scratch copy, with the parser message and the Markdown line', async () => {
    const needle = "if: always() && steps.train.outputs.run_id != ''"
    assert.ok(README.includes(needle), 'the README example moved')
    const broken = README.replace(needle, "if: always() && steps.train.outputs.run_id != '' &&")
    await assert.rejects(markdownJobs(broken, SELF), (error: Error) => {
      assert.match(error.message, /GitHub's workflow parser refuses it/)
      assert.match(error.message, new RegExp(`README\\.md line ${lineOf(README, needle)}: .*Unexpected end of expression`))
      return true
    })
    const unknown = README.replace('${{ steps.launch.outputs.run_id }}', '${{ step.launch.outputs.run_id }}')
    assert.notEqual(unknown, README)
    await assert.rejects(markdownJobs(unknown, SELF), /Unrecognized named-value: 'step'/)
  })

  it('refuses a misspelt key in a scratch copy, at its line', async () => {
    const needle = '          queue_timeout: 30m\n      - if: always()'
    assert.ok(README.includes(needle), 'the README example moved')
    const broken = README.replace(
      '          queue_timeout: 30m\n      - if: always()',
      '          queue_timeout: 30m\n        timeout_minutes: 5\n      - if: always()'
    )
    await assert.rejects(
      markdownJobs(broken, SELF),
      new RegExp(`README\\.md line ${lineOf(README, needle) + 1}: Unexpected value 'timeout_minutes'`)
    )
  })

  it('fails on a key GitHub allows that the emulator does not emulate', async () => {
    const block = (extra: string) => '```yaml\n- uses: ./\n- run: echo\n' + extra + '\n```\n'
    await assert.rejects(
      markdownJobs(block('  working-directory: sub\n  continue-on-error: true\n  timeout-minutes: 1\n  shell: python'), SELF),
      /README\.md line 3: only shell bash is emulated/
    )
    // GitHub's parser first: a run step's keys on a uses step are refused there
    await assert.rejects(markdownJobs('```yaml\n- uses: ./\n  shell: bash\n```\n', SELF), /README\.md line 3: Unexpected value 'shell'/)
    await assert.rejects(
      markdownJobs(
        '```yaml\non: push\njobs:\n  a:\n    runs-on: x\n    strategy: { matrix: { a: [1] } }\n    steps:\n      - uses: ./\n```\n',
        SELF
      ),
      /README\.md line 6: the workflow emulator does not implement the job key `strategy`/
    )
  })
})

/** A job of `run:` steps only, from a whole workflow in Markdown. */
async function job(steps: string, extra = ''): Promise<Job> {
  const markdown =
    '```yaml\non: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n' +
    extra +
    '    steps:\n      - uses: ./\n        if: false\n' +
    steps +
    '```\n'
  const [only] = await markdownJobs(markdown, SELF)
  return only!
}

describe('runJob', () => {
  const workspace = mkdtempSync(path.join(tmpdir(), 'workflow-unit-'))

  it('skips after a failure unless a status function says otherwise; continue-on-error keeps the job green', async () => {
    const run = await runJob(
      await job(`      - id: a
        run: echo "value=one" >> "$GITHUB_OUTPUT"; exit 3
        continue-on-error: \${{ github.ref_name == 'main' }}
      - run: echo after-a
      - id: b
        run: exit 1
      - run: echo not-run
      - if: failure() && steps.a.outcome == 'failure'
        run: echo "a=\${{ steps.a.conclusion }} b=\${{ steps.b.outcome }} out=\${{ steps.a.outputs.value }}"
      - if: \${{ always() }}
        run: echo always
      - if: success()
        run: echo not-run
`),
      { workspace }
    )
    assert.deepEqual(
      run.steps.map((s) => [s.outcome, s.conclusion, s.stdout.trim()]),
      [
        ['skipped', 'skipped', ''],
        ['failure', 'success', ''],
        ['success', 'success', 'after-a'],
        ['failure', 'failure', ''],
        ['skipped', 'skipped', ''],
        ['success', 'success', 'a=success b=failure out=one'],
        ['success', 'success', 'always'],
        ['skipped', 'skipped', '']
      ]
    )
    assert.equal(run.result, 'failure')
  })

  it('passes env from the workflow, the job, GITHUB_ENV and the step; evaluates the job outputs at the end', async () => {
    const run = await runJob(
      await job(
        `      - id: set
        run: |
          echo "LATER=from-env-file" >> "$GITHUB_ENV"
          echo "n=\${{ env.JOB }}-\${{ matrix.model }}-\${{ vars.QUEUE }}-\${{ secrets.KEY }}" >> "$GITHUB_OUTPUT"
      - env:
          STEP: \${{ env.JOB }}+\${{ env.LATER }}
        run: echo "$STEP $LATER \${{ inputs.level }}"
`,
        '    env:\n      JOB: job-${{ github.run_id }}\n    outputs:\n      n: ${{ steps.set.outputs.n }}\n'
      ),
      { workspace, runId: '77', matrix: { model: 'vit' }, vars: { QUEUE: 'q' }, secrets: { KEY: 'k' }, inputs: { level: 'high' } }
    )
    assert.equal(run.result, 'success', JSON.stringify(run.steps))
    assert.equal(run.steps[2]!.stdout.trim(), 'job-77+from-env-file from-env-file high')
    assert.deepEqual(run.outputs, { n: 'job-77-vit-q-k' })
  })

  it("skips a job whose if is false, and reads the needed jobs' results", async () => {
    const markdown =
      "```yaml\non: push\njobs:\n  launch:\n    runs-on: x\n    steps:\n      - run: echo\n  a:\n    runs-on: x\n    needs: launch\n    if: needs.launch.result == 'failure'\n    steps:\n      - uses: ./\n```\n"
    const [, a] = await markdownJobs(markdown, SELF)
    const needs = { launch: { result: 'success' as const, outputs: {} } }
    assert.deepEqual(await runJob(a!, { workspace, needs }), { result: 'skipped', steps: [], outputs: {} })
    await assert.rejects(runJob(a!, { workspace }), /needs the job launch, whose result the test did not give/)
  })
})

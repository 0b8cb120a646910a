// The `self-test` job of .github/workflows/ci.yml, run step by step by the workflow emulator: the
// action loaded through action.yml as the runner loads it, and its outputs reaching the later
// steps' own checks (their bash runs for real).
import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it } from 'node:test'
import { ROOT } from '../helpers/action.js'
import { loadJob, runJob } from '../helpers/workflow.js'

describe('ci.yml self-test job', () => {
  it('passes: a finished run, then a failed one that still sets its outputs', async () => {
    const job = await loadJob(path.join(ROOT, '.github', 'workflows', 'ci.yml'), 'self-test')
    const run = await runJob(job, { workspace: ROOT, runId: '987654' })
    const report = run.steps.map(
      (s) => `${s.id ?? s.name}: ${s.outcome}/${s.conclusion}${s.outcome === 'failure' ? `\n${s.stdout}${s.stderr}` : ''}`
    )
    assert.deepEqual(
      run.steps.map((s) => [s.id ?? s.name, s.outcome, s.conclusion]),
      [
        ['actions/checkout@v4', 'success', 'success'],
        ['actions/setup-python@v5', 'success', 'success'],
        ['ok', 'success', 'success'],
        ['Outputs of a finished run', 'success', 'success'],
        ['failing', 'failure', 'success'],
        ['A failed run fails the step and still sets its outputs', 'success', 'success']
      ],
      report.join('\n')
    )
    assert.equal(run.result, 'success')
    assert.match(run.steps[0]!.note ?? '', /no-op in the workflow emulator/)
    // What the check steps saw: the outputs of the steps before them.
    const ok = run.steps[2]!.outputs
    assert.match(ok.run_id ?? '', /^[0-9a-z]{8}$/)
    assert.equal(run.steps[3]!.stdout.trim(), `${ok.run_id} finished https://wandb.ai/my-team/my-project/runs/${ok.run_id}`)
    assert.equal(run.steps[4]!.outputs.run_id, 'selftest-987654')
    assert.equal(run.steps[4]!.outputs.state, 'failed')
  })
})

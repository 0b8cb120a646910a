// A run config of several MB with the real SDK (0.30.0): Linux limits one argument or variable to
// 128 KiB, so it reaches the job through a file wandb.init reads (WANDB_LAUNCH_CONFIG_PATH), and
// no WANDB_* setting is on the job's command line.
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startAction } from '../helpers/action.js'
import { BACKEND_KEY, REAL_PYTHON, realSdkEnv, startBackend, type Backend } from '../helpers/backend.js'

let backend: Backend
before(async () => {
  backend = await startBackend({ entrypoint: REAL_PYTHON })
})
after(async () => backend.stop())

describe('a large run config, local-process (real SDK)', () => {
  it('3 MB of run config reaches wandb.init through a file; the run finishes', async () => {
    const workspace = mkdtempSync(path.join(tmpdir(), 'large-config-'))
    const blob = 'x'.repeat(3 * 1024 * 1024)
    const runConfig = { metrics: { 'eval/acc': 0.9 }, steps: 1, seconds_per_step: 0, exit_code: 0, blob }
    writeFileSync(path.join(workspace, 'launch.json'), JSON.stringify({ overrides: { run_config: runConfig } }))
    const out = mkdtempSync(path.join(tmpdir(), 'large-config-out-'))
    const run = await startAction({
      fake: false,
      workspace,
      inputs: {
        job: 'ent/proj/metricjob:latest',
        resource: 'local-process',
        python: REAL_PYTHON,
        base_url: backend.url,
        entity: 'ent',
        project: 'proj',
        run_id: 'large-config',
        config: 'launch.json'
      },
      env: { ...realSdkEnv(), WANDB_API_KEY: BACKEND_KEY, HARNESS_OUT_DIR: out },
      timeoutMs: 120_000
    })
    assert.equal(run.code, 0, run.stdout.slice(-3000))
    assert.equal(run.outputs.state, 'finished')
    const name = readdirSync(out).find((f) => f.startsWith('env-metricjob-'))
    assert.ok(name, 'the job ran and wrote what it saw')
    const seen = JSON.parse(readFileSync(path.join(out, name!), 'utf8')) as {
      config: { blob?: string }
      env: Record<string, string>
      argv: string[]
    }
    assert.equal(seen.config.blob?.length, blob.length, 'wandb.init read the whole run config')
    assert.ok(seen.env.WANDB_LAUNCH_CONFIG_PATH, 'through the file')
    assert.equal(seen.env.WANDB_CONFIG, undefined)
    assert.equal(seen.env.WANDB_RUN_ID, 'large-config', 'the settings are in its environment')
    assert.ok(!run.stdout.includes('x'.repeat(1000)), 'the config is not printed')
    assert.ok(!/WANDB_RUN_ID=/.test(run.stdout), 'no K=V word on the printed command line')
  })
})

// A run config of several MB with the fake SDK: Linux limits one argument or variable to 128 KiB,
// so it reaches the job through a file wandb.init reads (WANDB_LAUNCH_CONFIG_PATH); a
// local-container job gets that file mounted read-only (`docker run -v host:container:ro`) and
// reads it at the container's path (the fake docker honours -v, test/fake-sdk/bin/docker). The
// real SDK's local-process case is test/contract/large-config.test.ts.
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { startAction, TEST_KEY } from '../helpers/action.js'

const CONTAINER_PATH = '/wandb-launch/config.json'

describe('a run config of 3 MB (fake SDK)', () => {
  for (const resource of ['local-container', 'local-process']) {
    it(`${resource}: the job's wandb.init reads all of it from a file, nothing of it is on a command line`, async () => {
      const workspace = mkdtempSync(path.join(tmpdir(), 'large-config-'))
      const blob = 'x'.repeat(3 * 1024 * 1024)
      const runId = `big-${resource}`
      writeFileSync(
        path.join(workspace, 'launch.json'),
        JSON.stringify({ overrides: { run_config: { metrics: { 'eval/acc': 0.9 }, steps: 1, blob } } })
      )
      const run = await startAction({
        workspace,
        inputs: { api_key: TEST_KEY, job: 'e/p/metrics:latest', resource, entity: 'e', project: 'p', run_id: runId, config: 'launch.json' }
      })
      assert.equal(run.code, 0, run.stdout.slice(-3000))
      assert.equal(run.outputs.state, 'finished')
      const record = readdirSync(path.join(run.dir, 'runs')).find((f) => f.includes(runId))
      const config = (JSON.parse(readFileSync(path.join(run.dir, 'runs', record!), 'utf8')) as { config: { blob?: string } }).config
      assert.equal(config.blob?.length, blob.length, 'wandb.init read the whole run config')
      const env = run.jobs[runId]!.env
      assert.equal(env.WANDB_CONFIG, undefined, 'no WANDB_CONFIG, which would win over the file')
      assert.equal(env.WANDB_RUN_ID, runId, 'the settings are in its environment')
      assert.ok(!run.stdout.includes('x'.repeat(1000)), 'the config is not printed')

      const docker = run.calls.find((c) => c.call === 'docker')?.argv as string[] | undefined
      if (resource === 'local-container') {
        assert.equal(env.WANDB_LAUNCH_CONFIG_PATH, CONTAINER_PATH, 'the job names the file by its path in the container')
        assert.ok(docker, 'docker run was called')
        assert.ok(!docker.some((a) => a.includes('xxxx')), 'no config on the docker command line')
        const e = docker.indexOf('WANDB_LAUNCH_CONFIG_PATH')
        assert.equal(docker[e - 1], '-e', 'docker takes WANDB_LAUNCH_CONFIG_PATH from its environment')
        const v = docker.indexOf('-v')
        const mount = docker[v + 1] ?? ''
        const [host, inside, mode] = mount.split(':')
        assert.deepEqual([inside, mode], [CONTAINER_PATH, 'ro'], `mounted read-only: ${mount}`)
        assert.ok(host!.startsWith(run.dir), `the host file is under RUNNER_TEMP: ${host}`)
        assert.equal(statSync(path.dirname(host!)).mode & 0o777, 0o700, "in a directory only the runner's user can enter")
        assert.ok(docker.indexOf(mount) < docker.findIndex((a) => a.includes('job.py')), 'before the image and its command')
      } else {
        assert.equal(docker, undefined)
        assert.ok(env.WANDB_LAUNCH_CONFIG_PATH?.startsWith(run.dir), `a file under RUNNER_TEMP: ${env.WANDB_LAUNCH_CONFIG_PATH}`)
      }
    })
  }
})

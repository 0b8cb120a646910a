// The installer's environment and error reading, without installing anything.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { installerEnv, noSuchVersion, pipConfigFiles } from '../../../src/sdk/installer.js'

describe('installer environment', () => {
  const env = {
    PATH: '/bin',
    WANDB_API_KEY: 'secret',
    PIP_INDEX_URL: 'https://mirror.example/simple',
    PIP_EXTRA_INDEX_URL: 'https://a.example/simple https://b.example/simple',
    PIP_FIND_LINKS: '/wheels /more-wheels',
    PIP_NO_INDEX: '1'
  }
  it("pip gets the user's settings untouched, never the W&B key", () => {
    const out = installerEnv(env, 'pip')
    assert.equal(out.PIP_INDEX_URL, env.PIP_INDEX_URL)
    assert.equal(out.PIP_FIND_LINKS, env.PIP_FIND_LINKS)
    assert.equal(out.WANDB_API_KEY, undefined)
    assert.equal(out.UV_INDEX_URL, undefined)
  })
  it('uv gets them under its own names', () => {
    const out = installerEnv(env, 'uv')
    assert.equal(out.UV_INDEX_URL, 'https://mirror.example/simple')
    assert.equal(out.UV_EXTRA_INDEX_URL, 'https://a.example/simple https://b.example/simple')
    assert.equal(out.UV_FIND_LINKS, '/wheels,/more-wheels')
    assert.equal(out.UV_NO_INDEX, 'true')
    assert.equal(out.WANDB_API_KEY, undefined)
  })
  it("holds none of the action's inputs (the key among them), nor the runner's files and tokens", () => {
    for (const tool of ['pip', 'uv'] as const) {
      const out = installerEnv(
        { ...env, INPUT_API_KEY: 'secret', INPUT_JOB: 'e/p/j', GITHUB_ENV: '/tmp/env', ACTIONS_RUNTIME_TOKEN: 't', HOME: '/home/x' },
        tool
      )
      assert.deepEqual(
        Object.keys(out).filter((k) => /^(INPUT_|GITHUB_ENV|ACTIONS_)/.test(k)),
        []
      )
      assert.equal(out.HOME, '/home/x')
    }
  })
  it('does not override UV_* the user set', () => {
    assert.equal(installerEnv({ ...env, UV_INDEX_URL: 'https://uv.example' }, 'uv').UV_INDEX_URL, 'https://uv.example')
  })
})

describe('pip config files', () => {
  it('PIP_CONFIG_FILE=/dev/null means none', () => assert.deepEqual(pipConfigFiles({ PIP_CONFIG_FILE: '/dev/null' }), []))
  it('finds the user file under HOME and XDG_CONFIG_HOME', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'pip-home-'))
    const file = path.join(home, '.config', 'pip', 'pip.conf')
    assert.ok(!pipConfigFiles({ HOME: home, XDG_CONFIG_DIRS: home }).includes(file))
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, '[global]\nindex-url = https://mirror.example/simple\n')
    assert.ok(pipConfigFiles({ HOME: home, XDG_CONFIG_DIRS: home }).includes(file))
  })
})

describe('a release that does not exist', () => {
  it('is read from pip', () => {
    assert.equal(
      noSuchVersion([
        'ERROR: Could not find a version that satisfies the requirement wandb==9.9.9 (from versions: 0.16.0, 0.30.0)',
        'ERROR: No matching distribution found for wandb==9.9.9'
      ]),
      'wandb==9.9.9'
    )
  })
  it('is read from uv', () => {
    assert.equal(
      noSuchVersion([
        '  × No solution found when resolving dependencies:',
        '  ╰─▶ Because there is no version of wandb==9.9.9 and you require wandb==9.9.9, we can conclude that your requirements are unsatisfiable.'
      ]),
      'wandb==9.9.9'
    )
  })
  it('is not claimed for other failures', () =>
    assert.equal(noSuchVersion(['ERROR: Could not install packages due to an OSError']), undefined))
})

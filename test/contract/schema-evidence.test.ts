// The test backend's schema against the real SDK's sources: each note of test/backend/schema.graphql
// (`<version> <path>`) names a source of that SDK version whose GraphQL documents really use the
// type or field. Checked against every SDK provided here (0.30.0, and 0.17.3 / 0.18.7 when the
// legacy tier provided them); notes of a version not provided are left to the run that has it.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { ROOT } from '../helpers/action.js'
import { BACKEND_DIR, BACKEND_PYTHON } from '../helpers/backend.js'

/** The site-packages folder of a provided SDK virtualenv, if it is there. */
function site(venv: string): string | undefined {
  const lib = path.join(ROOT, '.cache', venv, 'lib')
  if (!existsSync(lib)) return undefined
  const python = readdirSync(lib).find((d) => d.startsWith('python'))
  const dir = python && path.join(lib, python, 'site-packages')
  return dir && existsSync(path.join(dir, 'wandb')) ? dir : undefined
}

describe('the test backend schema against the real SDK sources', () => {
  it('every note names a source whose documents use that type or field', () => {
    const sites = ['wandb-venv', 'wandb-0.17.3', 'wandb-0.18.7'].map(site).filter((s): s is string => !!s)
    assert.ok(sites[0]?.includes('wandb-venv'), 'wandb 0.30.0 is provided')
    const r = spawnSync(BACKEND_PYTHON, [path.join(BACKEND_DIR, 'schema_evidence.py'), '--only-given', 'check', ...sites], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000
    })
    assert.equal(r.status, 0, r.stdout + r.stderr)
    assert.match(r.stdout, /^\d+ types and fields noted; \d+ notes checked against the SDK sources$/m)
  })
})

// src/sdk_requirement.py (the bridge's own PEP 440 check, standard library only), run by python3.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, it } from 'node:test'
import { ROOT } from '../helpers/action.js'

function satisfies(cases: [string, string][]): boolean[] {
  const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(path.join(ROOT, 'bridge'))})
from wandb_launch_bridge.preflight.sdk_version import satisfies
print(json.dumps([satisfies(v, s) for v, s in json.loads(sys.argv[1])]))`
  return JSON.parse(execFileSync('python3', ['-c', script, JSON.stringify(cases)], { encoding: 'utf8' }))
}

describe('satisfies(version, specifier) as PEP 440 orders versions', () => {
  const table: [string, string, boolean][] = [
    ['0.30.0', '>=0.17', true],
    ['0.16.6', '>=0.17', false],
    ['0.17.0', '>=0.17', true],
    ['0.30.0', '==0.30.0', true],
    ['0.30', '==0.30.0', true],
    ['0.30.1', '==0.30.0', false],
    ['0.30.1', '>=0.20,<0.31', true],
    ['0.31.0', '>=0.20,<0.31', false],
    ['0.31.0rc1', '<0.31', true],
    ['0.31.0rc1', '>=0.31', false],
    ['0.31.0.dev2', '<0.31.0a1', true],
    ['0.30.0.post1', '>0.30.0', true],
    ['0.30.7', '==0.30.*', true],
    ['0.31.0', '==0.30.*', false],
    ['0.30.7', '!=0.30.*', false],
    ['0.30.7', '~=0.30.2', true],
    ['0.31.0', '~=0.30.2', false],
    ['0.30.0', '!=0.30.0', false],
    ['0.30.0', '===0.30.0', true],
    ['0.30.0', 'bogus', false]
  ]
  const results = satisfies(table.map(([v, s]) => [v, s]))
  table.forEach(([version, specifier, expected], i) => {
    it(`${version} ${expected ? 'meets' : 'does not meet'} ${specifier}`, () => assert.equal(results[i], expected))
  })
})

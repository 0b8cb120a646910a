// What gets installed, decided without running anything: wandb_version, extra_packages, the
// per-resource table and the spec list; and that bad values are input errors like any other.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { InputError, INPUT_NAMES, type RawInputs } from '../../../src/inputs/inputs.js'
import { parseInputs } from '../../../src/inputs/schema.js'
import { RESOURCES } from '../../../src/inputs/resources.js'
import { parseExtraPackages, parseWandbVersion, RESOURCE_PACKAGES, sdkPlan, TESTED_WANDB_VERSION } from '../../../src/sdk/plan.js'

describe('wandb_version', () => {
  it('empty is the default, latest is latest', () => {
    assert.deepEqual(parseWandbVersion(''), { kind: 'default' })
    assert.deepEqual(parseWandbVersion(' latest '), { kind: 'latest' })
  })
  it('a bare version pins it', () => {
    assert.deepEqual(parseWandbVersion('0.30.0'), { kind: 'specifier', specifier: '==0.30.0' })
    assert.deepEqual(parseWandbVersion('0.22.1rc1'), { kind: 'specifier', specifier: '==0.22.1rc1' })
  })
  it('a specifier set is kept, spaces dropped', () => {
    assert.deepEqual(parseWandbVersion('>=0.20, <0.31'), { kind: 'specifier', specifier: '>=0.20,<0.31' })
    assert.deepEqual(parseWandbVersion('~=0.30.0'), { kind: 'specifier', specifier: '~=0.30.0' })
    assert.deepEqual(parseWandbVersion('==0.30.*'), { kind: 'specifier', specifier: '==0.30.*' })
  })
  for (const bad of ['banana', '0.30.0; rm -rf /', '--pre', '>=', '0.30.0 0.31.0', '=>0.20', 'wandb==0.30.0']) {
    it(`refuses ${JSON.stringify(bad)}`, () => assert.throws(() => parseWandbVersion(bad), /is not a version/))
  }
  for (const old of ['0.16.0', '0.17.2', '==0.16.6', '<0.17', '<=0.17.2', '<0.17.3']) {
    it(`refuses ${old}: nothing older than 0.17.3 works`, () => assert.throws(() => parseWandbVersion(old), /0\.17\.3/))
  }
  it('accepts bounds that leave 0.17.3 in', () => {
    assert.doesNotThrow(() => parseWandbVersion('<=0.17.3'))
    assert.doesNotThrow(() => parseWandbVersion('>=0.16'))
  })
})

describe('extra_packages', () => {
  it('splits on spaces and newlines', () => {
    assert.deepEqual(parseExtraPackages(' boto3\n  google-cloud-storage>=2.0,<3 \n azure-identity[aio]==1.*'), [
      'boto3',
      'google-cloud-storage>=2.0,<3',
      'azure-identity[aio]==1.*'
    ])
    assert.deepEqual(parseExtraPackages(''), [])
  })
  it('refuses options and anything that is not a requirement, naming each', () => {
    assert.throws(
      () => parseExtraPackages('boto3 --index-url=http://evil -e .'),
      /"--index-url=http:\/\/evil", "-e", "\." are not requirements/
    )
    assert.throws(() => parseExtraPackages('pkg;rm'), /"pkg;rm" is not a requirement/)
  })
  it('takes a direct URL written without spaces', () => {
    assert.deepEqual(parseExtraPackages('mypkg@https://example.com/mypkg-1.0-py3-none-any.whl'), [
      'mypkg@https://example.com/mypkg-1.0-py3-none-any.whl'
    ])
  })
})

describe('the per-resource packages', () => {
  it('has a row for every resource', () => assert.deepEqual(Object.keys(RESOURCE_PACKAGES).sort(), [...RESOURCES].sort()))
  it('local resources need wandb only', () => {
    assert.deepEqual(RESOURCE_PACKAGES['local-process'], [])
    assert.deepEqual(RESOURCE_PACKAGES['local-container'], [])
  })
  it('kubernetes, sagemaker and gcp-vertex need what their runners import', () => {
    assert.deepEqual(
      RESOURCE_PACKAGES.kubernetes.map((p) => p.module),
      ['kubernetes_asyncio']
    )
    assert.deepEqual(
      RESOURCE_PACKAGES.sagemaker.map((p) => p.spec),
      ['boto3', 'botocore>=1.5.76']
    )
    assert.deepEqual(
      RESOURCE_PACKAGES['gcp-vertex'].map((p) => p.module),
      ['google.cloud.aiplatform', 'google.cloud.compute_v1', 'google.cloud.storage', 'google.auth', 'google.api_core']
    )
  })
})

describe('the plan', () => {
  it('default: any wandb >= 0.17.3 is used, else the tested version is installed', () => {
    const plan = sdkPlan({ kind: 'default' }, 'local-process', [])
    assert.equal(plan.requirement, '>=0.17.3')
    assert.equal(plan.acceptInstalled, true)
    assert.deepEqual(plan.specs, [`wandb==${TESTED_WANDB_VERSION}`])
    assert.deepEqual(plan.modules, [])
  })
  it('a specifier is both the check and the install', () => {
    const plan = sdkPlan({ kind: 'specifier', specifier: '>=0.20,<0.31' }, 'kubernetes', [])
    assert.equal(plan.requirement, '>=0.20,<0.31')
    assert.deepEqual(plan.specs, ['wandb>=0.20,<0.31', 'kubernetes-asyncio'])
    assert.deepEqual(plan.modules, ['kubernetes_asyncio'])
  })
  it("latest and extra_packages always use the action's virtualenv", () => {
    assert.equal(sdkPlan({ kind: 'latest' }, 'sagemaker', []).acceptInstalled, false)
    const plan = sdkPlan({ kind: 'default' }, 'sagemaker', ['mypkg==1.0'])
    assert.equal(plan.acceptInstalled, false)
    assert.deepEqual(plan.specs, [`wandb==${TESTED_WANDB_VERSION}`, 'boto3', 'botocore>=1.5.76', 'mypkg==1.0'])
    assert.deepEqual(sdkPlan({ kind: 'latest' }, 'local-container', []).specs, ['wandb'])
  })
})

describe('inputs', () => {
  const raw = (values: Partial<RawInputs>): RawInputs =>
    ({ ...Object.fromEntries(INPUT_NAMES.map((n) => [n, ''])), ...values }) as RawInputs
  it('parses both new inputs', () => {
    const inputs = parseInputs(raw({ job: 'e/p/j:latest', api_key: 'k', wandb_version: '>=0.20', extra_packages: 'boto3' }), {})
    assert.deepEqual(inputs.wandbVersion, { kind: 'specifier', specifier: '>=0.20' })
    assert.deepEqual(inputs.extraPackages, ['boto3'])
  })
  it('reports bad values together with every other input error', () => {
    assert.throws(
      () => parseInputs(raw({ wandb_version: 'nope', extra_packages: '--pre', resource: 'moon' }), {}),
      (error: unknown) => {
        assert.ok(error instanceof InputError)
        const names = error.problems.map((p) => p.split(':')[0])
        for (const name of ['wandb_version', 'extra_packages', 'resource', 'job', 'api_key']) assert.ok(names.includes(name), error.message)
        return true
      }
    )
  })
})

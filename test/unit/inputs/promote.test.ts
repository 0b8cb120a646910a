import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parsePromote, parsePromoteArtifact } from '../../../src/inputs/promote.js'

describe('parsePromote', () => {
  it('the path forms Artifact.link takes, with aliases', () => {
    assert.deepEqual(parsePromote('wandb-registry-model/resnet:staging, candidate'), {
      target: 'wandb-registry-model/resnet',
      parts: ['wandb-registry-model', 'resnet'],
      aliases: ['staging', 'candidate'],
      registry: true
    })
    assert.deepEqual(parsePromote('my-org/wandb-registry-model/resnet:prod')?.parts, ['my-org', 'wandb-registry-model', 'resnet'])
    assert.deepEqual(parsePromote('model-registry/resnet:production'), {
      target: 'model-registry/resnet',
      parts: ['model-registry', 'resnet'],
      aliases: ['production'],
      registry: false
    })
    assert.deepEqual(parsePromote('ent/proj/best:ci,ci,main')?.aliases, ['ci', 'main'])
    assert.deepEqual(parsePromote(' best ')?.aliases, [])
    assert.equal(parsePromote('  '), undefined)
  })
  it('every problem at once, with the format', () => {
    assert.throws(
      () => parsePromote('a/b/c/d:x'),
      /"a\/b\/c\/d" has 4 parts; a collection path has at most three \(entity\/project\/name\): write <collection>:<alias>/
    )
    assert.throws(() => parsePromote('a//b:x'), /has an empty part or a space/)
    assert.throws(() => parsePromote('reg/model:'), /has a colon but no alias after it/)
    assert.throws(() => parsePromote(':x'), /names no collection/)
    assert.throws(() => parsePromote('m:ok, bad alias, a/b'), /aliases "bad alias", "a\/b": an alias has no space, \/ or :/)
    assert.equal(parsePromote('wandb-registry-/m:x')!.registry, false)
  })
})

describe('parsePromoteArtifact', () => {
  it('a name, nothing more', () => {
    assert.equal(parsePromoteArtifact(' resnet-weights '), 'resnet-weights')
    assert.equal(parsePromoteArtifact(''), undefined)
    assert.throws(() => parsePromoteArtifact('proj/resnet:v1'), /"proj\/resnet:v1" is not an artifact name/)
  })
})

// The test backend's schema (test/backend/schema.graphql) and the action's own GraphQL documents:
// every type and field of the schema notes the SDK source that uses it, and every document the
// bridge sends itself validates against the schema (graphql-core, as the backend validates it).
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { ROOT } from '../helpers/action.js'
import { BACKEND_DIR, BACKEND_PYTHON } from '../helpers/backend.js'

const TOOL = path.join(BACKEND_DIR, 'schema_evidence.py')

function tool(...args: string[]) {
  const r = spawnSync(BACKEND_PYTHON, [TOOL, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

interface Checked {
  source: string
  operations: string[]
  errors: string[]
  errors_with_unverified: string[]
}

/** Every GraphQL document in the bridge's Python sources, validated. */
function bridgeDocuments(): Checked[] {
  const dirs = ['src', 'bridge'].filter((d) => existsSync(path.join(ROOT, d)))
  const r = tool('validate', ...dirs)
  assert.equal(r.code, 0, r.stderr)
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Checked)
}

// Fields of the bridge's documents that no SDK reads (schema-unverified.graphql): each document
// that selects one is read with a fallback to the SDK's own query where the server refuses it.
const UNVERIFIED_USE: Record<string, string> = {
  GetRunQueueItem: 'Cannot query field "error" on type "RunQueueItem".',
  LaunchActionQueueItems: 'Cannot query field "runSpec" on type "RunQueueItem".'
}

describe('the test backend schema', () => {
  it('notes, for every type and field, the SDK source and version that use it', () => {
    const r = tool('notes')
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.match(r.stdout, /^\d{3,} types and fields noted$/m)
  })

  it('a field without a note is reported by name', () => {
    const copy = path.join(mkdtempSync(path.join(tmpdir(), 'schema-')), 'schema.graphql')
    const text = readFileSync(path.join(BACKEND_DIR, 'schema.graphql'), 'utf8')
    // drop the description of RunQueueItem.associatedRunId
    const stripped = text.replace(/\n {2}"""\n {2}[^\n]*\n {2}"""\n {2}associatedRunId: String/, '\n  associatedRunId: String')
    assert.notEqual(stripped, text)
    writeFileSync(copy, stripped)
    const r = tool('--schema', copy, 'notes')
    assert.equal(r.code, 1, r.stdout)
    assert.match(r.stdout, /^RunQueueItem\.associatedRunId: its description must be '<version> <source>' notes/m)
  })

  it("the bridge's own GraphQL documents validate against it", () => {
    const docs = bridgeDocuments()
    const names = docs.flatMap((d) => d.operations)
    for (const op of [
      'GetRunQueueItem',
      'LaunchActionQueueItems',
      'LaunchActionJobVersions',
      'LaunchActionJobNames',
      'UpdateRunState',
      'LaunchActionRunQueue',
      'LaunchActionTemplateVariables'
    ]) {
      assert.ok(names.includes(op), `${op} found among ${names.join(', ')}`)
    }
    for (const doc of docs) {
      const where = `${doc.operations.join(', ')} in ${doc.source}`
      assert.deepEqual(doc.errors_with_unverified, [], where)
      const allowed = doc.operations.length === 1 ? UNVERIFIED_USE[doc.operations[0]!] : undefined
      if (doc.errors.length)
        assert.deepEqual(
          doc.errors,
          allowed ? [allowed] : [],
          `${where}: only the fields read with a fallback may be missing from schema.graphql`
        )
    }
    // and each of those has its fallback: a document of the same name that needs nothing unverified
    for (const op of Object.keys(UNVERIFIED_USE)) {
      assert.ok(
        docs.some((d) => d.operations.includes(op) && d.errors.length === 0),
        `${op} has a fallback document that schema.graphql accepts`
      )
    }
  })
})

// A cancel while pip installs the SDK: pip is ended with the action, within the bound, and the
// next job does not wait for the lock it left.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { errors, TEST_KEY, waitFor } from '../helpers/action.js'
import { runSetup, systemPython } from './setup-helpers.js'
import { processesWith } from '../helpers/procs.js'

describe('cancel during the SDK install', () => {
  // A package index that accepts connections and never answers: pip waits on it.
  const sockets: Socket[] = []
  const index = createServer((socket) => void sockets.push(socket))
  let indexUrl = ''
  before(async () => {
    await new Promise<void>((resolve) => index.listen(0, '127.0.0.1', resolve))
    const address = index.address()
    indexUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/simple`
  })
  after(() => {
    for (const s of sockets) s.destroy()
    index.close()
  })

  it('SIGINT ends pip and the action within 5 s; no installer process is left', async () => {
    const marker = `install-cancel-${randomUUID()}`
    const toolCache = mkdtempSync(path.join(tmpdir(), 'wandb-tool-cache-'))
    let signalledAt = 0
    const run = await runSetup('', toolCache, {
      inputs: { api_key: TEST_KEY, resource: 'local-process', job: 'ent/proj/ok:latest', python: systemPython() },
      env: { PIP_NO_INDEX: '', PIP_FIND_LINKS: '', PIP_INDEX_URL: indexUrl, INSTALL_TEST_MARKER: marker },
      onStart: (child) => {
        void waitFor('pip to ask the index', () => (sockets.length > 0 ? true : undefined), 50_000).then(() => {
          signalledAt = Date.now()
          child.kill('SIGINT')
        })
      },
      timeoutMs: 60_000
    })
    const seconds = (Date.now() - signalledAt) / 1000
    assert.ok(signalledAt > 0, run.stdout)
    assert.equal(run.code, 1, run.stdout)
    assert.ok(seconds <= 5, `exited ${seconds}s after SIGINT`)
    assert.match(errors(run)[0] ?? '', /pip install was stopped: the step was cancelled\. Nothing was launched\./)
    assert.deepEqual(processesWith(marker), [], 'pip is gone')
  })
})

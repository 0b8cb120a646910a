// The virtualenv build lock: its owner is recorded; a dead owner's lock is taken over at once, a
// live owner is waited for, with a log line naming it.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { lockVenv, type Venv } from '../../../src/sdk/venv.js'

function scratchVenv(): Venv {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'venv-lock-')), 'wandb-sdk-x')
  return { key: 'wandb-sdk-x', dir, python: path.join(dir, 'bin', 'python') }
}

function holdLock(venv: Venv, pid: number): void {
  mkdirSync(`${venv.dir}.lock`, { recursive: true })
  writeFileSync(path.join(`${venv.dir}.lock`, 'owner'), JSON.stringify({ pid, host: hostname(), since: '2026-01-01T00:00:00Z' }))
}

describe('lockVenv', () => {
  it('records this process as the owner', async () => {
    const venv = scratchVenv()
    const unlock = await lockVenv(venv)
    const owner = JSON.parse(readFileSync(path.join(`${venv.dir}.lock`, 'owner'), 'utf8'))
    assert.equal(owner.pid, process.pid)
    assert.equal(owner.host, hostname())
    unlock()
  })

  it('takes over at once the lock of a process that is gone (a SIGKILLed job)', async () => {
    const venv = scratchVenv()
    const dead = spawn('true')
    await new Promise((r) => dead.on('close', r))
    holdLock(venv, dead.pid!)
    const notes: string[] = []
    const started = Date.now()
    const unlock = await lockVenv(venv, (n) => notes.push(n))
    assert.ok(Date.now() - started < 2_000, 'no wait')
    assert.deepEqual(notes, [])
    unlock()
  })

  it('waits for a live owner, saying who it is, and gets the lock when it is released', async () => {
    const venv = scratchVenv()
    const owner = spawn('sleep', ['30'])
    holdLock(venv, owner.pid!)
    const notes: string[] = []
    let got = false
    const locking = lockVenv(venv, (n) => notes.push(n)).then((unlock) => {
      got = true
      return unlock
    })
    await new Promise((r) => setTimeout(r, 1_200))
    assert.equal(got, false, 'still waiting while the owner lives')
    assert.equal(notes.length, 1)
    assert.match(notes[0]!, new RegExp(`^Waiting for process ${owner.pid} on .*, which has been building this virtualenv since 2026-01-01`))
    owner.kill('SIGKILL') // the owner dies: the lock is taken over
    const unlock = await locking
    unlock()
  })
})

// The bridge's pure pieces of provenance, reuse and attach's wait for a run to appear, driven from
// Python (the bridge's own interpreter rules: standard library only).
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, it } from 'node:test'
import { ROOT } from '../../helpers/action.js'

/** Runs `code` with the modules imported; returns its JSON print. */
function py(code: string): any {
  const prelude = [
    'import json',
    'from wandb_launch_bridge.follow import provenance, reuse',
    'from wandb_launch_bridge.follow.appear import wait_for_run'
  ].join('\n')
  const r = spawnSync('python3', ['-c', `${prelude}\n${code}`], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: path.join(ROOT, 'bridge') }
  })
  assert.equal(r.status, 0, r.stderr)
  return JSON.parse(r.stdout)
}

const GITHUB = { repository: 'o/r', sha: 'a'.repeat(40), run_url: 'https://github.com/o/r/actions/runs/1/attempts/1', launch_key: 'k' }

describe('provenance on the run (bridge)', () => {
  it('writes the whole config W&B holds, internal keys included, with github beside the user keys', () => {
    const vars = py(`
raw = {"_wandb": {"t": {"1": [1]}}, "wandb_version": "0.17.3", "lr": 0.1, "github": {"old": 1}}
v = provenance.upsert_variables("UnVuOnYxOmE=", raw, None, ${JSON.stringify(GITHUB)})
print(json.dumps({"id": v["id"], "config": json.loads(v["config"]), "notes": v["notes"]}))`)
    assert.equal(vars.id, 'UnVuOnYxOmE=')
    assert.deepEqual(vars.config, {
      _wandb: { value: { t: { '1': [1] } }, desc: null },
      wandb_version: { value: '0.17.3', desc: null },
      lr: { value: 0.1, desc: null },
      github: { value: GITHUB, desc: null }
    })
    assert.equal(vars.notes, `Launched from GitHub Actions: ${GITHUB.run_url}`)
  })

  it('keeps the run notes and adds the link once', () => {
    const out = py(`
g = ${JSON.stringify(GITHUB)}
once = provenance.notes_with_link("baseline for v2\\n", g["run_url"])
print(json.dumps([once, provenance.notes_with_link(once, g["run_url"]), provenance.notes_with_link("  ", g["run_url"]), provenance.notes_with_link("n", None)]))`)
    assert.deepEqual(out, [
      `baseline for v2\n\nLaunched from GitHub Actions: ${GITHUB.run_url}`,
      `baseline for v2\n\nLaunched from GitHub Actions: ${GITHUB.run_url}`,
      `Launched from GitHub Actions: ${GITHUB.run_url}`,
      'n'
    ])
  })

  it('writes only what is missing; attach keeps the provenance of the launch', () => {
    const out = py(`
g = ${JSON.stringify(GITHUB)}
notes = provenance.notes_with_link(None, g["run_url"])
other = dict(g, run_url="https://github.com/o/r/actions/runs/0", launch_key="x")
print(json.dumps([
    provenance.needs_writing({}, None, g),
    provenance.needs_writing({"github": g}, notes, g),
    provenance.needs_writing({"github": g}, None, g),
    provenance.needs_writing({"github": other}, notes, g),
    provenance.needs_writing({"github": other}, None, g, only_if_absent=True),
    provenance.needs_writing({"lr": 1}, None, g, only_if_absent=True),
]))`)
    assert.deepEqual(out, [true, false, true, true, false, true])
  })
})

describe('reuse (bridge)', () => {
  it('takes the newest finished run, else follows the newest live one, else launches', () => {
    const out = py(`
print(json.dumps([
    reuse.choose([("a", "failed"), ("b", "finished"), ("c", "finished")]),
    reuse.choose([("a", "crashed"), ("b", "running"), ("c", "killed")]),
    reuse.choose([("a", "failed"), ("b", "crashed"), ("c", "killed"), ("d", "preempted")]),
    reuse.choose([]),
]))`)
    assert.deepEqual(out, [['reuse', 'b'], ['follow', 'b'], null, null])
  })

  it('checks the recorded provenance itself, not only the server-side filter', () => {
    const out = py(`
g = {"launch_key": "k", "sha": "s", "repository": "o/r"}
print(json.dumps([reuse.same_launch(g, "k", "s", "o/r"), reuse.same_launch(dict(g, sha="t"), "k", "s", "o/r"),
                  reuse.same_launch(None, "k", "s", "o/r"), reuse.same_launch(dict(g, repository="fork/r"), "k", "s", "o/r"),
                  reuse.filters("k", "s", "o/r")]))`)
    assert.deepEqual(out, [true, false, false, false, { 'config.github.launch_key': 'k', 'config.github.sha': 's', 'config.github.repository': 'o/r' }])
  })
})

describe('attach waits for a run to appear (bridge)', () => {
  /** A fake clock: pause advances it; load sees the run from `appearsAt` on. */
  const run = (opts: { appearsAt?: number; bound: number; deadline?: number; progress: number; cancelAt?: number }) =>
    py(`
o = ${JSON.stringify(opts)}
clock = [0.0]
said, loads, pauses = [], [], []
def load():
    loads.append(clock[0])
    return "RUN" if o.get("appearsAt") is not None and clock[0] >= o["appearsAt"] else None
def pause(s):
    pauses.append(s); clock[0] += s
run, why = wait_for_run(load, bound=o["bound"], deadline=o.get("deadline"), progress_seconds=o["progress"],
    say=lambda waited: said.append(round(waited, 3)), now=lambda: clock[0], pause=pause,
    cancelled=lambda: o.get("cancelAt") is not None and clock[0] >= o["cancelAt"])
print(json.dumps({"run": run, "why": why, "said": said, "end": round(clock[0], 3), "loads": len(loads), "max_pause": max(pauses or [0])}))`)

  it('follows a run that appears after a while, saying it waits every progress interval', () => {
    const r = run({ appearsAt: 95, bound: 600, progress: 30 })
    assert.equal(r.run, 'RUN')
    assert.equal(r.why, null)
    assert.deepEqual(r.said, [0, 30, 60, 90])
    assert.ok(r.end >= 95 && r.end <= 100, `found within a poll: ${r.end}`)
    assert.ok(r.max_pause <= 5, `polls at least every 5 s: ${r.max_pause}`)
  })

  it('ends at its bound when the run never appears', () => {
    const r = run({ bound: 120, progress: 0 })
    assert.equal(r.why, 'never')
    assert.equal(r.end, 120)
    assert.deepEqual(r.said, [0])
  })

  it('ends at the timeout, and on a cancel, whichever comes first', () => {
    assert.deepEqual([run({ bound: 600, deadline: 42, progress: 60 }).why, run({ bound: 600, deadline: 42, progress: 60 }).end], ['timeout', 42])
    const c = run({ bound: 600, progress: 60, cancelAt: 10 })
    assert.equal(c.why, 'cancelled')
    assert.ok(c.end >= 10 && c.end < 15)
  })

  it('does not wait at all for a run that is there', () => {
    const r = run({ appearsAt: 0, bound: 600, progress: 60 })
    assert.deepEqual([r.run, r.said, r.loads, r.end], ['RUN', [], 1, 0])
  })
})

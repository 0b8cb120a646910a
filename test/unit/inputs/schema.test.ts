import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { DEFAULT_BASE_URL, INPUT_NAMES, InputError, type Inputs, type RawInputs } from '../../../src/inputs/inputs.js'
import { parseInputs } from '../../../src/inputs/schema.js'
import { RESOURCES } from '../../../src/inputs/resources.js'

type Env = Record<string, string | undefined>

/** Every input empty, as @actions/core reports an input that was not given. */
function raw(overrides: Partial<RawInputs> = {}): RawInputs {
  const all = Object.fromEntries(INPUT_NAMES.map((name) => [name, ''])) as RawInputs
  return { ...all, ...overrides }
}

/** A valid minimal set: an image and an API key. */
function valid(overrides: Partial<RawInputs> = {}): RawInputs {
  return raw({ docker_image: 'python:3.12', api_key: 'key-123', ...overrides })
}

/** The problems of the InputError that parseInputs must throw. */
function problems(rawInputs: RawInputs, env: Env = {}): string[] {
  try {
    parseInputs(rawInputs, env)
  } catch (error) {
    assert.ok(error instanceof InputError, `not an InputError: ${String(error)}`)
    assert.ok(Array.isArray(error.problems))
    // a problem of several lines (a parser's pointer) is indented under its bullet
    for (const p of error.problems) assert.ok(error.message.includes(p.replaceAll('\n', '\n    ')), `message does not list ${p}`)
    return error.problems
  }
  assert.fail('parseInputs did not throw')
}

/** Asserts exactly one problem, for `name`, whose text matches `message`. */
function assertOneProblem(rawInputs: RawInputs, name: string, message: RegExp, env: Env = {}): void {
  const found = problems(rawInputs, env)
  assert.equal(found.length, 1, `expected one problem, got ${JSON.stringify(found)}`)
  assert.ok(found[0]!.startsWith(`${name}: `), `${JSON.stringify(found[0])} does not start with "${name}: "`)
  assert.match(found[0]!, message)
}

describe('parseInputs defaults', () => {
  const inputs = parseInputs(valid(), {})
  it('resource defaults to local-container', () => assert.equal(inputs.resource, 'local-container'))
  it('synchronous defaults to true', () => assert.equal(inputs.synchronous, true))
  it('base_url defaults to https://api.wandb.ai', () => {
    assert.equal(inputs.baseUrl, 'https://api.wandb.ai')
    assert.equal(DEFAULT_BASE_URL, 'https://api.wandb.ai')
  })
  it('a run ID is generated and flagged as such', () => {
    assert.match(inputs.runId, /^[0-9a-z]{8}$/)
    assert.equal(inputs.runIdGenerated, true)
    assert.notEqual(parseInputs(valid(), {}).runId, inputs.runId)
  })
  it('optional inputs left empty are undefined', () => {
    const optional: (keyof Inputs)[] = [
      'job',
      'entryPoint',
      'version',
      'name',
      'resourceArgs',
      'project',
      'entity',
      'config',
      'repository',
      'python',
      'timeoutSeconds'
    ]
    for (const key of optional) assert.equal(inputs[key], undefined, key)
  })
  it('a given run ID is kept and not flagged as generated', () => {
    const given = parseInputs(valid({ run_id: ' my-run_1 ' }), {})
    assert.equal(given.runId, 'my-run_1')
    assert.equal(given.runIdGenerated, false)
  })
})

describe('parseInputs maps every input', () => {
  it('trims and converts values', () => {
    const workspace = '/nonexistent'
    const inputs = parseInputs(
      raw({
        job: ' team/proj/trainer:v3 ',
        entry_point: 'python train.py --lr "0.1"',
        version: ' 1.2 ',
        name: ' nightly ',
        resource: 'kubernetes',
        resource_args: '{"kubernetes": {"namespace": "ml"}}',
        project: 'proj',
        entity: 'team',
        config: 'overrides:\n  run_config:\n    lr: 0.1',
        synchronous: 'true',
        run_id: 'abc',
        repository: 'ghcr.io/team/images',
        api_key: 'secret',
        base_url: 'https://wandb.example.com/',
        python: '/usr/bin/python3',
        timeout: '1h30m'
      }),
      { GITHUB_WORKSPACE: workspace }
    )
    assert.deepEqual(inputs, {
      job: 'team/proj/trainer:v3',
      dockerImage: undefined,
      entryPoint: ['python', 'train.py', '--lr', '0.1'],
      version: '1.2',
      name: 'nightly',
      resource: 'kubernetes',
      resourceGiven: true,
      resourceArgs: { kubernetes: { namespace: 'ml' } },
      project: 'proj',
      entity: 'team',
      config: { overrides: { run_config: { lr: 0.1 } } },
      synchronous: true,
      runId: 'abc',
      runIdGenerated: false,
      repository: 'ghcr.io/team/images',
      apiKey: 'secret',
      apiKeyFrom: 'the api_key input',
      baseUrl: 'https://wandb.example.com',
      python: '/usr/bin/python3',
      timeoutSeconds: 5400,
      queue: undefined,
      progressSeconds: 60,
      watchMetrics: [],
      attach: undefined,
      wandbVersion: { kind: 'default' },
      extraPackages: [],
      gates: [],
      gateMissing: 'fail',
      gateMode: 'fail',
      baseline: undefined,
      tags: [],
      comment: false,
      // workflow and job (none here), then the launch inputs as written
      commentKey: [
        '',
        '',
        'job=team/proj/trainer:v3',
        'docker_image=',
        'entry_point=python train.py --lr "0.1"',
        'resource=kubernetes',
        'resource_args={"kubernetes": {"namespace": "ml"}}',
        'entity=team',
        'project=proj',
        'config=overrides:\n  run_config:\n    lr: 0.1',
        'queue=',
        'template_variables='
      ].join('\n'),
      commentKeyGiven: false,
      githubToken: undefined,
      checkName: undefined,
      provenance: true,
      reuse: false,
      appearSeconds: undefined,
      promote: undefined,
      promoteArtifact: undefined,
      promoteInWarnMode: false
    } satisfies Inputs)
  })

  for (const resource of RESOURCES) {
    it(`accepts resource ${resource}`, () => assert.equal(parseInputs(valid({ resource }), {}).resource, resource))
  }
})

describe('parseInputs environment fallbacks', () => {
  it('api_key falls back to WANDB_API_KEY, and says so', () => {
    const inputs = parseInputs(valid({ api_key: '' }), { WANDB_API_KEY: 'from-env' })
    assert.equal(inputs.apiKey, 'from-env')
    assert.equal(inputs.apiKeyFrom, 'WANDB_API_KEY')
  })
  it('the api_key input wins over WANDB_API_KEY', () =>
    assert.equal(parseInputs(valid({ api_key: 'given' }), { WANDB_API_KEY: 'from-env' }).apiKey, 'given'))
  it('base_url falls back to WANDB_BASE_URL, trailing slashes stripped', () =>
    assert.equal(parseInputs(valid(), { WANDB_BASE_URL: 'http://localhost:8080/' }).baseUrl, 'http://localhost:8080'))
  it('the base_url input wins over WANDB_BASE_URL and loses its trailing slash', () =>
    assert.equal(
      parseInputs(valid({ base_url: 'https://wandb.mycorp.internal//' }), { WANDB_BASE_URL: 'http://localhost:8080' }).baseUrl,
      'https://wandb.mycorp.internal'
    ))
  it('an invalid WANDB_BASE_URL is reported under base_url', () =>
    assertOneProblem(valid(), 'base_url', /http:\/\/ or https:\/\//, { WANDB_BASE_URL: 'localhost:8080' }))
  it('no api_key and no WANDB_API_KEY is an error naming both', () =>
    assertOneProblem(valid({ api_key: '' }), 'api_key', /required.*WANDB_API_KEY/, {}))
  it('a blank WANDB_API_KEY does not count', () => assertOneProblem(valid({ api_key: '' }), 'api_key', /required/, { WANDB_API_KEY: '  ' }))
})

describe('parseInputs job and docker_image', () => {
  it('accepts docker_image alone', () => {
    const inputs = parseInputs(valid({ docker_image: 'ghcr.io/team/train:1.0' }), {})
    assert.equal(inputs.dockerImage, 'ghcr.io/team/train:1.0')
    assert.equal(inputs.job, undefined)
  })
  for (const job of ['trainer', 'proj/trainer', 'team/proj/trainer', 'team/proj/trainer:latest', 'trainer:v2']) {
    it(`accepts job ${job}`, () => assert.equal(parseInputs(valid({ docker_image: '', job }), {}).job, job))
  }
  it('neither is an error naming both inputs', () =>
    assertOneProblem(valid({ docker_image: '' }), 'job', /exactly one of job .*or docker_image/))
  it('both is an error naming both inputs', () =>
    assertOneProblem(valid({ job: 'team/proj/trainer:latest' }), 'job', /job and docker_image were both given/))
  const badJobs = ['a/b/c/d', 'team/proj/trainer:v1:v2', 'team//trainer', 'a b']
  for (const job of badJobs) {
    it(`rejects job ${JSON.stringify(job)}`, () => assertOneProblem(valid({ docker_image: '', job }), 'job', /must be a job reference/))
  }
  it('rejects docker_image with spaces', () => assertOneProblem(valid({ docker_image: 'python 3.12' }), 'docker_image', /without spaces/))
})

describe('parseInputs validation of single inputs', () => {
  it('an invalid resource lists the accepted values', () => {
    const found = problems(valid({ resource: 'moon' }))
    assert.equal(found.length, 1)
    assert.ok(found[0]!.startsWith('resource: '))
    for (const resource of RESOURCES) assert.ok(found[0]!.includes(resource), `${resource} missing in ${found[0]}`)
  })

  const booleans: [string, boolean][] = [
    ['true', true],
    ['false', false],
    ['True', true],
    ['FALSE', false],
    [' false ', false]
  ]
  for (const [text, value] of booleans) {
    it(`synchronous ${JSON.stringify(text)} -> ${value}`, () =>
      assert.equal(parseInputs(valid({ synchronous: text }), {}).synchronous, value))
  }
  // only what the runner's boolean inputs take: yes/on/1 would work here and nowhere else
  for (const text of ['maybe', 'yes', 'on', '1', 'tRUE']) {
    it(`synchronous ${JSON.stringify(text)} is rejected`, () =>
      assertOneProblem(valid({ synchronous: text }), 'synchronous', /true or false/))
  }
  for (const [text, level] of [
    ['critical', 0],
    ['LOW', 3],
    ['0', 0],
    ['1', 1],
    ['3', 3]
  ] as const) {
    it(`priority ${text} -> ${level}`, () => assert.equal(parseInputs(valid({ queue: 'q', priority: text }), {}).queue?.priority, level))
  }
  for (const text of ['4', '-1', '1.5', 'urgent']) {
    it(`priority ${text} is rejected`, () =>
      assertOneProblem(valid({ queue: 'q', priority: text }), 'priority', /critical, high, medium, low.*0 \(critical\) to 3 \(low\)/))
  }

  for (const runId of ['a/b', 'a b', 'run#1', '..', 'x'.repeat(129)]) {
    it(`run_id ${JSON.stringify(runId.slice(0, 20))} is rejected`, () =>
      assertOneProblem(valid({ run_id: runId }), 'run_id', /1 to 128 characters/))
  }

  for (const url of ['ftp://wandb.example.com', 'wandb.example.com', 'https://', 'https://has space.example', 'not a url']) {
    it(`base_url ${JSON.stringify(url)} is rejected`, () =>
      assertOneProblem(valid({ base_url: url }), 'base_url', /http:\/\/ or https:\/\//))
  }

  it('timeout is converted to seconds', () => assert.equal(parseInputs(valid({ timeout: '45' }), {}).timeoutSeconds, 2700))
  it('an invalid timeout is rejected', () => assertOneProblem(valid({ timeout: '1d' }), 'timeout', /positive duration/))
  it('timeout with synchronous false is an error', () =>
    assertOneProblem(valid({ synchronous: 'false', timeout: '30m' }), 'timeout', /synchronous: true/))
  it('an invalid timeout with synchronous false is reported once', () =>
    assertOneProblem(valid({ synchronous: 'false', timeout: 'soon' }), 'timeout', /positive duration/))

  it('an unterminated quote in entry_point is rejected', () =>
    assertOneProblem(valid({ entry_point: 'python "train.py' }), 'entry_point', /unterminated double quote/))
  it('a list in resource_args is rejected', () =>
    assertOneProblem(valid({ resource_args: '[1, 2]' }), 'resource_args', /must be a mapping/))
  for (const name of ['project', 'entity'] as const) {
    it(`${name} with spaces is rejected`, () => assertOneProblem(valid({ [name]: 'my thing' }), name, /without spaces/))
  }
})

describe('parseInputs config from a file', () => {
  let workspace = ''
  before(() => {
    workspace = mkdtempSync(path.join(tmpdir(), 'inputs-test-'))
    mkdirSync(path.join(workspace, '.github'))
    writeFileSync(path.join(workspace, '.github', 'launch.yaml'), 'overrides:\n  run_config:\n    epochs: 5\n')
    writeFileSync(path.join(workspace, 'resource.json'), '{"kubernetes": {"namespace": "ml"}}')
  })
  after(() => rmSync(workspace, { recursive: true, force: true }))

  it('reads config relative to GITHUB_WORKSPACE', () =>
    assert.deepEqual(parseInputs(valid({ config: '.github/launch.yaml' }), { GITHUB_WORKSPACE: workspace }).config, {
      overrides: { run_config: { epochs: 5 } }
    }))
  it('reads resource_args relative to GITHUB_WORKSPACE', () =>
    assert.deepEqual(parseInputs(valid({ resource_args: 'resource.json' }), { GITHUB_WORKSPACE: workspace }).resourceArgs, {
      kubernetes: { namespace: 'ml' }
    }))
  it('a missing config file is reported under config, naming the file', () =>
    assertOneProblem(valid({ config: 'nope.yml' }), 'config', /nope\.yml does not exist/, { GITHUB_WORKSPACE: workspace }))
  it('a file that exists elsewhere is not found outside GITHUB_WORKSPACE', () =>
    assertOneProblem(valid({ config: 'resource.json' }), 'config', /does not exist/, {
      GITHUB_WORKSPACE: path.join(workspace, '.github')
    }))
})

describe('parseInputs: the size of a local run config', () => {
  let workspace = ''
  const MiB = 1024 * 1024
  before(() => {
    workspace = mkdtempSync(path.join(tmpdir(), 'inputs-big-'))
    writeFileSync(path.join(workspace, 'big.json'), JSON.stringify({ overrides: { run_config: { blob: 'x'.repeat(2 * MiB) } } }))
    // 1 MiB under an anchor and nine aliases: a file of 1 MiB, a run config of 10 MiB as JSON
    const aliases = Array.from({ length: 9 }, (_, i) => `    copy${i}: *blob`).join('\n')
    writeFileSync(path.join(workspace, 'aliased.yaml'), `overrides:\n  run_config:\n    blob: &blob "${'x'.repeat(MiB)}"\n${aliases}\n`)
  })
  after(() => rmSync(workspace, { recursive: true, force: true }))

  for (const resource of ['local-container', 'local-process']) {
    it(`2 MiB for ${resource}: accepted (it reaches the job through a file)`, () =>
      assert.equal(
        (
          parseInputs(valid({ config: 'big.json', resource }), { GITHUB_WORKSPACE: workspace }).config as {
            overrides: { run_config: { blob: string } }
          }
        ).overrides.run_config.blob.length,
        2 * MiB
      ))
    it(`over 8 MiB as JSON for ${resource}: an input error naming config, its size, the limit and the fix`, () =>
      assertOneProblem(
        valid({ config: 'aliased.yaml', resource }),
        'config',
        new RegExp(
          `^config: overrides\\.run_config is 104858\\d\\d bytes as JSON; a ${resource} run gets at most 8388608 bytes \\(8 MiB\\) of run config.*: move the large data into an artifact the run reads`
        ),
        { GITHUB_WORKSPACE: workspace }
      ))
  }
  it('a queue: no limit here (the agent starts the run elsewhere)', () =>
    assert.doesNotThrow(() => parseInputs(valid({ config: 'aliased.yaml', queue: 'q', project: 'p' }), { GITHUB_WORKSPACE: workspace })))
})

describe('parseInputs reports all problems at once', () => {
  it('one InputError with one problem per bad input, each naming its input', () => {
    let thrown: unknown
    try {
      parseInputs(
        raw({
          resource: 'moon',
          config: 'a: [1, 2',
          run_id: 'bad/id',
          api_key: '',
          job: 'team/proj/trainer:latest',
          docker_image: 'python:3.12',
          timeout: 'forever'
        }),
        {}
      )
    } catch (error) {
      thrown = error
    }
    assert.ok(thrown instanceof InputError, `expected an InputError, got ${String(thrown)}`)
    assert.equal(thrown.name, 'InputError')
    assert.match(thrown.message, /nothing was launched/)
    const byInput = new Map<string, string[]>()
    for (const problem of thrown.problems) {
      const match = /^([a-z_]+): \S/.exec(problem)
      assert.ok(match, `problem does not start with "<input>: ": ${problem}`)
      const name = match[1]!
      assert.ok((INPUT_NAMES as readonly string[]).includes(name), `${name} is not an input name`)
      byInput.set(name, [...(byInput.get(name) ?? []), problem])
    }
    assert.deepEqual(
      [...byInput.keys()].sort(),
      ['api_key', 'config', 'job', 'resource', 'run_id', 'timeout'],
      JSON.stringify(thrown.problems)
    )
    for (const [name, list] of byInput) assert.equal(list.length, 1, `${name}: ${JSON.stringify(list)}`)
    assert.equal(thrown.problems.length, 6)
    const text = (name: string) => byInput.get(name)![0]!
    assert.match(text('resource'), /local-container/)
    assert.match(text('config'), /not valid JSON or YAML/)
    assert.match(text('run_id'), /1 to 128 characters/)
    assert.match(text('api_key'), /required/)
    assert.match(text('job'), /both given/)
    assert.match(text('timeout'), /positive duration/)
  })

  it('a typo in an enumeration suggests the closest value; a value near none suggests nothing', () => {
    assert.match(problems(valid({ resource: 'local-proces' }))[0] ?? '', /^resource: must be one of .*; did you mean local-process\?$/)
    assert.match(problems(valid({ resource: 'Kubernets' }))[0] ?? '', /did you mean kubernetes\?$/)
    assert.match(problems(valid({ queue: 'q', priority: 'hihg' }))[0] ?? '', /^priority: .*; did you mean high\?$/)
    assert.doesNotMatch(problems(valid({ resource: 'moon' }))[0] ?? '', /did you mean/)
  })
  it("a config that does not parse is reported with the parser's whole message", () => {
    const [problem] = problems(valid({ config: '{a: [1' }))
    assert.match(problem ?? '', /^config: inline value is not valid JSON or YAML: .*at line 1, column \d+:\n.*\{a: \[1\n.*\^/s)
  })

  // A field that fails must not stop the checks across inputs (job/docker_image, api_key).
  const fieldFailures: [keyof RawInputs, string][] = [
    ['synchronous', 'maybe'],
    ['resource', 'moon'],
    ['run_id', 'a/b'],
    ['base_url', 'ftp://x'],
    ['timeout', 'soon'],
    ['entry_point', "'open"],
    ['config', '[1]'],
    ['resource_args', 'a: [1'],
    ['project', 'my project']
  ]
  for (const [name, value] of fieldFailures) {
    it(`a bad ${name} still lets the missing job/docker_image and api_key be reported`, () => {
      const found = problems(raw({ [name]: value }))
      assert.deepEqual(found.map((p) => p.slice(0, p.indexOf(':'))).sort(), ['api_key', 'job', name].sort(), JSON.stringify(found))
    })
  }
})

describe('parseInputs progress_interval and watch_metrics', () => {
  it('progress_interval defaults to 60 s; 0 turns it off; units as timeout', () => {
    assert.equal(parseInputs(valid(), {}).progressSeconds, 60)
    assert.equal(parseInputs(valid({ progress_interval: '0' }), {}).progressSeconds, 0)
    assert.equal(parseInputs(valid({ progress_interval: '5s' }), {}).progressSeconds, 5)
    assert.equal(parseInputs(valid({ progress_interval: '2m' }), {}).progressSeconds, 120)
  })
  it('a bad progress_interval names the input and the formats', () =>
    assertOneProblem(valid({ progress_interval: 'often' }), 'progress_interval', /positive duration.*30s/))
  it('watch_metrics splits on commas and new lines', () =>
    assert.deepEqual(parseInputs(valid({ watch_metrics: 'eval/acc, loss\ntrain/lr\n' }), {}).watchMetrics, [
      'eval/acc',
      'loss',
      'train/lr'
    ]))
})

describe('parseInputs attach', () => {
  const attach = (overrides: Partial<RawInputs>) => raw({ api_key: 'key-123', ...overrides })
  it('a run path: entity, project and run ID; no job needed', () => {
    const inputs = parseInputs(attach({ attach: 'ent/proj/abc123' }), {})
    assert.deepEqual(inputs.attach, { kind: 'run', entity: 'ent', project: 'proj', runId: 'abc123' })
    assert.equal(inputs.runId, 'abc123')
    assert.equal(inputs.runIdGenerated, false)
  })
  it('with queue: a queue item ID (it may hold / and =)', () =>
    assert.deepEqual(parseInputs(attach({ attach: 'UnVu/X==', queue: 'q', project: 'proj' }), {}).attach, {
      kind: 'queue_item',
      itemId: 'UnVu/X=='
    }))
  it('without queue, anything but entity/project/run_id is an error that says so', () =>
    assertOneProblem(attach({ attach: 'proj/abc123' }), 'attach', /entity\/project\/run_id.*queue item ID needs queue/))
  it('with queue, project is required', () => assertOneProblem(attach({ attach: 'item', queue: 'q' }), 'project', /required with attach/))
  it('every launch input is an error, all at once', () => {
    const found = problems(
      attach({
        attach: 'ent/proj/abc123',
        job: 'e/p/j:latest',
        resource: 'kubernetes',
        config: '{"a": 1}',
        run_id: 'other',
        synchronous: 'false'
      })
    )
    for (const name of ['job', 'resource', 'config', 'run_id', 'synchronous']) {
      assert.ok(
        found.some((p) => p.startsWith(`${name}: `) && /attach/.test(p)),
        `${name} missing from ${JSON.stringify(found)}`
      )
    }
    assert.equal(found.length, 5, JSON.stringify(found))
  })
})

describe('parseInputs gates, baseline, tags and the pull-request report', () => {
  it('parses the gates, baseline as a run path or as filters, tags, and the report inputs', () => {
    const inputs = parseInputs(
      valid({
        gates: 'eval/acc >= baseline - 0.01\n"val loss" < 0.5',
        gate_missing: 'pass',
        gate_mode: 'warn',
        baseline: 'team/proj/abc123',
        tags: 'ci, main\nnightly, ci',
        comment: 'true',
        comment_key: 'model-a',
        github_token: 'ghs_token',
        check_name: 'W&B eval'
      }),
      {}
    )
    assert.deepEqual(
      inputs.gates.map((g) => g.metric),
      ['eval/acc', 'val loss']
    )
    assert.equal(inputs.gateMissing, 'pass')
    assert.equal(inputs.gateMode, 'warn')
    assert.deepEqual(inputs.baseline, { path: 'team/proj/abc123' })
    assert.deepEqual(inputs.tags, ['ci', 'main', 'nightly'])
    assert.equal(inputs.comment, true)
    assert.equal(inputs.commentKey, 'model-a')
    assert.equal(inputs.githubToken, 'ghs_token')
    assert.equal(inputs.checkName, 'W&B eval')
    const filters = parseInputs(valid({ gates: 'a > baseline', baseline: '{state: finished, tags: main}' }), {})
    assert.deepEqual(filters.baseline, { filters: { state: 'finished', tags: 'main' } })
  })
  it('a bad gate line is an input error naming the input and the line', () =>
    assertOneProblem(valid({ gates: 'acc >= 0.9\nacc => 0.9' }), 'gates', /line 2 "acc => 0.9": unknown operator "=>"/))
  it('a gate on baseline without a baseline input is an error', () =>
    assertOneProblem(valid({ gates: 'acc >= baseline' }), 'gates', /"acc >= baseline" compares with baseline: set the baseline input/))
  it('a baseline no gate uses is an error', () =>
    assertOneProblem(valid({ gates: 'acc >= 0.9', baseline: 'a/b/c' }), 'baseline', /only used by gates that compare with baseline/))
  it('a baseline that is neither a run path nor a mapping is an error', () =>
    assertOneProblem(valid({ gates: 'acc >= baseline', baseline: 'just-a-run' }), 'baseline', /must be a mapping/))
  it('gate_missing and gate_mode take only their values', () => {
    assertOneProblem(valid({ gate_missing: 'skip' }), 'gate_missing', /fail or pass/)
    assertOneProblem(valid({ gate_mode: 'pass' }), 'gate_mode', /fail or warn/)
  })
  it('gates, baseline and tags need synchronous: true', () => {
    const found = problems(valid({ synchronous: 'false', gates: 'a > baseline', baseline: 'a/b/c', tags: 'x' }))
    assert.deepEqual(found.map((p) => p.split(':')[0]).sort(), ['baseline', 'gates', 'tags'])
    for (const p of found) assert.match(p, /needs synchronous: true/)
  })
  it('a tag over 64 characters is an error', () =>
    assertOneProblem(valid({ tags: `ok, ${'x'.repeat(65)}` }), 'tags', /at most 64 characters/))
  it('the comment key: comment_key, else workflow, job and the launch inputs as written', () => {
    const env = { GITHUB_WORKFLOW: 'ci', GITHUB_JOB: 'eval' }
    const key = (overrides: Partial<RawInputs>, e: Env = env) => parseInputs(valid(overrides), e).commentKey
    assert.notEqual(key({ config: 'a: 1' }, {}), key({ config: 'a: 1' }), 'the workflow and job count')
    assert.equal(key({ config: 'a: 1' }), key({ config: 'a: 1', name: 'run 2', run_id: 'other', tags: 'x' }))
    assert.notEqual(key({ config: 'a: 1' }), key({ config: 'a: 2' }))
    assert.notEqual(key({ resource: 'local-process' }), key({ resource: 'kubernetes' }))
    assert.equal(key({ comment_key: ' model-a ' }), 'model-a')
    assert.equal(parseInputs(valid({ comment_key: 'model-a' }), env).commentKeyGiven, true)
    assertOneProblem(valid({ comment_key: 'a --> b' }), 'comment_key', /must not contain -->/)
  })
  it('comment and check_name need a token', () => {
    assertOneProblem(valid({ comment: 'true' }), 'github_token', /comment needs a token/)
    assertOneProblem(valid({ check_name: 'eval' }), 'github_token', /check_name needs a token/)
    assertOneProblem(valid({ comment: 'yes', github_token: 't' }), 'comment', /true or false/)
  })
})

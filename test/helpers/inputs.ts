// Inputs as parseInputs() returns them, for unit tests that start after the parsing.
import type { Inputs } from '../../src/inputs/inputs.js'

/** The fewest inputs a launch takes (an image, an API key), plus the overrides. */
export function minimalInputs(overrides: Partial<Inputs> = {}): Inputs {
  return {
    dockerImage: 'python:3.12',
    resource: 'local-container',
    resourceGiven: false,
    wandbVersion: { kind: 'default' },
    extraPackages: [],
    progressSeconds: 60,
    watchMetrics: [],
    gates: [],
    gateMissing: 'fail',
    gateMode: 'fail',
    tags: [],
    comment: false,
    commentKey: 'workflow\njob\nlaunch',
    commentKeyGiven: false,
    promoteInWarnMode: false,
    synchronous: true,
    runId: 'ab12cd34',
    runIdGenerated: true,
    apiKey: 'wandb-secret-0123456789abcdef',
    apiKeyFrom: 'the api_key input',
    baseUrl: 'https://api.wandb.ai',
    provenance: true,
    reuse: false,
    ...overrides
  }
}

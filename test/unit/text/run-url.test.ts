import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { appUrl, runUrl } from '../../../src/text/run-url.js'

describe('appUrl mirrors wandb.util.api_to_app_url', () => {
  const cases: [string, string][] = [
    ['https://api.wandb.ai', 'https://wandb.ai'],
    ['https://api.wandb.ai/', 'https://wandb.ai'],
    ['https://api.wandb.test', 'https://app.wandb.test'],
    ['https://api.example.com', 'https://app.example.com'],
    ['http://127.0.0.1:8081', 'http://127.0.0.1:8081'],
    ['https://wandb.mycorp.internal', 'https://wandb.mycorp.internal']
  ]
  for (const [api, app] of cases) it(`${api} -> ${app}`, () => assert.equal(appUrl(api), app))
  it('WANDB_APP_URL overrides it', () => assert.equal(appUrl('https://api.wandb.ai', 'https://x.example/'), 'https://x.example'))
  it('builds the run page URL', () =>
    assert.equal(runUrl('https://wandb.ai', 'my team', 'proj', 'ab12cd34'), 'https://wandb.ai/my%20team/proj/runs/ab12cd34'))
})

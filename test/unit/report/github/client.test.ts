import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_POLICY, isPermissionError, retryWait } from '../../../../src/report/github/client.js'

const error = (status: number | undefined, message = '', headers: Record<string, string> = {}) => ({
  status,
  message,
  response: { headers }
})
const policy = DEFAULT_POLICY

describe('retryWait', () => {
  it('waits what retry-after says, for 403 and 429', () => {
    assert.equal(retryWait(error(403, 'You have exceeded a secondary rate limit', { 'retry-after': '3' }), 0, policy), 3000)
    assert.equal(retryWait(error(429, '', { 'retry-after': '0' }), 0, policy), 0)
  })
  it('waits for the primary rate limit to reset, when that is soon', () => {
    const now = 1_700_000_000_000
    const headers = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 10) }
    assert.equal(retryWait(error(403, 'API rate limit exceeded', headers), 0, policy, now), 11_000)
    const later = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 3600) }
    assert.equal(retryWait(error(403, 'API rate limit exceeded', later), 0, policy, now), undefined, 'an hour is not waited for')
  })
  it('a secondary rate limit without retry-after waits a minute', () =>
    assert.equal(retryWait(error(403, 'You have exceeded a secondary rate limit'), 0, policy), 60_000))
  it('backs off on 5xx and network failures, doubling', () => {
    assert.equal(retryWait(error(502), 0, policy), 1000)
    assert.equal(retryWait(error(503), 2, policy), 4000)
    assert.equal(retryWait(new Error('fetch failed'), 1, policy), 2000)
  })
  it('does not retry a permission, a missing route or a bad request', () => {
    for (const status of [401, 403, 404, 422])
      assert.equal(retryWait(error(status, 'Resource not accessible by integration'), 0, policy), undefined)
  })
})

describe('isPermissionError', () => {
  it('403 and 404 without a rate limit', () => {
    assert.equal(isPermissionError(error(403, 'Resource not accessible by integration')), true)
    assert.equal(isPermissionError(error(404, 'Not Found')), true)
    assert.equal(isPermissionError(error(403, 'You have exceeded a secondary rate limit')), false)
    assert.equal(isPermissionError(error(502)), false)
  })
})

// A local Actions cache service, speaking both protocols @actions/cache 6 speaks, as the toolkit
// selects them (its config: GitHub Enterprise Server, a GITHUB_SERVER_URL other than github.com
// or *.ghe.com, always gets v1; elsewhere ACTIONS_CACHE_SERVICE_V2 set means v2):
// - v2 (github.com): the Twirp CacheService at ACTIONS_RESULTS_URL
//   (/twirp/github.actions.results.api.v1.CacheService/GetCacheEntryDownloadURL, CreateCacheEntry,
//   FinalizeCacheEntryUpload, JSON with proto field names), the archive uploaded to the signed
//   URL it hands out as Azure Blob Storage takes it (the toolkit's Azure client: one PUT with
//   x-ms-blob-type BlockBlob up to 128 MiB, else PUT ?comp=block per block then ?comp=blocklist),
//   and downloaded from the signed download URL with a plain GET;
// - v1 (GHES): the REST API at ACTIONS_CACHE_URL/_apis/artifactcache (GET cache?keys=&version=,
//   POST caches to reserve, PATCH caches/{id} with Content-Range chunks, POST caches/{id} to commit).
// Entries match as the service matches them: the primary key exactly, else a restore key as a
// prefix (newest first), and always the same version (the hash of paths and compression).
// Faults: `fail` answers every call 500; `hang` accepts every request and never answers.
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type CacheProtocol = 'v2' | 'v1'

export interface CacheEntry {
  key: string
  version: string
  size: number
  created: number
}

export interface CacheCall {
  protocol: CacheProtocol | 'blob'
  call: string
  status: number
}

export interface CacheService {
  url: string
  /** The environment a runner gives a job for this protocol (the runtime token included). */
  env: (protocol: CacheProtocol) => Record<string, string>
  entries: () => CacheEntry[]
  calls: () => CacheCall[]
  stop: () => Promise<void>
}

export interface CacheServiceOptions {
  fault?: 'fail' | 'hang'
}

const TWIRP = '/twirp/github.actions.results.api.v1.CacheService/'
const V1 = '/_apis/artifactcache/'
const TOKEN = 'runtime-token-for-the-local-cache'

interface Stored extends CacheEntry {
  data?: Buffer
  /** v2: blocks staged by id until the block list commits them; v1: chunks by offset. */
  blocks: Map<string, Buffer>
  id: number
  committed: boolean
}

export async function startCacheService(options: CacheServiceOptions = {}): Promise<CacheService> {
  const stored: Stored[] = []
  const calls: CacheCall[] = []
  const hanging = new Set<ServerResponse>()
  let nextId = 1
  let url = ''
  const signature = randomBytes(8).toString('hex')

  const server: Server = createServer((req, res) => void handle(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  async function body(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks)
  }

  function send(res: ServerResponse, status: number, value?: unknown, headers: Record<string, string> = {}): void {
    const data = value === undefined ? Buffer.alloc(0) : Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))
    res.writeHead(status, {
      'content-length': String(data.length),
      ...(value !== undefined && !Buffer.isBuffer(value) ? { 'content-type': 'application/json' } : {}),
      ...headers
    })
    res.end(data)
  }

  function find(keys: string[], version: string): Stored | undefined {
    const ready = stored.filter((e) => e.committed && e.version === version).sort((a, b) => b.created - a.created)
    const [primary, ...restore] = keys
    return ready.find((e) => e.key === primary) ?? restore.map((k) => ready.find((e) => e.key.startsWith(k))).find(Boolean)
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = new URL(req.url ?? '/', url)
    const data = await body(req)
    const protocol: CacheCall['protocol'] = target.pathname.startsWith(TWIRP) ? 'v2' : target.pathname.startsWith(V1) ? 'v1' : 'blob'
    const call =
      protocol === 'v2' ? target.pathname.slice(TWIRP.length) : `${req.method} ${target.pathname.replace(/^\/_apis\/artifactcache\//, '')}`
    const record = (status: number) => calls.push({ protocol, call, status })
    if (options.fault === 'hang') {
      record(0)
      hanging.add(res)
      return
    }
    if (options.fault === 'fail') {
      record(500)
      return send(
        res,
        500,
        protocol === 'v2' ? { code: 'internal', msg: 'the local cache service fails on purpose' } : { message: 'failing on purpose' }
      )
    }
    const authorized = req.headers.authorization === `Bearer ${TOKEN}`
    if (protocol !== 'blob' && !authorized) {
      record(401)
      return send(res, 401, { code: 'unauthenticated', msg: 'no runtime token' })
    }
    const status =
      protocol === 'v2'
        ? v2(call, JSON.parse(data.toString('utf8') || '{}'), res)
        : protocol === 'v1'
          ? v1(req, target, data, res)
          : blob(req, target, data, res)
    record(status)
  }

  function v2(call: string, request: Record<string, unknown>, res: ServerResponse): number {
    const key = String(request.key ?? '')
    const version = String(request.version ?? '')
    switch (call) {
      case 'GetCacheEntryDownloadURL': {
        const entry = find([key, ...((request.restore_keys as string[] | undefined) ?? [])], version)
        if (!entry) return answer(res, 200, { ok: false, signed_download_url: '', matched_key: '' })
        return answer(res, 200, {
          ok: true,
          signed_download_url: `${url}/devstoreaccount1/cache/${entry.id}?sig=${signature}`,
          matched_key: entry.key
        })
      }
      case 'CreateCacheEntry': {
        if (stored.some((e) => e.key === key && e.version === version))
          return answer(res, 200, { ok: false, signed_upload_url: '', message: `cache entry ${key} exists` })
        const entry: Stored = { key, version, size: 0, created: Date.now(), id: nextId++, blocks: new Map(), committed: false }
        stored.push(entry)
        return answer(res, 200, { ok: true, signed_upload_url: `${url}/devstoreaccount1/cache/${entry.id}?sig=${signature}` })
      }
      case 'FinalizeCacheEntryUpload': {
        const entry = stored.find((e) => e.key === key && e.version === version && !e.committed)
        if (!entry?.data || entry.data.length !== Number(request.size_bytes))
          return answer(res, 200, { ok: false, entry_id: '0', message: 'nothing uploaded of that size' })
        entry.committed = true
        return answer(res, 200, { ok: true, entry_id: String(entry.id) })
      }
      default:
        return answer(res, 404, { code: 'bad_route', msg: `no method ${call}` })
    }
  }

  /** The signed URLs: Azure Blob Storage's Put Blob, Put Block, Put Block List, and a GET. */
  function blob(req: IncomingMessage, target: URL, data: Buffer, res: ServerResponse): number {
    const match = /^\/devstoreaccount1\/cache\/(\d+)$/.exec(target.pathname)
    const entry = match ? stored.find((e) => e.id === Number(match[1])) : undefined
    if (!entry || target.searchParams.get('sig') !== signature) return answer(res, 403, { message: 'AuthenticationFailed' })
    const azure = {
      'x-ms-request-id': randomBytes(8).toString('hex'),
      'x-ms-version': '2024-11-04',
      etag: `"0x${entry.id}"`,
      'last-modified': new Date().toUTCString()
    }
    if (req.method === 'GET') {
      if (!entry.committed || !entry.data) return answer(res, 404, { message: 'BlobNotFound' })
      send(res, 200, entry.data, { 'content-type': 'application/octet-stream' })
      return 200
    }
    if (req.method !== 'PUT' || entry.committed) return answer(res, 409, { message: 'the entry is committed' })
    const comp = target.searchParams.get('comp')
    if (comp === 'block') {
      entry.blocks.set(target.searchParams.get('blockid') ?? '', data)
    } else if (comp === 'blocklist') {
      const ids = [...data.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]+)</g)].map((m) => m[1] as string)
      entry.data = Buffer.concat(ids.map((id) => entry.blocks.get(id) ?? Buffer.alloc(0)))
    } else if (req.headers['x-ms-blob-type'] === 'BlockBlob') {
      entry.data = data
    } else {
      return answer(res, 400, { message: 'MissingRequiredHeader x-ms-blob-type' })
    }
    entry.size = entry.data?.length ?? 0
    send(res, 201, undefined, azure)
    return 201
  }

  function v1(req: IncomingMessage, target: URL, data: Buffer, res: ServerResponse): number {
    const resource = target.pathname.slice(V1.length)
    if (req.method === 'GET' && resource === 'cache') {
      const entry = find((target.searchParams.get('keys') ?? '').split(','), target.searchParams.get('version') ?? '')
      if (!entry) return answer(res, 204)
      return answer(res, 200, {
        cacheKey: entry.key,
        scope: 'refs/heads/main',
        archiveLocation: `${url}/devstoreaccount1/cache/${entry.id}?sig=${signature}`
      })
    }
    if (req.method === 'POST' && resource === 'caches') {
      const request = JSON.parse(data.toString('utf8')) as { key: string; version: string }
      if (stored.some((e) => e.key === request.key && e.version === request.version))
        return answer(res, 409, { message: `Cache already exists. Scope: refs/heads/main, Key: ${request.key}` })
      const entry: Stored = {
        key: request.key,
        version: request.version,
        size: 0,
        created: Date.now(),
        id: nextId++,
        blocks: new Map(),
        committed: false
      }
      stored.push(entry)
      return answer(res, 201, { cacheId: entry.id })
    }
    const id = /^caches\/(\d+)$/.exec(resource)?.[1]
    const entry = stored.find((e) => e.id === Number(id))
    if (!entry || entry.committed) return answer(res, 404, { message: 'no such reserved cache' })
    if (req.method === 'PATCH') {
      const range = /^bytes (\d+)-(\d+)\/\*$/.exec(String(req.headers['content-range']))
      if (!range || Number(range[2]) - Number(range[1]) + 1 !== data.length) return answer(res, 400, { message: 'bad Content-Range' })
      entry.blocks.set(range[1] as string, data)
      return answer(res, 204)
    }
    if (req.method === 'POST') {
      const offsets = [...entry.blocks.keys()].map(Number).sort((a, b) => a - b)
      entry.data = Buffer.concat(offsets.map((o) => entry.blocks.get(String(o))!))
      const size = (JSON.parse(data.toString('utf8')) as { size: number }).size
      if (entry.data.length !== size) return answer(res, 400, { message: `uploaded ${entry.data.length} bytes, committed ${size}` })
      entry.size = size
      entry.committed = true
      return answer(res, 204)
    }
    return answer(res, 405, { message: 'method not allowed' })
  }

  function answer(res: ServerResponse, status: number, value?: unknown): number {
    send(res, status, value)
    return status
  }

  return {
    url,
    env: (protocol) => ({
      ACTIONS_RUNTIME_TOKEN: TOKEN,
      ...(protocol === 'v2'
        ? { ACTIONS_RESULTS_URL: `${url}/`, ACTIONS_CACHE_SERVICE_V2: 'True', GITHUB_SERVER_URL: 'https://github.com' }
        : { ACTIONS_CACHE_URL: `${url}/`, GITHUB_SERVER_URL: 'https://ghes.example.com' })
    }),
    entries: () => stored.filter((e) => e.committed).map(({ key, version, size, created }) => ({ key, version, size, created })),
    calls: () => [...calls],
    stop: async () => {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  }
}

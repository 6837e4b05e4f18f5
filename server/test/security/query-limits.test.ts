// SensorThings resource limits on a real file store: the query time limit (sta/deadline.ts:
// 503 STA_QUERY_TIMEOUT, or a page ending early with a nextLink), the response size limit
// (sta/respond.ts: pages end early with a nextLink; CSV over it is a 400), and the other request
// caps (body size, $top, $expand depth) through `reeflink serve`'s HTTP app; the /metrics counters
// of reads cut by the two limits (sta/limit-events.ts), on the event loop and in read workers.
import Fastify, { type FastifyInstance } from 'fastify'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { startServer } from '../../src/server.js'
import { staPlugin } from '../../src/sta/index.js'
import type { Db } from '../../src/store/database.js'
import { bigStore, type BigStore } from '../sta/big-store.js'

const ROWS = 400_000
const T0 = Date.UTC(2020, 0, 1)
let store: BigStore
let dir: string
let db: Db
let series: number[]

beforeAll(() => {
  store = bigStore('reeflink-query-limits-', ROWS, T0)
  ;({ dir, db, series } = store)
}, 120_000)

afterAll(() => store?.cleanup())

async function app(opts: { queryTimeoutMs?: number; maxResponseBytes?: number; maxTop?: number }): Promise<FastifyInstance> {
  const a = Fastify()
  await a.register(staPlugin, { prefix: '/v1.1', db, ...opts })
  await a.ready()
  return a
}

// Nested functions over every Observation, matching none: SQLite scans all rows, returning none.
const SLOW_FILTER = 'round(result mul 1.7 add second(phenomenonTime)) eq -1 and floor(ceiling(result div 3) mul hour(phenomenonTime)) eq -5'

describe('query time limit', () => {
  it('the store is big enough: the slow $filter takes longer than the limit used below', async () => {
    const a = await app({ queryTimeoutMs: 0 })
    const t = Date.now()
    const r = await a.inject(`/v1.1/Observations?$top=10&$filter=${encodeURIComponent(SLOW_FILTER)}`)
    const ms = Date.now() - t
    expect(r.statusCode).toBe(200)
    expect(r.json().value).toEqual([])
    expect(ms).toBeGreaterThan(100)
    await a.close()
  })

  it('ends a $filter scan past the limit with 503 STA_QUERY_TIMEOUT, soon after the limit, and the connection keeps serving', async () => {
    const a = await app({ queryTimeoutMs: 40 })
    // The event loop is held at most about the limit (reads run on it): measure its longest pause.
    let lastTick = Date.now()
    let longestPause = 0
    const ticker = setInterval(() => {
      longestPause = Math.max(longestPause, Date.now() - lastTick)
      lastTick = Date.now()
    }, 5)
    const t = Date.now()
    const r = await a.inject(`/v1.1/Observations?$top=10&$filter=${encodeURIComponent(SLOW_FILTER)}`)
    const ms = Date.now() - t
    await new Promise((res) => setTimeout(res, 20))
    clearInterval(ticker)
    expect(r.statusCode).toBe(503)
    expect(r.json()).toMatchObject({ code: 'STA_QUERY_TIMEOUT', error: 'Service Unavailable' })
    expect(r.json().message).toMatch(/40 ms/)
    expect(ms).toBeLessThan(1000)
    expect(longestPause).toBeLessThan(1000)
    // Same connection: index-only reads and writes go on (nothing left armed or busy).
    const ok = await a.inject(`/v1.1/Datastreams(${series[0]})/Observations?$top=3`)
    expect(ok.statusCode).toBe(200)
    expect(ok.json().value).toHaveLength(3)
    db.prepare('INSERT INTO observations (datastream_id, phenomenon_time, result, raw, qc, age_s) VALUES (?, ?, 1, 1, 0, 60)').run(series[0], T0 - 1)
    db.prepare('DELETE FROM observations WHERE phenomenon_time = ?').run(T0 - 1)
    await a.close()
  })

  it('applies to $count with a $filter, to a top-N $orderby on a computed value, and to streamed pages on pool connections', async () => {
    const a = await app({ queryTimeoutMs: 30 })
    const urls = [
      `/v1.1/Observations?$top=0&$count=true&$filter=${encodeURIComponent(SLOW_FILTER)}`,
      `/v1.1/Observations?$top=5&$orderby=${encodeURIComponent('round(result mul 1000 add second(phenomenonTime)) desc')}&$filter=${encodeURIComponent('floor(ceiling(result div 3) mul hour(phenomenonTime)) ne -5')}`,
      `/v1.1/Observations?$top=50000&$filter=${encodeURIComponent(SLOW_FILTER)}`,
    ]
    for (const url of urls) {
      const r = await a.inject(url)
      expect([url, r.statusCode, r.json().code]).toEqual([url, 503, 'STA_QUERY_TIMEOUT'])
    }
    await a.close()
  })

  it('applies to an unscoped /Observations in its default order (phenomenonTime: SQLite sorts the whole table)', async () => {
    const url = '/v1.1/Observations?$top=5'
    const untimed = await app({ queryTimeoutMs: 0 })
    const t = Date.now()
    const full = await untimed.inject(url)
    const ms = Date.now() - t
    await untimed.close()
    expect(full.statusCode).toBe(200)
    expect(full.json().value).toHaveLength(5)
    // Without the limit the sort of 400 000 rows takes longer than the 5 ms limit below.
    expect(ms).toBeGreaterThan(20)
    const a = await app({ queryTimeoutMs: 5 })
    const r = await a.inject(url)
    await a.close()
    expect(r.statusCode).toBe(503)
    expect(r.json().code).toBe('STA_QUERY_TIMEOUT')
  })

  it('ends a long page that has written rows with a nextLink (valid JSON, nothing lost between pages)', async () => {
    // One row in 4, in primary-key order: rows come out as the scan finds them (in chunks of a few
    // thousand, read/fetch.ts), so the limit strikes after some were written. (In an order SQLite
    // must sort, no row comes out before the scan ends: that is a 503, as above.) How far the scan
    // gets depends on the machine's load: the limit doubles until the first chunk makes it.
    const filter = encodeURIComponent('floor(result mul 100000) mod 4 eq 0 and round(result add minute(phenomenonTime)) ge 0')
    let body: { value: { dataArray: unknown[][] }[]; '@iot.nextLink'?: string } | null = null
    for (let limit = 30; limit <= 960 && !body; limit *= 2) {
      const a = await app({ queryTimeoutMs: limit })
      const r = await a.inject(`/v1.1/Observations?$top=100000&$orderby=id&$resultFormat=dataArray&$filter=${filter}`)
      await a.close()
      if (r.statusCode === 503) continue
      expect(r.statusCode).toBe(200)
      body = r.json()
    }
    expect(body).not.toBeNull()
    const rows = body!.value.flatMap((g) => g.dataArray)
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.length).toBeLessThan(ROWS / 4 - 1000)
    expect(body!['@iot.nextLink']).toMatch(/\$top=100000/)
    // The rows are the first ones, and the next page starts right after the last.
    const unlimited = await app({ queryTimeoutMs: 0 })
    const all = (await unlimited.inject(`/v1.1/Observations?$top=${rows.length + 5}&$orderby=id&$resultFormat=dataArray&$filter=${filter}`)).json()
    const allRows = all.value.flatMap((g: { dataArray: unknown[][] }) => g.dataArray)
    expect(allRows.slice(0, rows.length)).toEqual(rows)
    const next = new URL(body!['@iot.nextLink']!)
    const nextPage = (await unlimited.inject(`${next.pathname}${next.search.replace('$top=100000', '$top=5')}`)).json()
    const nextRows = nextPage.value.flatMap((g: { dataArray: unknown[][] }) => g.dataArray)
    expect(nextRows).toEqual(allRows.slice(rows.length, rows.length + 5))
    await unlimited.close()
  })
})

describe('response size limit', () => {
  const LIMIT = 64 * 1024

  it('ends an oversized JSON page (streamed or not) before the limit, with a nextLink that continues exactly after it', async () => {
    const a = await app({ maxResponseBytes: LIMIT })
    const full = await app({})
    const ds = series[1]
    for (const top of [1000, 20000]) {
      const url = `/v1.1/Datastreams(${ds})/Observations?$top=${top}`
      const r = await a.inject(url)
      expect(r.statusCode).toBe(200)
      expect(r.rawPayload.length).toBeLessThanOrEqual(LIMIT)
      const body = r.json()
      expect(body.value.length).toBeGreaterThan(10)
      expect(body.value.length).toBeLessThan(top)
      const reference = (await full.inject(`/v1.1/Datastreams(${ds})/Observations?$top=${body.value.length + 3}`)).json().value
      expect(body.value).toEqual(reference.slice(0, body.value.length))
      const next = new URL(body['@iot.nextLink'])
      const second = (await a.inject(next.pathname + next.search)).json()
      expect(second.value.slice(0, 3)).toEqual(reference.slice(body.value.length))
    }
    await a.close()
    await full.close()
  })

  it('ends an oversized dataArray page cleanly; a correctly paged large dataArray and CSV still stream whole', async () => {
    const a = await app({ maxResponseBytes: 1024 * 1024 })
    const r = await a.inject(`/v1.1/Observations?$top=200000&$resultFormat=dataArray`)
    expect(r.statusCode).toBe(200)
    expect(r.rawPayload.length).toBeLessThanOrEqual(1024 * 1024)
    const body = r.json()
    const n = body.value.reduce((s: number, g: { dataArray: unknown[]; 'dataArray@iot.count': number }) => {
      expect(g['dataArray@iot.count']).toBe(g.dataArray.length)
      return s + g.dataArray.length
    }, 0)
    expect(n).toBeGreaterThan(1000)
    expect(n).toBeLessThan(200000)
    expect(body['@iot.nextLink']).toContain('$top=200000')
    // Pages that fit: 5000 rows of dataArray (> 1000 rows: streamed from a pool connection) and CSV.
    const paged = await a.inject(`/v1.1/Datastreams(${series[0]})/Observations?$top=5000&$resultFormat=dataArray`)
    expect(paged.statusCode).toBe(200)
    expect(paged.json().value.reduce((s: number, g: { dataArray: unknown[] }) => s + g.dataArray.length, 0)).toBe(5000)
    const csv = await a.inject(`/v1.1/Datastreams(${series[0]})/Observations?$top=5000&$resultFormat=CSV`)
    expect(csv.statusCode).toBe(200)
    expect(csv.body.trim().split('\r\n')).toHaveLength(5001)
    await a.close()
  })

  it('answers 400 STA_RESPONSE_TOO_LARGE for CSV over the limit (no nextLink in CSV) and for a single entity row over it', async () => {
    const a = await app({ maxResponseBytes: LIMIT })
    for (const top of [1000, 50000]) {
      const r = await a.inject(`/v1.1/Observations?$top=${top}&$resultFormat=CSV`)
      expect(r.statusCode).toBe(400)
      expect(r.json().code).toBe('STA_RESPONSE_TOO_LARGE')
      expect(r.json().message).toMatch(/\$top/)
    }
    await a.close()
  })
})

describe('limit counters on /metrics (reeflink serve)', () => {
  const serve = (http: { queryTimeoutMs?: number; maxResponseBytes?: number }) =>
    startServer(
      loadConfig({ env: {}, cwd: dir, flags: { database: join(dir, 'store.db'), http: { port: 0, ...http }, mqtt: { embedded: false }, udp: { enabled: false }, log: { level: 'silent' } } }),
      pino({ level: 'silent' }),
    )

  /** The counters as /metrics shows them, e.g. { 'reeflink_sta_query_timeouts_total{outcome="error"}': 1 }. */
  async function limitCounters(base: string): Promise<Record<string, number>> {
    const text = await (await fetch(`${base}/metrics`)).text()
    const out: Record<string, number> = {}
    for (const m of text.matchAll(/^(reeflink_sta_(?:query_timeouts|response_limit)_total\{[^}]*\}) (\d+)$/gm)) out[m[1]!] = Number(m[2])
    return out
  }

  /** Polls /metrics until `expected` shows (a report made in a read worker arrives by message). */
  async function expectCounters(base: string, expected: Record<string, number>): Promise<void> {
    let seen: Record<string, number> = {}
    for (let i = 0; i < 100; i++) {
      seen = await limitCounters(base)
      if (Object.entries(expected).every(([k, v]) => seen[k] === v)) break
      await new Promise((r) => setTimeout(r, 20))
    }
    expect(seen).toEqual(expected)
  }

  const TIMEOUTS = 'reeflink_sta_query_timeouts_total'
  const BYTES = 'reeflink_sta_response_limit_total'

  it('counts 503 STA_QUERY_TIMEOUT, pages cut at http.maxResponseBytes (event loop and read worker) and 400 STA_RESPONSE_TOO_LARGE', async () => {
    const server = await serve({ queryTimeoutMs: 40, maxResponseBytes: 64 * 1024 })
    try {
      const base = server.urls.http
      await expectCounters(base, { [`${TIMEOUTS}{outcome="error"}`]: 0, [`${TIMEOUTS}{outcome="next_link"}`]: 0, [`${BYTES}{outcome="error"}`]: 0, [`${BYTES}{outcome="next_link"}`]: 0 })
      // A $filter read runs in a read worker; its timeout is answered (and counted) on the event loop.
      const slow = await fetch(`${base}/v1.1/Observations?$top=10&$filter=${encodeURIComponent(SLOW_FILTER)}`)
      expect(slow.status).toBe(503)
      expect(((await slow.json()) as { code: string }).code).toBe('STA_QUERY_TIMEOUT')
      // A page cut by size on the event loop (streamed from a pool connection), and one made in a
      // read worker ($orderby): both end with a nextLink.
      for (const url of [`/v1.1/Datastreams(${series[1]})/Observations?$top=20000`, '/v1.1/Observations?$top=1000&$orderby=id']) {
        const r = await fetch(`${base}${url}`)
        expect(r.status).toBe(200)
        expect(((await r.json()) as { '@iot.nextLink'?: string })['@iot.nextLink']).toBeDefined()
      }
      const csv = await fetch(`${base}/v1.1/Observations?$top=1000&$resultFormat=CSV`)
      expect(csv.status).toBe(400)
      expect(((await csv.json()) as { code: string }).code).toBe('STA_RESPONSE_TOO_LARGE')
      // A page that fits counts nothing.
      expect((await fetch(`${base}/v1.1/Datastreams(${series[1]})/Observations?$top=10`)).status).toBe(200)
      await expectCounters(base, { [`${TIMEOUTS}{outcome="error"}`]: 1, [`${TIMEOUTS}{outcome="next_link"}`]: 0, [`${BYTES}{outcome="error"}`]: 1, [`${BYTES}{outcome="next_link"}`]: 2 })
    } finally {
      await server.close()
    }
  })

  it('counts a page cut short by the query time limit (with a nextLink) apart from the 503s', async () => {
    // As in 'ends a long page that has written rows with a nextLink' above: the limit doubles
    // until the first chunk makes it (the machine's load decides which limit that is).
    const filter = encodeURIComponent('floor(result mul 100000) mod 4 eq 0 and round(result add minute(phenomenonTime)) ge 0')
    let cut = false
    for (let limit = 30; limit <= 960 && !cut; limit *= 2) {
      const server = await serve({ queryTimeoutMs: limit })
      try {
        const r = await fetch(`${server.urls.http}/v1.1/Observations?$top=100000&$orderby=id&$resultFormat=dataArray&$filter=${filter}`)
        const body = (await r.json()) as { '@iot.nextLink'?: string }
        if (r.status === 503) {
          await expectCounters(server.urls.http, { [`${TIMEOUTS}{outcome="error"}`]: 1, [`${TIMEOUTS}{outcome="next_link"}`]: 0, [`${BYTES}{outcome="error"}`]: 0, [`${BYTES}{outcome="next_link"}`]: 0 })
          continue
        }
        expect(r.status).toBe(200)
        // A scan that finished within the limit cut nothing: the store would be too small.
        if (!body['@iot.nextLink']) throw new Error(`the page finished within ${limit} ms: the store is too small for this test`)
        cut = true
        await expectCounters(server.urls.http, { [`${TIMEOUTS}{outcome="error"}`]: 0, [`${TIMEOUTS}{outcome="next_link"}`]: 1, [`${BYTES}{outcome="error"}`]: 0, [`${BYTES}{outcome="next_link"}`]: 0 })
      } finally {
        await server.close()
      }
    }
    expect(cut).toBe(true)
  })
})

describe('request caps through reeflink serve', () => {
  it('413 for a body over http.bodyLimitBytes, $top capped at http.maxTop, $expand deeper than 8 levels 400', async () => {
    const server = await startServer(
      loadConfig({ env: {}, cwd: dir, flags: { database: join(dir, 'store.db'), http: { port: 0, bodyLimitBytes: 2048, maxTop: 7 }, mqtt: { embedded: false }, udp: { enabled: false }, auth: { adminKey: 'admin-key-for-query-limits-0123456789' }, log: { level: 'silent' } } }),
      pino({ level: 'silent' }),
    )
    try {
      const base = server.urls.http
      const big = await fetch(`${base}/v1.1/Things`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer admin-key-for-query-limits-0123456789' },
        body: JSON.stringify({ name: 'x', description: 'y'.repeat(4096) }),
      })
      expect(big.status).toBe(413)
      const capped = (await (await fetch(`${base}/v1.1/Observations?$top=1000`)).json()) as { value: unknown[]; '@iot.nextLink': string }
      expect(capped.value).toHaveLength(7)
      expect(capped['@iot.nextLink']).toContain('$top=7')
      const navs = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 'Datastreams' : 'Thing'))
      const nested = navs.reduceRight((inner, nav) => (inner ? `${nav}($expand=${inner})` : nav), '')
      const deep = await fetch(`${base}/v1.1/Things?$expand=${encodeURIComponent(nested)}`)
      expect(deep.status).toBe(400)
      expect(((await deep.json()) as { message: string }).message).toMatch(/deeper than 8/)
    } finally {
      await server.close()
    }
  })
})

// Cached collection bodies (sta/response-cache.ts) are never stale: after any write — through
// SensorThings (this plugin instance or another on the same connection), by ingest on the same
// connection without SensorThings, by another connection (a CLI, another process) — the next read
// is what an uncached read gives, byte for byte; nothing is cached inside a transaction, for a
// $filter with now(), or for Observations. Each test would fail if a stale body were served.
import Database from 'better-sqlite3'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { watchStaLimits } from '../../src/sta/limit-events.js'
import { ResponseCache } from '../../src/sta/response-cache.js'
import { staPlugin } from '../../src/sta/index.js'
import { AUTH, makeFixture, STEP, T0, type Fixture } from './fixture.js'

let f: Fixture
let cached: FastifyInstance
let plain: FastifyInstance
let cache: ResponseCache

const EXPAND = '/v1.1/Things?$expand=Datastreams($expand=ObservedProperty)'
const URLS = [
  EXPAND,
  '/v1.1/Things?$expand=Datastreams($select=name,phenomenonTime,resultTime,observedArea;$orderby=id desc),Locations',
  '/v1.1/Datastreams?$count=true',
  '/v1.1/Sensors?$expand=Datastreams($top=1;$count=true)',
  '/v1.1/Locations?$resultFormat=GeoJSON',
  '/v1.1/Things?$resultFormat=csv&$select=id,name',
]

async function get(app: FastifyInstance, url: string, headers: Record<string, string> = {}): Promise<string> {
  const r = await app.inject({ method: 'GET', url, headers })
  expect(r.statusCode, r.body).toBe(200)
  return r.body
}

/** The cached app gives what the uncached one gives, for every URL; returns the bodies. */
async function same(): Promise<string[]> {
  const out: string[] = []
  for (const url of URLS) {
    const want = await get(plain, url)
    expect(await get(cached, url), url).toBe(want)
    out.push(want)
  }
  return out
}

beforeAll(async () => {
  f = await makeFixture()
  cache = new ResponseCache()
  cached = Fastify()
  await cached.register(staPlugin, { prefix: '/v1.1', db: f.db, credentials: f.credentials, readWorkers: 0, responseCache: cache })
  plain = Fastify()
  await plain.register(staPlugin, { prefix: '/v1.1', db: f.db, credentials: f.credentials, readWorkers: 0, responseCache: false })
  await Promise.all([cached.ready(), plain.ready()])
})
afterAll(async () => {
  await cached.close()
  await plain.close()
  await f.close()
})

const thingName = async (app: FastifyInstance) => JSON.parse(await get(app, EXPAND)).value.find((t: { '@iot.id': number }) => t['@iot.id'] === f.ids.buoy).name
const datastreamOf = async (app: FastifyInstance, id: number) =>
  JSON.parse(await get(app, EXPAND))
    .value.flatMap((t: { Datastreams: unknown[] }) => t.Datastreams)
    .find((d: { '@iot.id': number }) => d['@iot.id'] === id)

describe('cached collection bodies', () => {
  it('serves a repeated read from the cache, byte for byte', async () => {
    await same()
    const hits = cache.hits
    await same()
    expect(cache.hits).toBe(hits + URLS.length)
  })

  it('a PATCH through SensorThings (this instance, then another on the connection) is in the next read', async () => {
    await same()
    const r = await cached.inject({ method: 'PATCH', url: `/v1.1/Things(${f.ids.buoy})`, headers: { ...AUTH, 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'renamed once' }) })
    expect(r.statusCode, r.body).toBe(200)
    expect(await thingName(cached)).toBe('renamed once')
    await same()
    expect((await f.send('PATCH', `/v1.1/Things(${f.ids.buoy})`, { name: 'renamed twice' })).status).toBe(200)
    expect(await thingName(cached)).toBe('renamed twice')
    await same()
  })

  it("an Observation created through SensorThings moves its Datastream's phenomenonTime and resultTime in the next read", async () => {
    const before = await datastreamOf(cached, f.ids.temp)
    await same()
    const t = T0 + 1000 * STEP
    const r = await f.send('POST', '/v1.1/Observations', { result: 1.5, phenomenonTime: new Date(t).toISOString(), resultTime: new Date(t + 5000).toISOString(), Datastream: { '@iot.id': f.ids.temp } })
    expect(r.status, r.text).toBe(201)
    const after = await datastreamOf(cached, f.ids.temp)
    expect(after.phenomenonTime).not.toBe(before.phenomenonTime)
    expect(after.phenomenonTime.endsWith(new Date(t).toISOString())).toBe(true)
    await same()
  })

  it("ingest's writes on the same connection (no SensorThings: observations, then the Datastream's ranges) are in the next read", async () => {
    await same()
    const t = T0 + 2000 * STEP
    f.db.prepare('INSERT INTO observations (datastream_id, phenomenon_time, result, raw, qc, age_s) VALUES (?, ?, ?, NULL, 0, 60)').run(f.ids.psal, t, 35.5)
    // The Observation alone changes no Datastream text here, but the key has moved all the same.
    await same()
    // What pipeline/batch-writer.ts does after its inserts.
    f.db
      .prepare(
        `UPDATE datastreams SET phenomenon_time_start = min(coalesce(phenomenon_time_start, @t), @t), phenomenon_time_end = max(coalesce(phenomenon_time_end, @t), @t),
         result_time_start = min(coalesce(result_time_start, @r), @r), result_time_end = max(coalesce(result_time_end, @r), @r) WHERE id = @id`,
      )
      .run({ t, r: t + 60_000, id: f.ids.psal })
    expect((await datastreamOf(cached, f.ids.psal)).phenomenonTime.endsWith(new Date(t).toISOString())).toBe(true)
    await same()
  })

  it('a commit by another connection (a CLI, another process) is in the next read', async () => {
    await same()
    const other = new Database(f.db.name)
    try {
      other.prepare('UPDATE things SET name = ? WHERE id = ?').run('renamed elsewhere', f.ids.buoy)
      expect(await thingName(cached)).toBe('renamed elsewhere')
      await same()
      other.prepare('UPDATE observed_properties SET description = ?').run('described elsewhere')
      expect(JSON.parse(await get(cached, EXPAND)).value[0].Datastreams[0].ObservedProperty.description).toBe('described elsewhere')
      await same()
    } finally {
      other.close()
    }
  })

  it('nothing is served from or kept in the cache inside a transaction (it may roll back)', async () => {
    await same()
    const hits = cache.hits
    const name = await thingName(plain)
    f.db.exec('BEGIN')
    try {
      f.db.prepare('UPDATE things SET name = ? WHERE id = ?').run('not committed', f.ids.buoy)
      expect(await thingName(cached)).toBe('not committed')
      expect(await thingName(cached)).toBe('not committed')
    } finally {
      f.db.exec('ROLLBACK')
    }
    expect(cache.hits).toBe(hits)
    expect(await thingName(cached)).toBe(name)
    await same()
  })

  it('keeps a body per service URL (links follow X-Forwarded-*)', async () => {
    const a = await get(cached, EXPAND)
    const b = await get(cached, EXPAND, { 'x-forwarded-host': 'reef.example.org', 'x-forwarded-proto': 'https' })
    expect(b).not.toBe(a)
    expect(b).toContain('https://reef.example.org/v1.1/Things(')
    expect(await get(cached, EXPAND)).toBe(a)
  })

  it('never caches pages that read the clock ($filter with now()) or Observations', async () => {
    const { hits, misses } = cache
    const url = `/v1.1/Things?$expand=Datastreams($filter=${encodeURIComponent('phenomenonTime lt now()')})`
    expect(await get(cached, url)).toBe(await get(plain, url))
    expect(await get(cached, url)).toBe(await get(plain, url))
    await get(cached, '/v1.1/Observations?$top=5')
    await get(cached, '/v1.1/Observations?$top=5')
    expect([cache.hits, cache.misses]).toEqual([hits, misses])
  })

  it('keeps no page cut by the response size limit: each such response is counted on /metrics', async () => {
    const limited = Fastify()
    await limited.register(staPlugin, { prefix: '/v1.1', db: f.db, credentials: f.credentials, readWorkers: 0, responseCache: cache, maxResponseBytes: 8000 })
    const limits = watchStaLimits(f.db.name)
    try {
      const url = '/v1.1/Datastreams?$expand=Thing'
      const bodies = [await get(limited, url), await get(limited, url)]
      expect(JSON.parse(bodies[0])['@iot.nextLink']).toBeDefined()
      expect(bodies[1]).toBe(bodies[0])
      expect(limits.counts.response_bytes.next_link).toBe(2)
    } finally {
      limits.stop()
      await limited.close()
    }
  })

  it('stays equal to uncached reads through a random sequence of writes of every kind', async () => {
    let seed = 17
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const other = new Database(f.db.name)
    try {
      for (let i = 0; i < 30; i++) {
        const k = rnd()
        if (k < 0.25) expect((await f.send('PATCH', `/v1.1/Datastreams(${f.ids.temp})`, { description: `d${i}` })).status).toBe(200)
        else if (k < 0.5) expect((await f.send('POST', '/v1.1/Observations', { result: i, phenomenonTime: new Date(T0 + (3000 + i) * STEP).toISOString(), Datastream: { '@iot.id': f.ids.loggerTemp } })).status).toBe(201)
        else if (k < 0.75) other.prepare('UPDATE sensors SET description = ?').run(`s${i}`)
        else f.db.prepare('UPDATE locations SET name = ? WHERE id = (SELECT min(id) FROM locations)').run(`l${i}`)
        await same()
        await same()
      }
    } finally {
      other.close()
    }
  })
})

describe('ResponseCache', () => {
  it('keeps the most recently used bodies within its entry and byte bounds, and nothing larger than its largest', () => {
    const c = new ResponseCache({ entries: 3, bytes: 100, largest: 40 })
    c.set('a', 'v1', 'x'.repeat(30))
    c.set('b', 'v1', 'y'.repeat(30))
    expect(c.get('a', 'v1')).toBe('x'.repeat(30))
    c.set('c', 'v1', 'z'.repeat(30))
    c.set('d', 'v1', 'w'.repeat(30)) // 120 bytes: 'b' (least recently used) goes
    expect(c.get('b', 'v1')).toBeUndefined()
    expect(c.get('a', 'v1')).toBeDefined()
    c.set('e', 'v1', 'big'.repeat(20))
    expect(c.get('e', 'v1')).toBeUndefined()
    expect(c.get('a', 'v2')).toBeUndefined()
  })
})

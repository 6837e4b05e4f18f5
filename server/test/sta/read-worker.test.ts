// Costly SensorThings reads in worker threads (sta/read-worker/): the same bytes, statuses and
// error bodies as on the event loop for a set of queries; streamed pages with backpressure; the
// watchdog that replaces a worker overrunning the time limit.
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { staPlugin } from '../../src/sta/index.js'
import { ReadWorkers } from '../../src/sta/read-worker/pool.js'
import { WINDOW } from '../../src/sta/read-worker/window.js'
import type { Db } from '../../src/store/database.js'
import { bigStore, type BigStore } from './big-store.js'

const ROWS = 60_000
const T0 = Date.UTC(2020, 0, 1)
let store: BigStore
let db: Db
let series: number[]

beforeAll(() => {
  store = bigStore('reeflink-read-worker-', ROWS, T0)
  ;({ db, series } = store)
}, 60_000)

afterAll(() => store?.cleanup())

async function app(opts: { readWorkers: number; queryTimeoutMs?: number; maxResponseBytes?: number }): Promise<FastifyInstance> {
  const a = Fastify()
  await a.register(staPlugin, { prefix: '/v1.1', db, ...opts })
  await a.ready()
  return a
}

const enc = encodeURIComponent
const SLOW_FILTER = 'round(result mul 1.7 add second(phenomenonTime)) eq -1 and floor(ceiling(result div 3) mul hour(phenomenonTime)) eq -5'

describe('reads in a worker thread', () => {
  it('answer the same bytes, statuses and errors as on the event loop', async () => {
    const ds = series[1]
    const urls = [
      `/v1.1/Observations?$filter=${enc('result gt 20')}&$top=50`,
      `/v1.1/Observations?$filter=${enc('result gt 20')}&$top=5000`,
      `/v1.1/Observations?$orderby=${enc('result desc')}&$top=20&$count=true`,
      `/v1.1/Observations?$skip=100&$top=10`,
      `/v1.1/Observations?$filter=${enc('result gt 20.5')}&$resultFormat=dataArray&$top=3000&$count=true`,
      `/v1.1/Observations?$filter=${enc('result gt 20.5')}&$resultFormat=dataArray&$top=30`,
      `/v1.1/Observations?$filter=${enc('result lt 19.5')}&$resultFormat=CSV&$top=2000`,
      `/v1.1/Datastreams(${ds})/Observations?$filter=${enc('result lt 20')}&$top=1500&$select=result,phenomenonTime`,
      `/v1.1/Datastreams(${ds})/Observations?$filter=${enc('result lt 20')}&$top=3&$skip=7&$orderby=phenomenonTime desc`,
      `/v1.1/Things?$filter=${enc("name ne 'x'")}&$expand=${enc('Datastreams($filter=id gt 0;$top=2)')}`,
      `/v1.1/Things?$expand=${enc('Datastreams($orderby=id desc;$expand=Observations($top=2))')}`,
      `/v1.1/Locations?$filter=${enc('id gt 0')}&$resultFormat=GeoJSON`,
      `/v1.1/Datastreams/$ref?$filter=${enc('id gt 0')}`,
      `/v1.1/Datastreams?$filter=${enc('id gt 0')}&$select=name,unitOfMeasurement&$count=true`,
      `/v1.1/Observations?$filter=${enc('phenomenonTime ge 2020-01-10T00:00:00Z and phenomenonTime lt 2020-01-12T00:00:00Z')}&$top=100000`,
      // Errors: found before the worker (bad options) and in it (a timeout inside SQLite).
      `/v1.1/Observations?$filter=${enc('nosuch eq 1')}`,
      `/v1.1/Observations?$filter=${enc('result gt')}`,
      `/v1.1/Observations?$orderby=${enc('result sideways')}`,
      `/v1.1/Observations?$skip=-1`,
    ]
    const inThread = await app({ readWorkers: 0, queryTimeoutMs: 0 })
    const worker = await app({ readWorkers: 2, queryTimeoutMs: 0 })
    try {
      for (const url of urls) {
        const a = await inThread.inject(url)
        const b = await worker.inject(url)
        expect([url, b.statusCode, b.headers['content-type']]).toEqual([url, a.statusCode, a.headers['content-type']])
        expect(b.rawPayload.equals(a.rawPayload), url).toBe(true)
      }
    } finally {
      await inThread.close()
      await worker.close()
    }
    // The limits: a timeout inside SQLite (503), pages ending at the byte limit with a nextLink,
    // CSV over it (400 thrown while the worker writes).
    const limitedUrls = [
      `/v1.1/Observations?$top=10&$filter=${enc(SLOW_FILTER)}`,
      `/v1.1/Observations?$top=0&$count=true&$filter=${enc(SLOW_FILTER)}`,
    ]
    const timedA = await app({ readWorkers: 0, queryTimeoutMs: 1 })
    const timedB = await app({ readWorkers: 1, queryTimeoutMs: 1 })
    for (const url of limitedUrls) {
      const a = await timedA.inject(url)
      const b = await timedB.inject(url)
      expect(a.statusCode).toBe(503)
      expect([url, b.statusCode, b.json()]).toEqual([url, a.statusCode, a.json()])
    }
    await timedA.close()
    await timedB.close()
    const sizedUrls = [
      `/v1.1/Observations?$filter=${enc('result gt 19')}&$top=100000`,
      `/v1.1/Observations?$filter=${enc('result gt 19')}&$top=500`,
      `/v1.1/Observations?$filter=${enc('result gt 19')}&$top=100000&$resultFormat=dataArray`,
      `/v1.1/Observations?$filter=${enc('result gt 19')}&$top=50000&$resultFormat=CSV`,
      `/v1.1/Observations?$filter=${enc('result gt 19')}&$top=500&$resultFormat=CSV`,
    ]
    const sizedA = await app({ readWorkers: 0, maxResponseBytes: 64 * 1024 })
    const sizedB = await app({ readWorkers: 1, maxResponseBytes: 64 * 1024 })
    for (const url of sizedUrls) {
      const a = await sizedA.inject(url)
      const b = await sizedB.inject(url)
      expect([url, b.statusCode, b.headers['content-type']]).toEqual([url, a.statusCode, a.headers['content-type']])
      expect(b.rawPayload.equals(a.rawPayload), url).toBe(true)
    }
    expect((await sizedB.inject(sizedUrls[3])).json().code).toBe('STA_RESPONSE_TOO_LARGE')
    await sizedA.close()
    await sizedB.close()
  }, 60_000)

  it('keeps an $orderby that SQLite answers in index order on the event loop, as the default order', async () => {
    const ds = series[1]
    const onLoop = [
      `/v1.1/Datastreams(${ds})/Observations?$orderby=${enc('phenomenonTime desc')}&$top=100&$select=id,phenomenonTime,result,resultTime`,
      `/v1.1/Datastreams(${ds})/Observations?$orderby=${enc('phenomenonTime desc')}&$top=3000`,
      `/v1.1/Datastreams(${ds})/Observations?$orderby=phenomenonTime&$count=true&$top=5`,
      `/v1.1/Things?$orderby=${enc('id desc')}&$expand=Datastreams`,
      // The default order, given by an index (a Datastream's Observations) or the primary key.
      `/v1.1/Datastreams(${ds})/Observations?$top=5`,
      `/v1.1/Things?$expand=Datastreams`,
    ]
    const inWorker = [
      // A sort (of the whole table, or of the Datastream's rows), an unindexed scope, $skip.
      `/v1.1/Observations?$orderby=${enc('phenomenonTime desc')}&$top=5`,
      // No costly option, but the default order (phenomenonTime) of every Observation is a sort.
      `/v1.1/Observations?$top=5`,
      `/v1.1/Datastreams(${ds})/Observations?$orderby=${enc('result desc')}&$top=5`,
      `/v1.1/Datastreams(${ds})/Observations?$orderby=id&$top=5`,
      `/v1.1/Datastreams(${ds})/Observations?$orderby=${enc('phenomenonTime desc, id asc')}&$top=5`,
      `/v1.1/Datastreams(${ds})/Observations?$orderby=${enc('phenomenonTime desc')}&$skip=5&$top=5`,
      `/v1.1/Things?$orderby=name`,
      `/v1.1/Things?$orderby=${enc('id desc')}&$expand=${enc('Datastreams($orderby=id desc)')}`,
    ]
    const inThread = await app({ readWorkers: 0 })
    const worker = await app({ readWorkers: 1 })
    const reads = vi.spyOn(ReadWorkers.prototype, 'read')
    try {
      for (const [urls, calls] of [[onLoop, 0], [inWorker, 1]] as const) {
        for (const url of urls) {
          reads.mockClear()
          const a = await inThread.inject(url)
          const b = await worker.inject(url)
          expect([url, reads.mock.calls.length]).toEqual([url, calls])
          expect([url, b.statusCode]).toEqual([url, 200])
          expect(b.rawPayload.equals(a.rawPayload), url).toBe(true)
        }
      }
    } finally {
      reads.mockRestore()
      await inThread.close()
      await worker.close()
    }
  }, 30_000)

  it('streams a large page with at most WINDOW chunks unacknowledged while nobody reads it', async () => {
    const workers = new ReadWorkers(db.name, { workers: 1 })
    try {
      const r = await workers.read({
        entity: 'Observation', query: { $filter: 'result gt 0', $top: '60000' }, key: 'k', scope: null, ref: false, path: '/Observations',
        base: 'http://x/v1.1', root: 'http://x', defaultTop: 100, maxTop: 1_000_000, timed: true, maxBytes: 0, limitMs: 10_000, stream: true,
      })
      expect(r.kind).toBe('stream')
      if (r.kind !== 'stream') return
      await new Promise((res) => setTimeout(res, 300))
      expect(workers.inFlight).toBeGreaterThan(0)
      expect(workers.inFlight).toBeLessThanOrEqual(WINDOW)
      const parts: Buffer[] = []
      for await (const c of r.body) parts.push(c as Buffer)
      const body = JSON.parse(Buffer.concat(parts).toString())
      expect(body.value).toHaveLength(ROWS - (ROWS % series.length))
      expect(workers.inFlight).toBe(0)
    } finally {
      await workers.close()
    }
  }, 30_000)

  it('replaces a worker that overruns the time limit badly: its read fails as a timeout, the next one is served', async () => {
    const restarts: string[] = []
    const workers = new ReadWorkers(db.name, { workers: 1, onRestart: (why) => restarts.push(why) })
    const job = {
      entity: 'Observation', query: { $filter: 'result gt 0', $top: '5' }, key: 'k', scope: null, ref: false, path: '/Observations',
      base: 'http://x/v1.1', root: 'http://x', defaultTop: 100, maxTop: 1_000_000, timed: true, maxBytes: 0, limitMs: 200, stream: false,
    }
    try {
      const before = workers.threads[0]
      workers.hang(20_000)
      const t = Date.now()
      await expect(workers.read(job)).rejects.toMatchObject({ name: 'QueryTimeout', limitMs: 200 })
      expect(Date.now() - t).toBeLessThan(5000)
      expect(restarts).toHaveLength(1)
      expect(workers.threads[0]).not.toBe(before)
      const r = await workers.read(job)
      expect(r.kind === 'whole' && JSON.parse(r.parts.join('')).value).toHaveLength(5)
    } finally {
      await workers.close()
    }
  }, 30_000)
})

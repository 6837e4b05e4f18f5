/**
 * SensorThings read throughput over a 10-million-observation store, each query next to the same
 * answer from a hand-written fastify route over better-sqlite3 in the same run (ratio = ours /
 * hand-written throughput; for $count and the one-year dataArray also the raw SQLite time).
 * Requests go through fastify's inject (no sockets), sequentially, ours and the hand-written
 * route alternating in short slices. Set STA_BENCH_ROWS to shrink.
 */
import Fastify from 'fastify'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { applyManifest } from '../src/provision/apply-manifest.js'
import { validateManifest } from '../src/provision/manifest.js'
import { staPlugin } from '../src/sta/index.js'
import { openDatabase, type Db } from '../src/store/database.js'

import type { BenchRow } from './support.js'

const TOTAL = Number(process.env.STA_BENCH_ROWS ?? 10_000_000)
const STEP = 600_000
const T0 = Date.UTC(2006, 0, 1)

function build(dir: string): { db: Db; series: number[] } {
  const db = openDatabase(join(dir, 'bench.db'), { synchronous: 'normal' })
  const v = validateManifest(parse(readFileSync(new URL('../../docs/fleet.example.yaml', import.meta.url), 'utf8')))
  if (!v.ok) throw new Error('manifest')
  applyManifest(db, v.manifest, v.calibrations, T0)
  const series = (db.prepare('SELECT id FROM datastreams ORDER BY id').all() as { id: number }[]).map((r) => r.id)
  const per = Math.floor(TOTAL / series.length)
  // Bulk load: drop the index, insert in big transactions, rebuild the index once.
  db.exec('DROP INDEX observations_by_datastream_time')
  const ins = db.prepare('INSERT INTO observations (datastream_id, phenomenon_time, result, raw, qc, age_s) VALUES (?, ?, ?, ?, 0, 60)')
  const BATCH = 200_000
  for (const ds of series) {
    for (let k0 = 0; k0 < per; k0 += BATCH) {
      db.transaction(() => {
        for (let k = k0; k < Math.min(per, k0 + BATCH); k++) ins.run(ds, T0 + k * STEP, 20 + Math.sin(k / 144), 500_000 + (k % 1000))
      })()
    }
  }
  db.exec('CREATE INDEX observations_by_datastream_time ON observations(datastream_id, phenomenon_time)')
  db.exec('ANALYZE')
  return { db, series }
}

type Stats = { rps: number; p50: number; p99: number; bytes: number }

async function timeOnce(app: ReturnType<typeof Fastify>, url: string): Promise<{ ms: number; bytes: number }> {
  const t = performance.now()
  const r = await app.inject({ method: 'GET', url })
  const ms = performance.now() - t
  if (r.statusCode !== 200) throw new Error(`${url} → ${r.statusCode} ${r.body.slice(0, 200)}`)
  return { ms, bytes: r.body.length }
}

function stats(times: number[], bytes: number): Stats {
  const total = times.reduce((a, b) => a + b, 0)
  times.sort((a, b) => a - b)
  return { rps: (times.length * 1000) / total, p50: times[Math.floor(times.length / 2)], p99: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))], bytes }
}

/** Ours and the hand-written route in alternating slices of ~150 ms (at least one request
 * each), so both see the same load on a shared machine; ratios stay meaningful when absolute
 * numbers drift. */
async function measurePair(a: ReturnType<typeof Fastify>, urlA: string, b: ReturnType<typeof Fastify>, urlB: string, minMs = 3000): Promise<[Stats, Stats]> {
  const ta: number[] = []
  const tb: number[] = []
  let bytesA = 0
  let bytesB = 0
  const start = performance.now()
  while (performance.now() - start < minMs || ta.length < 5 || tb.length < 5) {
    for (const [app, url, times, set] of [
      [a, urlA, ta, (n: number) => (bytesA = n)],
      [b, urlB, tb, (n: number) => (bytesB = n)],
    ] as const) {
      const slice = performance.now()
      do {
        const r = await timeOnce(app, url)
        times.push(r.ms)
        set(r.bytes)
      } while (performance.now() - slice < 150)
    }
  }
  return [stats(ta, bytesA), stats(tb, bytesB)]
}

/** The same answers, written by hand for this schema (what a one-off route would do). */
function handWritten(db: Db, base: string) {
  const app = Fastify()
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
  const latest = db.prepare('SELECT id, phenomenon_time, result, age_s FROM observations WHERE datastream_id = ? ORDER BY phenomenon_time DESC LIMIT 100')
  const range = db.prepare('SELECT id, phenomenon_time, result, age_s FROM observations WHERE datastream_id = ? AND phenomenon_time >= ? AND phenomenon_time < ? ORDER BY phenomenon_time')
  const cnt = db.prepare('SELECT count(*) AS n FROM observations WHERE datastream_id = ?')
  const things = db.prepare('SELECT id, name, description, properties FROM things ORDER BY id LIMIT 100')
  const dss = db.prepare('SELECT id, name, description, unit_of_measurement, observation_type, observed_property_id FROM datastreams WHERE thing_id = ? ORDER BY id')
  const op = db.prepare('SELECT id, name, definition, description FROM observed_properties WHERE id = ?')
  const obsJson = (r: any) => ({ '@iot.id': r.id, phenomenonTime: iso(r.phenomenon_time), result: r.result, resultTime: iso(r.phenomenon_time + r.age_s * 1000) })
  app.get('/latest/:ds', async (req) => ({ value: (latest.all(Number((req.params as any).ds)) as any[]).map(obsJson) }))
  app.get('/range/:ds/:a/:b', async (req) => {
    const p = req.params as any
    return { value: (range.all(Number(p.ds), Number(p.a), Number(p.b)) as any[]).map(obsJson) }
  })
  app.get('/array/:ds/:a/:b', async (req, reply) => {
    const p = req.params as any
    const rows = (range.raw(true).all(Number(p.ds), Number(p.a), Number(p.b)) as any[]).map((r) => [r[0], iso(r[1]), iso(r[1] + r[3] * 1000), r[2]])
    range.raw(false)
    return reply.type('application/json').send(JSON.stringify({ value: [{ components: ['id', 'phenomenonTime', 'resultTime', 'result'], dataArray: rows }] }))
  })
  app.get('/count/:ds', async (req) => ({ '@iot.count': (cnt.get(Number((req.params as any).ds)) as any).n }))
  app.get('/things', async () => ({
    value: (things.all() as any[]).map((t) => ({
      '@iot.id': t.id,
      '@iot.selfLink': `${base}/Things(${t.id})`,
      name: t.name,
      description: t.description,
      properties: JSON.parse(t.properties),
      Datastreams: (dss.all(t.id) as any[]).map((d) => {
        const o = op.get(d.observed_property_id) as any
        return { '@iot.id': d.id, name: d.name, description: d.description, unitOfMeasurement: JSON.parse(d.unit_of_measurement), observationType: d.observation_type, ObservedProperty: { '@iot.id': o.id, name: o.name, definition: o.definition, description: o.description } }
      }),
    })),
  }))
  return app
}

export async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'reeflink-sta-bench-'))
  try {
    const t = performance.now()
    const { db, series } = build(dir)
    const buildS = (performance.now() - t) / 1000
    const ds = series[0]
    const n = (db.prepare('SELECT count(*) AS n FROM observations WHERE datastream_id = ?').get(ds) as { n: number }).n
    const last = (db.prepare('SELECT max(phenomenon_time) AS t FROM observations WHERE datastream_id = ?').get(ds) as { t: number }).t
    const dayA = last - 86_400_000
    const yearA = last - 365 * 86_400_000
    const sta = Fastify()
    await sta.register(staPlugin, { prefix: '/v1.1', db })
    const hand = handWritten(db, 'http://localhost:80/v1.1')
    await Promise.all([sta.ready(), hand.ready()])
    const iso = (ms: number) => new Date(ms).toISOString()
    // The dataArray selects the four components the hand-written route and the raw read give
    // (without $select, dataArray lists all seven Observation properties, as FROST does).
    const cases: [string, string, string][] = [
      ['latest 100 observations of a datastream', `/v1.1/Datastreams(${ds})/Observations?$orderby=phenomenonTime desc&$top=100&$select=id,phenomenonTime,result,resultTime`, `/latest/${ds}`],
      ['one-day range', `/v1.1/Datastreams(${ds})/Observations?$filter=phenomenonTime ge ${iso(dayA)} and phenomenonTime lt ${iso(last + 1)}&$select=id,phenomenonTime,result,resultTime`, `/range/${ds}/${dayA}/${last + 1}`],
      ['one-year dataArray', `/v1.1/Datastreams(${ds})/Observations?$filter=phenomenonTime ge ${iso(yearA)} and phenomenonTime lt ${iso(last + 1)}&$resultFormat=dataArray&$top=100000&$select=id,phenomenonTime,resultTime,result`, `/array/${ds}/${yearA}/${last + 1}`],
      [`$count of a ${n.toLocaleString('en-US')}-observation datastream`, `/v1.1/Datastreams(${ds})/Observations?$count=true&$top=0`, `/count/${ds}`],
      ['Things with a two-level expand', '/v1.1/Things?$expand=Datastreams($expand=ObservedProperty)', '/things'],
    ]
    const out: BenchRow[] = [{ name: `sta: build ${(TOTAL / 1e6).toFixed(1)}M-observation store`, value: buildS, unit: 's' }]
    for (const [name, ours, theirs] of cases) {
      const [a, b] = await measurePair(sta, ours.replaceAll(' ', '%20'), hand, theirs)
      out.push({ name: `sta: ${name} (req/s)`, value: a.rps, unit: 'req/s', baseline: b.rps, ratio: a.rps / b.rps })
      out.push({ name: `sta: ${name} p50`, value: a.p50, unit: 'ms', baseline: b.p50 })
      out.push({ name: `sta: ${name} p99`, value: a.p99, unit: 'ms', baseline: b.p99 })
    }
    // Raw SQLite limits for the two absolute goals.
    const rawYear = (() => {
      const s = db.prepare('SELECT id, phenomenon_time, result, age_s FROM observations WHERE datastream_id = ? AND phenomenon_time >= ? AND phenomenon_time < ? ORDER BY phenomenon_time').raw(true)
      const t0 = performance.now()
      for (let i = 0; i < 5; i++) s.all(ds, yearA, last + 1)
      return (performance.now() - t0) / 5
    })()
    const yearOurs = out.find((r) => r.name === 'sta: one-year dataArray p50')!.value
    out.push({ name: 'sta: one-year dataArray vs raw SQLite read (goal ≤ 2)', value: yearOurs, unit: 'ms', baseline: rawYear, ratio: yearOurs / rawYear })
    const countOurs = out.find((r) => r.name.startsWith('sta: $count') && r.unit === 'ms' && r.name.endsWith('p50'))!.value
    out.push({ name: 'sta: $count on 1M rows p50 (goal < 50 ms)', value: countOurs, unit: 'ms' })
    await sta.close()
    await hand.close()
    db.close()
    return out
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

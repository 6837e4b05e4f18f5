/**
 * CPU harness for the SensorThings read goals (docs/sensorthings.md, "Read performance"): process
 * CPU time (`process.cpuUsage`, all threads, read workers included) and wall time per request,
 * medians of interleaved rounds, so that variants share the load of a busy machine. Not part of
 * `npm run bench` (not a *.bench.ts). Run from the repository root:
 *
 *   node --import tsx server/bench/sta-cpu.ts [dataArray|expand|latest|all]
 *
 * Env: STA_CPU_PER rows per Datastream (default 60 000: a one-year range is 52 561 rows),
 * STA_CPU_ROUNDS (default 20), STA_CPU_WORKERS read workers (default 2, as `reeflink serve`),
 * STA_BEFORE a directory holding another copy of server/src (e.g. from `git worktree`) to
 * measure next to this one ("before"/"after" of a change). `expand` and `latest` run next to
 * sta.bench.ts's hand-written routes (sta-hand.ts), checked to give the same JSON value; `latest`
 * with and without read workers.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import Database from 'better-sqlite3'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parse } from 'yaml'
import { applyManifest } from '../src/provision/apply-manifest.js'
import { validateManifest } from '../src/provision/manifest.js'
import { openDatabase, type Db } from '../src/store/database.js'
import { handWritten, sameAnswer } from './sta-hand.js'

const PER = Number(process.env.STA_CPU_PER ?? 60_000)
const ROUNDS = Number(process.env.STA_CPU_ROUNDS ?? 20)
const WORKERS = Number(process.env.STA_CPU_WORKERS ?? 2)
const STEP = 600_000
const T0 = Date.UTC(2006, 0, 1)
const SRC = new URL('../src/', import.meta.url).href
const BEFORE = process.env.STA_BEFORE ? pathToFileURL(join(process.env.STA_BEFORE, '/')).href : null

/** The store of sta.bench.ts, smaller: docs/fleet.example.yaml, PER rows per Datastream. */
function build(file: string): Db {
  const db = openDatabase(file, { synchronous: 'normal' })
  const v = validateManifest(parse(readFileSync(new URL('../../docs/fleet.example.yaml', import.meta.url), 'utf8')))
  if (!v.ok) throw new Error('manifest')
  applyManifest(db, v.manifest, v.calibrations, T0)
  const series = (db.prepare('SELECT id FROM datastreams ORDER BY id').all() as { id: number }[]).map((r) => r.id)
  db.exec('DROP INDEX observations_by_datastream_time')
  const ins = db.prepare('INSERT INTO observations (datastream_id, phenomenon_time, result, raw, qc, age_s) VALUES (?, ?, ?, ?, 0, 60)')
  for (const ds of series)
    db.transaction(() => {
      for (let k = 0; k < PER; k++) ins.run(ds, T0 + k * STEP, 20 + Math.sin(k / 144), 500_000 + (k % 1000))
    })()
  db.exec('CREATE INDEX observations_by_datastream_time ON observations(datastream_id, phenomenon_time)')
  db.exec('ANALYZE')
  return db
}

const cpuMs = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]

type Variant = [string, () => unknown]

/** Each variant `per` times per round, rounds interleaved; medians (and the minimum CPU) per request. */
async function compare(title: string, variants: Variant[], per: number): Promise<void> {
  const cpu = new Map<string, number[]>(variants.map(([n]) => [n, []]))
  const wall = new Map<string, number[]>(variants.map(([n]) => [n, []]))
  for (const [, f] of variants) for (let i = 0; i < 3; i++) await f()
  for (let r = 0; r < ROUNDS; r++) {
    for (const [n, f] of variants) {
      const c = cpuMs()
      const t = performance.now()
      for (let i = 0; i < per; i++) await f()
      wall.get(n)!.push((performance.now() - t) / per)
      cpu.get(n)!.push((cpuMs() - c) / per)
    }
  }
  const [first] = variants[0]
  const c0 = median(cpu.get(first)!)
  const w0 = median(wall.get(first)!)
  console.log(`\n${title} (load ${loadavg().map((x) => x.toFixed(1)).join(' ')}; ratios to "${first}")`)
  console.table(
    Object.fromEntries(
      variants.map(([n]) => {
        const c = median(cpu.get(n)!)
        const w = median(wall.get(n)!)
        return [n, { 'cpu ms': +c.toFixed(3), 'cpu ratio': +(c / c0).toFixed(2), 'min cpu ms': +Math.min(...cpu.get(n)!).toFixed(3), 'wall ms': +w.toFixed(3), 'wall ratio': +(w / w0).toFixed(2) }]
      }),
    ),
  )
}

async function mount(src: string, db: Db, extra: Record<string, unknown> = {}): Promise<FastifyInstance> {
  const { staPlugin } = await import(`${src}sta/index.ts`)
  const app = Fastify()
  await app.register(staPlugin, { prefix: '/v1.1', db, readWorkers: WORKERS, ...extra })
  await app.ready()
  return app
}

const inject = (app: FastifyInstance, url: string) => async () => {
  const r = await app.inject({ method: 'GET', url: url.replaceAll(' ', '%20') })
  if (r.statusCode !== 200) throw new Error(`${url} → ${r.statusCode} ${r.body.slice(0, 300)}`)
  return r.body.length
}

/** The dataArray response made by the code under `src` without fastify (its generator only). */
async function generator(src: string, file: string, url: string): Promise<() => number> {
  const { collectionPlan, boundPlan } = await import(`${src}sta/read-worker/collection.ts`)
  const { collectionChunks } = await import(`${src}sta/respond.ts`)
  const { resolvePath } = await import(`${src}sta/path.ts`)
  const { registerStaFunctions } = await import(`${src}sta/geo-sql.ts`)
  const { registerDeadline } = await import(`${src}sta/deadline.ts`)
  const conn = new Database(file, { readonly: true })
  conn.pragma('cache_size = -65536')
  registerStaFunctions(conn)
  registerDeadline(conn)
  const u = new URL(`http://localhost${url.replaceAll(' ', '%20')}`)
  const path = u.pathname.slice('/v1.1'.length)
  const target = resolvePath(conn, path)
  const ctx = { conn, base: 'http://localhost/v1.1', root: 'http://localhost', defaultTop: 100, maxTop: 1e6, timed: true }
  const { o, plan } = collectionPlan(ctx, target.entity, Object.fromEntries(u.searchParams), target.scope, false)
  const bound = boundPlan(plan, target.scope)
  return () => {
    let n = 0
    for (const p of collectionChunks({ ctx, plan: bound, options: o, path, ref: false })) n += p.length
    return n
  }
}

async function main(): Promise<void> {
  const which = process.argv[2] ?? 'all'
  const dir = mkdtempSync(join(tmpdir(), 'reeflink-sta-cpu-'))
  const file = join(dir, 'store.db')
  const apps: FastifyInstance[] = []
  try {
    const db = build(file)
    const ds = (db.prepare('SELECT min(id) AS id FROM datastreams').get() as { id: number }).id
    const last = (db.prepare('SELECT max(phenomenon_time) AS t FROM observations WHERE datastream_id = ?').get(ds) as { t: number }).t
    const yearA = last - 365 * 86_400_000
    const iso = (ms: number) => new Date(ms).toISOString()
    const srcs: [string, string][] = [['after', SRC], ...(BEFORE ? ([['before', BEFORE]] as [string, string][]) : [])]
    if (which === 'all' || which === 'dataArray') {
      // sta.bench.ts's one-year dataArray (its four components) against the raw read of its rows.
      const url = `/v1.1/Datastreams(${ds})/Observations?$filter=phenomenonTime ge ${iso(yearA)} and phenomenonTime lt ${iso(last + 1)}&$resultFormat=dataArray&$top=100000&$select=id,phenomenonTime,resultTime,result`
      const raw = db.prepare('SELECT id, phenomenon_time, result, age_s FROM observations WHERE datastream_id = ? AND phenomenon_time >= ? AND phenomenon_time < ? ORDER BY phenomenon_time').raw(true)
      const rawRead = () => raw.all(ds, yearA, last + 1).length
      const variants: Variant[] = [['raw SQLite all()', rawRead]]
      for (const [name, src] of srcs) variants.push([`${name}: response generator`, await generator(src, file, url)])
      for (const [name, src] of srcs) {
        const app = await mount(src, db)
        apps.push(app)
        variants.push([`${name}: through inject`, inject(app, url)])
      }
      await compare(`one-year dataArray, ${rawRead()} rows`, variants, 2)
      const all = url.replace('&$select=id,phenomenonTime,resultTime,result', '')
      const variantsAll: Variant[] = [['raw SQLite all()', rawRead]]
      for (const [name, src] of srcs) variantsAll.push([`${name}: default components, generator`, await generator(src, file, all)])
      await compare('one-year dataArray without $select (every Observation property)', variantsAll, 1)
    }
    if (which === 'all' || which === 'expand' || which === 'latest') {
      const hand = handWritten(db)
      apps.push(hand)
      await hand.ready()
      if (which !== 'latest') {
        // sta.bench.ts's Things with a two-level expand, and its hand-written route (the same JSON value).
        const url = '/v1.1/Things?$expand=Datastreams($expand=ObservedProperty)'
        const variants: Variant[] = [['hand-written route', inject(hand, '/things')]]
        const hits: Variant[] = []
        for (const [name, src] of srcs) {
          const cached = await mount(src, db)
          const uncached = await mount(src, db, { responseCache: false })
          apps.push(cached, uncached)
          sameAnswer(`expand (${name})`, (await uncached.inject({ method: 'GET', url })).body, (await hand.inject({ method: 'GET', url: '/things' })).body)
          variants.push([`${name}, response cache off`, inject(uncached, url)])
          hits.push([`${name}`, inject(cached, url)])
        }
        variants.push(...hits)
        await compare('Things with a two-level expand', variants, 200)
      }
      if (which !== 'expand') {
        // sta.bench.ts's latest 100 (an $orderby: a read worker's, unless readWorkers is 0).
        const url = `/v1.1/Datastreams(${ds})/Observations?$orderby=phenomenonTime desc&$top=100&$select=id,phenomenonTime,result,resultTime`
        const variants: Variant[] = [['hand-written route', inject(hand, `/latest/${ds}`)]]
        for (const [name, src] of srcs) {
          for (const readWorkers of [WORKERS, 0]) {
            const app = await mount(src, db, { readWorkers })
            apps.push(app)
            sameAnswer(`latest 100 (${name})`, (await app.inject({ method: 'GET', url: url.replaceAll(' ', '%20') })).body, (await hand.inject({ method: 'GET', url: `/latest/${ds}` })).body)
            variants.push([`${name}, ${readWorkers} read workers`, inject(app, url)])
          }
        }
        await compare('latest 100 observations of a datastream', variants, 200)
      }
    }
    for (const app of apps) await app.close()
    db.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()

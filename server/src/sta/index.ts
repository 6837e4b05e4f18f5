// The SensorThings API as a fastify plugin: reads here, writes in routes-write.ts, credentials
// from ../auth. The server registers it under /v1.1 and /v1.0:
//   app.register(staPlugin, { prefix: '/v1.1', db, events, credentials, mqttEndpoints })
import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { EntityEvents } from '../events.js'
import type { Db } from '../store/database.js'
import { errorBody, isStaError, StaError } from './errors.js'
import { registerStaFunctions } from './geo-sql.js'
import { decode } from './decode.js'
import { resolvePath } from './path.js'
import { ReadPool } from './pool.js'
import { emptyOptions, parseQueryOptions, type QueryOptions } from './query-options.js'
import { planQuery, toEntity, selfLink, type Plan, type ReadContext } from './read.js'
import { collectionChunks, CONTENT_TYPE } from './respond.js'
import { boundPlan, collectionPlan, indexOrdered, isCostly, sortsInDefaultOrder } from './read-worker/collection.js'
import { acquireReadWorkers, releaseReadWorkers } from './read-worker/pool.js'
import { serviceRoot } from './service-root.js'
import { registerWriteRoutes } from './routes-write.js'
import { CredentialStore } from '../auth/credentials.js'
import { checkRole, roleForMethod } from '../auth/http.js'
import { rawStatement, statement } from './statements.js'
import { baseUrl } from './url.js'
import { isQueryTimeout, pastDeadline, QueryBudget, registerDeadline } from './deadline.js'
import { reportStaLimit, reportsMade } from './limit-events.js'
import { ResponseCache, type ResponseCacheOptions } from './response-cache.js'
import { CLOCK_SQL } from './filter/functions.js'

export { StaError, STA_ERRORS, type StaErrorCode } from './errors.js'
export { ENTITIES, type EntityDef } from './model.js'
export { CONFORMANCE, MQTT_CONFORMANCE, conformanceOf } from './service-root.js'
export { attachStaMqtt, type StaMqtt, type StaMqttOptions } from './mqtt/index.js'
export { parseFilter } from './filter/parse.js'
export { registerStaFunctions } from './geo-sql.js'

export interface StaPluginOptions {
  db: Db
  /** Change events: writes emit their changes here after each commit (the MQTT publisher listens). */
  events?: EntityEvents
  /** Who may write (and read, see readAccess). Default: a store over `db` without an admin key. */
  credentials?: CredentialStore
  /** 'public' (default): GET needs no credential; 'authenticated': GET needs the read role. */
  readAccess?: 'public' | 'authenticated'
  /** MQTT URLs serving the SensorThings MQTT extension, listed in the service root when given. */
  mqttEndpoints?: string[]
  /** Path of the service root in absolute URLs; defaults to the plugin's prefix (/v1.1). */
  basePath?: string
  /** Largest page a client may ask for with $top (default 1 000 000: responses are streamed). */
  maxTop?: number
  /** Page size when $top is absent (default 100). */
  defaultTop?: number
  /** Time a read may spend in SQLite and serialising, in ms (default 10 000; 0: no limit).
   * Past it: 503 STA_QUERY_TIMEOUT, or a page ending early with a nextLink (sta/deadline.ts). */
  queryTimeoutMs?: number
  /** Largest collection response in bytes (default: none); pages end early with a nextLink. */
  maxResponseBytes?: number
  /** Worker threads for the costly reads (a $filter, $orderby or $skip) of a file store, so they
   * never hold the event loop (ingest); default 2, 0: every read on the event loop
   * (sta/read-worker/). An in-memory store reads on the event loop. */
  readWorkers?: number
  /** Bodies of small collection reads of the entity sets other than Observations, kept while the
   * store is unchanged (response-cache.ts); default on, false: off (or a cache of one's own). */
  responseCache?: boolean | ResponseCacheOptions | ResponseCache
}

/** Whether a plan (or one of its expansions) reads the clock ($filter with now(): its rows
 * change with time, not with the store). */
const usesClock = (p: Plan): boolean => p.sql.includes(CLOCK_SQL) || p.expands.some((x) => usesClock(x.plan) || (x.batch !== null && usesClock(x.batch)))

/** A whole body from its chunks: one string, or one Buffer when dataArray wrote Buffers. */
const joined = (parts: (string | Buffer)[]): string | Buffer =>
  parts.every((p) => typeof p === 'string') ? parts.join('') : Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)))

/** Pages above this many rows are streamed from a private connection. */
const STREAM_ROWS = 1000
/** Cached collection plans per plugin instance. */
const PLAN_CACHE = 500

export async function staPlugin(app: FastifyInstance, opts: StaPluginOptions): Promise<void> {
  const { db } = opts
  registerStaFunctions(db)
  registerDeadline(db)
  const queryTimeoutMs = opts.queryTimeoutMs ?? 10_000
  const maxResponseBytes = opts.maxResponseBytes ?? 0
  const pool = new ReadPool(db)
  app.addHook('onClose', async () => pool.close())
  // Costly reads of a file store in worker threads, shared by the plugin instances on the file.
  const workerCount = opts.readWorkers ?? 2
  const workers = workerCount > 0 && !db.memory ? acquireReadWorkers(db.name, { workers: workerCount, onRestart: (why) => app.log.warn({ why }, 'SensorThings read worker replaced') }) : null
  if (workers) app.addHook('onClose', async () => releaseReadWorkers(workers))
  const prefix = app.prefix
  const basePath = opts.basePath ?? prefix
  const defaultTop = opts.defaultTop ?? 100
  const maxTop = opts.maxTop ?? 1_000_000
  const credentials = opts.credentials ?? new CredentialStore(db)
  const readAccess = opts.readAccess ?? 'public'
  const mqttEndpoints = opts.mqttEndpoints ?? []

  // Credentials before anything else: writes need the write role; reads are public by default.
  // A $batch of reads only needs what a read needs (routes-write.ts checks its writes).
  app.addHook('preHandler', async (req, reply) => {
    const batch = req.method === 'POST' && (req.raw.url ?? '').split('?')[0].endsWith('/$batch')
    if (!checkRole(credentials, req, reply, batch ? roleForMethod('GET', readAccess) : roleForMethod(req.method, readAccess))) return reply
  })
  registerWriteRoutes(app, { db, events: opts.events, basePath, defaultTop, maxTop, credentials })

  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    if (isStaError(err)) return reply.code(err.statusCode).send(errorBody(err))
    if (isQueryTimeout(err)) {
      // Counted for /metrics (limit-events.ts), whichever thread the read ran in.
      reportStaLimit(db.name, 'query_timeout', 'error')
      req.log.warn({ url: req.url, limitMs: err.limitMs }, 'SensorThings read stopped at the query time limit')
      return reply.code(503).send(errorBody(new StaError('STA_QUERY_TIMEOUT', `${err.message}: narrow the request ($filter on phenomenonTime or a Datastream, a smaller $top, no $orderby on computed values) and retry`)))
    }
    const e = err as { validation?: unknown; code?: string; message?: string; statusCode?: number; name?: string }
    if (e.validation) return reply.code(400).send(errorBody(new StaError('STA_BAD_QUERY_OPTION', e.message ?? 'bad query string')))
    if (e.name === 'SqliteError') {
      if (e.code === 'SQLITE_BUSY') return reply.code(503).send({ statusCode: 503, code: 'STA_BUSY', error: 'Service Unavailable', message: 'the store is busy, retry' })
      req.log.warn({ err }, 'SensorThings query failed in SQLite')
      return reply.code(400).send(errorBody(new StaError('STA_QUERY_FAILED', `the query could not be evaluated: ${e.message}`)))
    }
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return reply.code(e.statusCode).send(err)
    req.log.error({ err }, 'SensorThings request failed')
    return reply.code(500).send({ statusCode: 500, code: 'STA_INTERNAL', error: 'Internal Server Error', message: 'internal error' })
  })

  const schema = { querystring: { type: 'object', additionalProperties: { type: 'string' } } }

  /** Asked once per plan: `indexOrdered` (an $orderby answered in index order), `sorts` (a default order SQLite sorts for; both read-worker/collection.ts), `clock` (now() in the plan: never cached). */
  const plans = new Map<string, { o: QueryOptions; plan: ReturnType<typeof planQuery>; indexOrdered?: boolean; sorts?: boolean; clock?: boolean }>()
  const responses = opts.responseCache === false ? null : opts.responseCache instanceof ResponseCache ? opts.responseCache : new ResponseCache(opts.responseCache === true ? {} : opts.responseCache)

  // Every read runs inside the request's time budget (sta/deadline.ts): the synchronous part on
  // the main connection here, each step of a stream on its own connection below.
  const handle = (req: FastifyRequest, reply: FastifyReply) => {
    const budget = new QueryBudget(queryTimeoutMs)
    return budget.run(db, () => read(req, reply, budget))
  }

  const read = async (req: FastifyRequest, reply: FastifyReply, budget: QueryBudget) => {
    const url = req.raw.url ?? '/'
    const q = url.indexOf('?')
    let path = q < 0 ? url : url.slice(0, q)
    if (path.startsWith(prefix)) path = path.slice(prefix.length)
    const base = baseUrl(req, basePath)
    const query = (req.query ?? {}) as Record<string, unknown>
    const target = resolvePath(db, path)
    const ctx: ReadContext = { conn: db, base, root: baseUrl(req, ''), defaultTop, maxTop, timed: queryTimeoutMs > 0 }

    if (target.kind === 'root') return reply.type(CONTENT_TYPE.default).send(serviceRoot(base, mqttEndpoints))

    if (target.kind === 'property') {
      const p = target.prop
      const row = statement(db, `SELECT ${p.read.map((r, i) => `${r.replaceAll('{a}', 'e')} AS v${i}`).join(', ')} FROM ${target.entity.from.replaceAll('{a}', 'e')} WHERE e.id = @id`).get({ id: target.id }) as Record<string, unknown>
      const value = decode(p.kind, p.read.map((_, i) => row[`v${i}`]))
      if (target.value) {
        if (value === null) return reply.code(204).send()
        return reply.type('text/plain; charset=utf-8').send(typeof value === 'object' ? JSON.stringify(value) : String(value))
      }
      if (value === null) return reply.code(204).send()
      return reply.type(CONTENT_TYPE.default).send({ [p.name === 'id' ? '@iot.id' : p.name]: value })
    }

    if (target.kind === 'entity') {
      const all = parseQueryOptions(target.entity, query)
      if (target.ref) return reply.type(CONTENT_TYPE.default).send({ '@iot.selfLink': selfLink(ctx, target.entity, target.id) })
      const o: QueryOptions = { ...emptyOptions(), select: all.select, expand: all.expand, raw: all.raw }
      const plan = planQuery(ctx, target.entity, o, { sql: 'e.id = @entity_id', params: { entity_id: target.id } })
      const row = rawStatement(db, plan.sql).get({ ...plan.params, limit: 1, offset: 0 }) as unknown[] | undefined
      if (!row) throw new StaError('STA_NOT_FOUND', `${target.entity.plural}(${target.id}) does not exist`)
      return reply.type(CONTENT_TYPE.default).send(JSON.stringify(toEntity(ctx, plan, row)))
    }

    // A collection. Parsed options and plans are cached per (collection shape, query string):
    // the same dashboards and clients repeat the same queries; only the parent id differs.
    const key = `${target.entity.name}|${target.scope?.sql ?? ''}|${target.ref}|${url.slice(q < 0 ? url.length : q)}`
    let cached = plans.get(key)
    if (!cached) {
      cached = collectionPlan(ctx, target.entity, query, target.scope, target.ref)
      if (plans.size >= PLAN_CACHE) plans.delete(plans.keys().next().value!)
      plans.set(key, cached)
    }
    const o = cached.o
    const top = Math.min(o.top ?? defaultTop, maxTop)
    // (An $orderby that SQLite answers walking an index costs what the default order does: kept here.)
    // (A read in a default order that SQLite must sort for, e.g. an unscoped /Observations, is costly.)
    const costly =
      workers !== null &&
      (isCostly(query)
        ? !(cached.indexOrdered ??= indexOrdered(db, query, boundPlan(cached.plan, target.scope), target.scope))
        : (cached.sorts ??= sortsInDefaultOrder(db, target.entity, boundPlan(cached.plan, target.scope))))
    const streamed = top > STREAM_ROWS && o.expand.length === 0
    // A small collection of a rarely-changing set: the body made earlier at this store version
    // (response-cache.ts). Not for pages whose rows depend on the clock ($filter with now()).
    const cacheKey = responses && !costly && !streamed && responses.accepts(target.entity) && !(cached.clock ??= usesClock(cached.plan)) ? `${base}|${ctx.root}|${url}` : null
    const version = cacheKey ? responses!.version(db) : null
    if (cacheKey && version) {
      const body = responses!.get(cacheKey, version)
      if (body !== undefined) return reply.type(CONTENT_TYPE[o.resultFormat]).send(body)
    }
    // A costly read (options checked, plan made above: bad requests fail here) goes to a worker,
    // which repeats the plan on its own connection and sends the same bytes back.
    if (costly) {
      reply.type(CONTENT_TYPE[o.resultFormat])
      const r = await workers.read({
        entity: target.entity.name, query, key, scope: target.scope, ref: target.ref, path, base, root: ctx.root!, defaultTop, maxTop,
        timed: ctx.timed === true, maxBytes: maxResponseBytes, limitMs: queryTimeoutMs, stream: streamed,
      })
      if (r.kind === 'stream') return reply.send(r.body)
      return reply.send(joined(r.parts))
    }
    const stream = streamed ? pool.acquire() : null
    const conn = stream ?? db
    const sctx: ReadContext = { ...ctx, conn }
    try {
      const plan = boundPlan(cached.plan, target.scope)
      const produce = collectionChunks({ ctx: sctx, plan, options: o, path, ref: target.ref, maxBytes: maxResponseBytes })
      reply.type(CONTENT_TYPE[o.resultFormat])
      if (!stream) {
        const limited = reportsMade()
        const parts = [...produce]
        const body = joined(parts)
        // Not a page cut short by the query time limit (its rows depend on the clock), nor one
        // cut by the response size limit (each such response is counted on /metrics).
        if (cacheKey && version && !pastDeadline(db) && reportsMade() === limited) responses!.set(cacheKey, version, body)
        return reply.send(body)
      }
      const chunks = budget.steps(stream, produce)
      // Run the first step now, so a failing query still gets its error status.
      const first = chunks.next()
      const release = () => pool.release(stream)
      let released = false
      // At most 4 chunks made ahead of a slow client (Readable.from's default is 16).
      const body = Readable.from(
        (function* () {
          try {
            if (!first.done) yield first.value
            yield* chunks
          } finally {
            released = true
            release()
          }
        })(),
        { highWaterMark: 4 },
      )
      body.on('close', () => {
        if (!released) {
          released = true
          chunks.return(undefined)
          release()
        }
      })
      return reply.send(body)
    } catch (e) {
      if (stream) pool.release(stream)
      throw e
    }
  }

  app.get('/', { schema }, handle)
  app.get('/*', { schema }, handle)
}

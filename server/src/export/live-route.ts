// GET /api/live[?datastreams=1,2|?station=CODE]: server-sent events with the observations ingest
// stores (and revises: QC flags of the previous sample change when the next one arrives), fed by
// the EntityEvents bus. One bus listener serves every client; it reads the new rows once per
// committed batch, after the commit's call stack (setImmediate), so ingest never waits for it.
// A client that cannot keep up (more than maxBufferedBytes unsent) is dropped, not waited for.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ServerResponse } from 'node:http'
import type { EntityChange, EntityEvents } from '../events.js'
import type { Db } from '../store/database.js'
import { findStation } from './catalog.js'
import { ExportError } from './errors.js'
import { oceanSitesFlagOf } from './observation-rows.js'

export interface LiveOptions {
  /** Comment line sent this often so proxies keep the connection (default 15 s). */
  heartbeatMs?: number
  maxClients?: number
  maxBufferedBytes?: number
}

interface Client {
  out: ServerResponse
  /** null: every datastream. */
  datastreams: Set<number> | null
}

interface LiveRow {
  id: number
  datastream_id: number | null
  t: number
  v: number | null
  qc: number | null
}

const IDS_PER_QUERY = 500

/** The wire format of one event: per datastream, its rows as [epoch ms, value, OceanSITES flag]. */
export interface LiveMessage {
  datastream: number
  observations: [number, number | null, number][]
}

function parseIdList(text: string): Set<number> {
  const ids = text.split(',').map((s) => s.trim())
  if (!ids.every((s) => /^\d{1,15}$/.test(s))) throw new ExportError('EXPORT_BAD_PARAMETER', `datastreams=${JSON.stringify(text)} is not a comma-separated list of Datastream ids`)
  return new Set(ids.map(Number))
}

export function registerLiveRoute(app: FastifyInstance, db: Db, events: EntityEvents, opts: LiveOptions = {}): void {
  const clients = new Set<Client>()
  const maxClients = opts.maxClients ?? 200
  const maxBuffered = opts.maxBufferedBytes ?? 1 << 20

  const send = (c: Client, text: string) => {
    if (c.out.writableLength > maxBuffered) {
      clients.delete(c)
      c.out.destroy()
      return
    }
    c.out.write(text)
  }

  const readRows = (ids: number[]): LiveRow[] => {
    const rows: LiveRow[] = []
    for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
      const part = ids.slice(i, i + IDS_PER_QUERY)
      const sql = `SELECT id, datastream_id, phenomenon_time AS t, result AS v, qc FROM observations WHERE id IN (${part.map(() => '?').join(',')}) ORDER BY datastream_id, phenomenon_time`
      rows.push(...(db.prepare(sql).all(...part) as LiveRow[]))
    }
    return rows
  }

  const broadcast = (changes: EntityChange[]) => {
    if (clients.size === 0 || !db.open) return
    const ids = changes.filter((c) => c.set === 'Observations' && c.kind !== 'delete').map((c) => c.id)
    if (!ids.length) return
    const byDatastream = new Map<number, LiveMessage>()
    for (const r of readRows(ids)) {
      if (r.datastream_id === null) continue
      let m = byDatastream.get(r.datastream_id)
      if (!m) byDatastream.set(r.datastream_id, (m = { datastream: r.datastream_id, observations: [] }))
      m.observations.push([r.t, r.v, oceanSitesFlagOf(r)])
    }
    for (const c of clients) {
      let text = ''
      for (const m of byDatastream.values()) {
        if (c.datastreams === null || c.datastreams.has(m.datastream)) text += `event: observations\ndata: ${JSON.stringify(m)}\n\n`
      }
      if (text) send(c, text)
    }
  }

  const off = events.on((changes) => setImmediate(() => broadcast(changes)))
  const heartbeat = setInterval(() => {
    for (const c of clients) send(c, ': heartbeat\n\n')
  }, opts.heartbeatMs ?? 15_000)
  heartbeat.unref()
  // Open streams would keep fastify.close() waiting: end them first.
  app.addHook('preClose', async () => {
    off()
    clearInterval(heartbeat)
    for (const c of clients) c.out.end()
    clients.clear()
  })

  app.get(
    '/api/live',
    { schema: { querystring: { type: 'object', properties: { datastreams: { type: 'string', maxLength: 2000 }, station: { type: 'string', maxLength: 100 } } } } },
    async (req: FastifyRequest<{ Querystring: { datastreams?: string; station?: string } }>, reply) => {
      let datastreams: Set<number> | null = null
      if (req.query.datastreams) datastreams = parseIdList(req.query.datastreams)
      if (req.query.station) {
        const ids = findStation(db, req.query.station).datastreams.map((d) => d.id)
        datastreams = new Set([...(datastreams ?? ids)].filter((id) => ids.includes(id)))
      }
      if (clients.size >= maxClients) throw new ExportError('EXPORT_TOO_MANY_CLIENTS', `the live feed already serves ${maxClients} clients; try again later`)
      reply.hijack()
      const out = reply.raw
      out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' })
      out.write('retry: 3000\n: connected\n\n')
      const client: Client = { out, datastreams }
      clients.add(client)
      out.on('close', () => clients.delete(client))
    },
  )
}

// The write routes of the SensorThings plugin: POST/PATCH/PUT/DELETE on resource paths,
// POST /CreateObservations and POST /$batch. Each request is one transaction; its entity
// changes are emitted after the commit.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { EntityEvents } from '../events.js'
import type { Db } from '../store/database.js'
import type { CredentialStore } from '../auth/credentials.js'
import { runBatch } from './batch/run.js'
import { StaError } from './errors.js'
import type { ReadContext } from './read.js'
import { baseUrl } from './url.js'
import { runWrite } from './write/context.js'
import { createObservations } from './write/create-observations.js'
import { executeWrite, JSON_PATCH } from './write/execute.js'

export interface WriteRoutesOptions {
  db: Db
  events?: EntityEvents
  basePath: string
  defaultTop: number
  maxTop: number
  credentials: CredentialStore
}

function pathOf(req: FastifyRequest, prefix: string): string {
  const url = req.raw.url ?? '/'
  const q = url.indexOf('?')
  const path = q < 0 ? url : url.slice(0, q)
  return path.startsWith(prefix) ? path.slice(prefix.length) : path
}

export function registerWriteRoutes(app: FastifyInstance, o: WriteRoutesOptions): void {
  const prefix = app.prefix
  const parseJson = (_req: FastifyRequest, body: string, done: (err: Error | null, v?: unknown) => void) => {
    try {
      done(null, JSON.parse(body))
    } catch (e) {
      done(new StaError('STA_BAD_ENTITY', `the body is not valid JSON: ${(e as Error).message}`))
    }
  }
  app.addContentTypeParser([JSON_PATCH, 'application/merge-patch+json'], { parseAs: 'string' }, parseJson)
  app.addContentTypeParser('multipart/mixed', { parseAs: 'string' }, (_req, body, done) => done(null, body))

  const ctxOf = (req: FastifyRequest): ReadContext => ({ conn: o.db, base: baseUrl(req, o.basePath), root: baseUrl(req, ''), defaultTop: o.defaultTop, maxTop: o.maxTop })

  const write = async (req: FastifyRequest, reply: FastifyReply) => {
    const path = pathOf(req, prefix)
    const ctx = ctxOf(req)
    if (req.method === 'POST' && path === '/$batch') return runBatch(app, req, reply, { db: o.db, events: o.events, ctx, prefix, credentials: o.credentials })
    if (req.method === 'POST' && path === '/CreateObservations') {
      const links = runWrite(o.db, o.events, (w) => createObservations(ctx, w, req.body))
      return reply.code(201).type('application/json; charset=utf-8').send(JSON.stringify(links))
    }
    const contentType = String(req.headers['content-type'] ?? 'application/json')
    if (req.method !== 'DELETE' && (req.body === undefined || req.body === null)) throw new StaError('STA_BAD_ENTITY', `${req.method} needs a JSON body`)
    const result = runWrite(o.db, o.events, (w) => executeWrite(o.db, ctx, w, { method: req.method, path, body: req.body, contentType }))
    if (result.location) reply.header('location', result.location)
    reply.code(result.status)
    return result.body === undefined ? reply.send() : reply.type('application/json; charset=utf-8').send(JSON.stringify(result.body))
  }
  for (const method of ['POST', 'PATCH', 'PUT', 'DELETE'] as const) app.route({ method, url: '/*', handler: write })
}

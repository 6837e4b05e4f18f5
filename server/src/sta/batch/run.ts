// Runs a $batch (OGC 18-088 §11.2, req/batch-request/batch-request): requests in order; a
// changeset (multipart) or atomicityGroup (JSON) in one transaction, answered as a whole with
// the first error when any of its requests fails. `$<id>` at the start of a URL stands for the
// entity an earlier request of the batch created. Reads go through the plugin's own GET route
// (inject, with the caller's credentials); writes run synchronously (write/execute.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { CredentialStore } from '../../auth/credentials.js'
import { checkRole } from '../../auth/http.js'
import type { EntityEvents } from '../../events.js'
import type { Db } from '../../store/database.js'
import { errorBody, isStaError, StaError } from '../errors.js'
import type { ReadContext } from '../read.js'
import { asStaError, inTransaction, runWrite } from '../write/context.js'
import { executeWrite } from '../write/execute.js'
import { jsonResponse, parseJsonBatch } from './json.js'
import { formatMultipart, parseMultipart, type MultipartResult } from './multipart.js'
import type { BatchItem, SubRequest, SubResponse } from './types.js'

export interface BatchEnv {
  db: Db
  events?: EntityEvents
  ctx: ReadContext
  prefix: string
  credentials: CredentialStore
}

const FORWARD = ['authorization', 'x-api-key', 'host', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-prefix']

/** Resolves `$1/Datastreams`, absolute URLs and service-root-relative URLs to a path under the root. */
function resolveUrl(url: string, env: BatchEnv, created: Map<string, string>): string {
  let u = url.trim().replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]+/i, '')
  const ref = /^\/?\$([A-Za-z0-9_.-]+)(.*)$/.exec(u)
  if (ref) {
    const path = created.get(ref[1])
    if (path === undefined) throw new StaError('STA_BAD_BATCH', `'$${ref[1]}' does not name an earlier request of this batch that created an entity`)
    return path + ref[2]
  }
  if (u === env.prefix || u.startsWith(`${env.prefix}/`) || u.startsWith(`${env.prefix}?`)) u = u.slice(env.prefix.length)
  return u.startsWith('/') ? u : `/${u}`
}

function errorResponse(e: unknown): SubResponse {
  const err = asStaError(e)
  if (isStaError(err)) return { status: err.statusCode, body: errorBody(err) }
  const x = err as { statusCode?: number; name?: string; message?: string }
  if (x?.name === 'SqliteError') return { status: 400, body: errorBody(new StaError('STA_QUERY_FAILED', `the request could not be evaluated: ${x.message}`)) }
  throw err
}

function bodyOf(r: SubRequest): unknown {
  if (typeof r.body !== 'string') return r.body
  try {
    return JSON.parse(r.body)
  } catch (e) {
    throw new StaError('STA_BAD_ENTITY', `the body is not valid JSON: ${(e as Error).message}`)
  }
}

export async function runBatch(app: FastifyInstance, req: FastifyRequest, reply: FastifyReply, env: BatchEnv): Promise<FastifyReply> {
  const contentType = String(req.headers['content-type'] ?? '')
  const multipart = /^multipart\/mixed/i.test(contentType)
  if (!multipart && !/^application\/json/i.test(contentType)) throw new StaError('STA_UNSUPPORTED_MEDIA_TYPE', '$batch takes multipart/mixed (OData) or application/json (JSON batch)')
  const items: BatchItem[] = multipart ? parseMultipart(String(req.body ?? ''), contentType) : parseJsonBatch(req.body).items
  const writes = items.some((i) => i.kind === 'changeset' || i.request.method !== 'GET')
  if (writes && !checkRole(env.credentials, req, reply, 'write')) return reply
  const created = new Map<string, string>()
  const headers: Record<string, string> = {}
  for (const h of FORWARD) if (typeof req.headers[h] === 'string') headers[h] = req.headers[h] as string

  const remember = (r: SubRequest, res: SubResponse) => {
    if (r.id !== undefined && res.location) created.set(r.id, res.location.slice(env.ctx.base.length))
  }
  const write = (r: SubRequest, w: Parameters<typeof executeWrite>[2]): SubResponse => {
    const path = resolveUrl(r.url, env, created).split('?')[0]
    const res = executeWrite(env.db, env.ctx, w, { method: r.method, path, body: r.method === 'DELETE' ? undefined : bodyOf(r), contentType: r.headers['content-type'] ?? 'application/json' })
    remember(r, res)
    return res
  }
  const read = async (r: SubRequest): Promise<SubResponse> => {
    const res = await app.inject({ method: 'GET', url: `${env.prefix}${resolveUrl(r.url, env, created)}`, headers })
    return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), body: res.body }
  }

  const results: MultipartResult[] = []
  const json: Record<string, unknown>[] = []
  for (const item of items) {
    if (item.kind === 'single') {
      const r = item.request
      let res: SubResponse
      try {
        res = r.method === 'GET' ? await read(r) : runWrite(env.db, env.events, (w) => write(r, w))
      } catch (e) {
        res = errorResponse(e)
      }
      results.push({ kind: 'single', response: res })
      json.push(jsonResponse(r.id, res))
      continue
    }
    try {
      const { result, changes } = inTransaction(env.db, (w) => item.requests.map((r) => ({ id: r.id, response: write(r, w) })))
      env.events?.emit(changes)
      results.push({ kind: 'changeset', responses: result })
      for (const x of result) json.push(jsonResponse(x.id, x.response))
    } catch (e) {
      // The changeset rolled back: forget the ids it created.
      for (const r of item.requests) if (r.id !== undefined) created.delete(r.id)
      const res = errorResponse(e)
      results.push({ kind: 'failed-changeset', response: res })
      for (const r of item.requests) json.push(jsonResponse(r.id, res))
    }
  }
  if (!multipart) return reply.code(200).type('application/json; charset=utf-8').send(JSON.stringify({ responses: json }))
  const out = formatMultipart(results)
  return reply.code(200).type(out.contentType).send(out.body)
}

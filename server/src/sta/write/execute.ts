// One write request (POST, PATCH, PUT, DELETE on a resource path), executed synchronously inside
// the caller's transaction: the HTTP routes, $batch changesets and MQTT creates share it.
import type { Db } from '../../store/database.js'
import { StaError } from '../errors.js'
import { resolvePath } from '../path.js'
import { emptyOptions } from '../query-options.js'
import { readOne, selfLink, type ReadContext } from '../read.js'
import type { WriteContext } from './context.js'
import { createEntity } from './create.js'
import { deleteEntity } from './delete.js'
import { applyJsonPatch } from './json-patch.js'
import { updateEntity } from './update.js'
import { isObject } from './values.js'

export interface WriteRequest {
  method: string
  /** Path under the service root: "/Things(1)/Datastreams". */
  path: string
  body: unknown
  contentType: string
}

export interface WriteResult {
  status: number
  location?: string
  body?: unknown
}

export const JSON_PATCH = 'application/json-patch+json'

function readBack(ctx: ReadContext, set: string, e: Parameters<typeof readOne>[1], id: number): Record<string, unknown> {
  const v = readOne(ctx, e, id, emptyOptions())
  if (!v) throw new StaError('STA_NOT_FOUND', `${set}(${id}) does not exist`)
  return v
}

/** Properties of an entity as a client sees them, without links: what a JSON Patch applies to. */
function patchable(doc: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !k.includes('@iot.')))
}

export function executeWrite(db: Db, ctx: ReadContext, w: WriteContext, req: WriteRequest): WriteResult {
  const target = resolvePath(db, req.path)
  const method = req.method.toUpperCase()
  if (method === 'POST') {
    if (target.kind !== 'collection' || target.ref) throw new StaError('STA_METHOD_NOT_ALLOWED', `POST creates entities in a collection (e.g. /Things or /Datastreams(1)/Observations), not at '${req.path.slice(0, 120)}'`)
    const id = createEntity(w, target.entity, req.body, target.entity.name, target.via)
    return { status: 201, location: selfLink(ctx, target.entity, id), body: readBack(ctx, target.entity.plural, target.entity, id) }
  }
  if (target.kind !== 'entity' || target.ref) throw new StaError('STA_METHOD_NOT_ALLOWED', `${method} applies to one entity (e.g. /Things(1)), not to '${req.path.slice(0, 120)}'`)
  const { entity: e, id } = target
  if (method === 'DELETE') {
    deleteEntity(w, e, id)
    return { status: 200 }
  }
  if (method === 'PATCH' && req.contentType.startsWith(JSON_PATCH)) {
    const before = patchable(readBack(ctx, e.plural, e, id))
    const after = applyJsonPatch(before, req.body)
    const changed: Record<string, unknown> = {}
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) changed[k] = k in after ? after[k] : null
    }
    if ('@iot.id' in changed) throw new StaError('STA_BAD_PATCH', '@iot.id cannot be changed')
    updateEntity(w, e, id, changed, 'merge')
    return { status: 200, body: readBack(ctx, e.plural, e, id) }
  }
  if (method === 'PATCH' || method === 'PUT') {
    if (!isObject(req.body)) throw new StaError('STA_BAD_ENTITY', `${method} needs a JSON object body`)
    updateEntity(w, e, id, req.body, method === 'PUT' ? 'replace' : 'merge')
    return { status: 200, body: readBack(ctx, e.plural, e, id) }
  }
  throw new StaError('STA_METHOD_NOT_ALLOWED', `method ${method} is not supported`)
}

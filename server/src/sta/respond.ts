// Collection responses as a sequence of text chunks (default JSON, dataArray, CSV, GeoJSON),
// produced row by row from an open statement, so a response of any size needs bounded memory.
import { StaError } from './errors.js'
import { decode, isoMs } from './decode.js'
import type { EntityDef } from './model.js'
import { encodeSkiptoken, type QueryOptions } from './query-options.js'
import { count, nextQuery, selfLink, skiptokenOf, toEntity, type Plan, type ReadContext } from './read.js'
import { rawStatement, statement } from './statements.js'

const CHUNK = 64 * 1024

export interface CollectionRequest {
  ctx: ReadContext
  plan: Plan
  options: QueryOptions
  /** Path of the collection under the service root ("/Datastreams(1)/Observations"). */
  path: string
  ref: boolean
}

/** Text chunks batched to ~64 KiB. */
function* batched(parts: Iterable<string>): Generator<string> {
  let buf = ''
  for (const p of parts) {
    buf += p
    if (buf.length >= CHUNK) {
      yield buf
      buf = ''
    }
  }
  if (buf) yield buf
}

/** Rows of the page; sets `end.next` to the nextLink query when more rows exist. */
function* pageRows(r: CollectionRequest, end: { next: string | null }): Generator<Record<string, unknown>> {
  const { ctx, plan } = r
  const it = statement(ctx.conn, plan.sql).iterate({ ...plan.params, limit: plan.top + 1, offset: plan.skip }) as IterableIterator<Record<string, unknown>>
  let emitted = 0
  let last: Record<string, unknown> | null = null
  for (const row of it) {
    if (emitted === plan.top) {
      if (plan.top > 0 && last) {
        const token = skiptokenOf(plan, last)
        end.next = token ? nextQuery(r.options.raw, { $top: String(plan.top), $skiptoken: token }) : nextQuery(r.options.raw, { $top: String(plan.top), $skip: String(plan.skip + plan.top) })
      }
      break
    }
    last = row
    emitted++
    yield row
  }
}

function* jsonCollection(r: CollectionRequest): Generator<string> {
  const end = { next: null as string | null }
  yield '{'
  if (r.options.count) yield `"@iot.count":${count(r.ctx, r.plan)},`
  yield '"value":['
  let first = true
  for (const row of pageRows(r, end)) {
    const body = r.ref ? { '@iot.selfLink': selfLink(r.ctx, r.plan.entity, row.c0) } : toEntity(r.ctx, r.plan, row)
    yield (first ? '' : ',') + JSON.stringify(body)
    first = false
  }
  yield ']'
  if (end.next) yield `,"@iot.nextLink":${JSON.stringify(`${r.ctx.base}${r.path}?${end.next}`)}`
  yield '}'
}

/** A value as JSON text, straight from its stored columns: no intermediate objects for the
 * common kinds (the dataArray of a year of 10-minute data is tens of thousands of rows). */
function jsonText(kind: string, v: unknown[]): string {
  switch (kind) {
    case 'id':
      return String(v[0])
    case 'time':
      return typeof v[0] === 'number' ? `"${isoMs(v[0])}"` : 'null'
    case 'timeOrInterval': {
      if (typeof v[0] !== 'number') return 'null'
      const a = isoMs(v[0])
      return typeof v[1] === 'number' && v[1] !== v[0] ? `"${a}/${isoMs(v[1])}"` : `"${a}"`
    }
    case 'result':
      // result_json is JSON text written by JSON.stringify; a REAL is finite (SQLite has no NaN).
      if (typeof v[1] === 'string') return v[1]
      return typeof v[0] === 'number' ? String(v[0]) : 'null'
    default:
      return JSON.stringify(decode(kind as Parameters<typeof decode>[0], v)) ?? 'null'
  }
}

/** OGC 18-088 §14.3 dataArray: rows as arrays of the selected components, grouped by (Multi)Datastream.
 * Reads raw rows (arrays) and writes each row's JSON text directly. */
function* dataArray(r: CollectionRequest): Generator<string> {
  const { plan, ctx } = r
  const components = [...(plan.selectId ? ['id'] : []), ...plan.outputs.map((o) => o.name)]
  const index = (c: string) => Number(c.slice(1))
  const [dsCol, mdCol] = plan.extraCols.map(index)
  const outs = plan.outputs.map((o) => ({ kind: o.prop.kind as string, cols: o.cols.map(index) }))
  const keyCols = plan.keyCols?.map(index) ?? null
  yield '{'
  if (r.options.count) yield `"@iot.count":${count(ctx, plan)},`
  yield '"value":['
  let group: string | null = null
  let emitted = 0
  let last: unknown[] | null = null
  let next: string | null = null
  const it = rawStatement(ctx.conn, plan.sql).iterate({ ...plan.params, limit: plan.top + 1, offset: plan.skip }) as IterableIterator<unknown[]>
  let buf = ''
  for (const row of it) {
    if (emitted === plan.top) {
      if (plan.top > 0 && last) {
        const token = keyCols ? encodeSkiptoken(keyCols.map((i) => last![i])) : null
        next = token ? nextQuery(r.options.raw, { $top: String(plan.top), $skiptoken: token }) : nextQuery(r.options.raw, { $top: String(plan.top), $skip: String(plan.skip + plan.top) })
      }
      break
    }
    last = row
    emitted++
    const key = row[mdCol] !== null ? `MultiDatastreams(${row[mdCol]})` : `Datastreams(${row[dsCol]})`
    if (key !== group) {
      const nav = key.startsWith('Multi') ? 'MultiDatastream' : 'Datastream'
      buf += `${group === null ? '' : ']},'}{${JSON.stringify(`${nav}@iot.navigationLink`)}:${JSON.stringify(`${ctx.base}/${key}`)},"components":${JSON.stringify(components)},"dataArray":[`
      group = key
    } else buf += ','
    let line = plan.selectId ? '[' + String(row[0]) : '['
    for (let k = 0; k < outs.length; k++) {
      const o = outs[k]
      const text = jsonText(o.kind, o.cols.length === 1 ? [row[o.cols[0]]] : o.cols.map((c) => row[c]))
      line += k === 0 && !plan.selectId ? text : ',' + text
    }
    buf += line + ']'
    if (buf.length >= CHUNK) {
      yield buf
      buf = ''
    }
  }
  if (buf) yield buf
  if (group !== null) yield ']}'
  yield ']'
  if (next) yield `,"@iot.nextLink":${JSON.stringify(`${ctx.base}${r.path}?${next}`)}`
  yield '}'
}

const csvCell = (v: unknown): string => {
  if (v === null || v === undefined) return ''
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v)
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

/** FROST-style CSV: one header line of property names, one line per entity. */
function* csv(r: CollectionRequest): Generator<string> {
  const { plan, ctx } = r
  const header = [...(plan.selectId ? ['@iot.id'] : []), ...plan.outputs.map((o) => o.name), ...plan.expands.map((x) => x.nav.name)]
  yield header.map(csvCell).join(',') + '\r\n'
  for (const row of pageRows(r, { next: null })) {
    const e = toEntity(ctx, plan, row)
    yield header.map((h) => csvCell(h.includes('/') ? pickPath(e, h) : e[h])).join(',') + '\r\n'
  }
}

const pickPath = (e: Record<string, unknown>, path: string): unknown =>
  path.split('/').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), e)

/** GeoJSON FeatureCollection of entities that carry a geometry (Locations, FeaturesOfInterest). */
function* geojson(r: CollectionRequest): Generator<string> {
  const { plan, ctx } = r
  const g = geometryProperty(plan.entity)
  yield '{"type":"FeatureCollection","features":['
  let first = true
  for (const row of pageRows(r, { next: null })) {
    const e = toEntity(ctx, plan, row)
    const raw = e[g] as Record<string, unknown> | undefined
    const geometry = raw && raw.type === 'Feature' ? raw.geometry : (raw ?? null)
    const properties = { ...e }
    delete properties[g]
    yield (first ? '' : ',') + JSON.stringify({ type: 'Feature', id: row.c0, geometry, properties })
    first = false
  }
  yield ']}'
}

export function geometryProperty(e: EntityDef): string {
  const p = e.properties.find((x) => x.kind === 'geometry')
  if (!p) throw new StaError('STA_BAD_RESULT_FORMAT', `$resultFormat=GeoJSON needs entities with a geometry (Locations, FeaturesOfInterest), not ${e.plural}`)
  return p.name
}

export const CONTENT_TYPE = {
  default: 'application/json; charset=utf-8',
  dataArray: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  geojson: 'application/geo+json; charset=utf-8',
} as const

export function collectionChunks(r: CollectionRequest): Generator<string> {
  const f = r.options.resultFormat
  const parts = f === 'dataArray' ? dataArray(r) : f === 'csv' ? csv(r) : f === 'geojson' ? geojson(r) : jsonCollection(r)
  return batched(parts)
}

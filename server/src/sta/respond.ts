// Collection responses as a sequence of text chunks (default JSON, dataArray, CSV, GeoJSON),
// produced row by row from an open statement, so a response of any size needs bounded memory.
import { StaError } from './errors.js'
import type { EntityDef } from './model.js'
import { encodeSkiptoken, type QueryOptions } from './query-options.js'
import { count, nextQuery, rootOfCtx, selfLink, skiptokenOf, toEntities, toEntity, toTexts, type Plan, type ReadContext, type Row } from './read.js'
import { sqlOf } from './lean.js'
import { valueWriter } from './serialise.js'
import { rawStatement } from './statements.js'

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

/** Rows of the page (raw arrays); sets `end.next` to the nextLink query when more rows exist. */
function* pageRows(r: CollectionRequest, end: { next: string | null }): Generator<Row> {
  const { ctx, plan } = r
  const params = { ...plan.params, limit: plan.top + 1, offset: plan.skip }
  const stmt = rawStatement(ctx.conn, sqlOf(ctx.conn, plan, params))
  // Small pages at once (cheaper than stepping an iterator); large ones streamed.
  const it = (plan.top <= SMALL_PAGE ? stmt.all(params) : stmt.iterate(params)) as Iterable<Row>
  let emitted = 0
  let last: Row | null = null
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

const SMALL_PAGE = 1000

function* jsonCollection(r: CollectionRequest): Generator<string> {
  const { ctx, plan } = r
  const end = { next: null as string | null }
  yield '{'
  if (r.options.count) yield `"@iot.count":${count(ctx, plan)},`
  yield '"value":['
  let first = true
  if (r.ref) {
    for (const row of pageRows(r, end)) {
      yield (first ? '' : ',') + JSON.stringify({ '@iot.selfLink': selfLink(ctx, plan.entity, row[0]) })
      first = false
    }
  } else if (plan.writer && !plan.expands.length) {
    const write = plan.writer
    const root = rootOfCtx(ctx)
    for (const row of pageRows(r, end)) {
      yield (first ? '' : ',') + write(ctx.base, root, row)
      first = false
    }
  } else {
    // Expansions are fetched for the whole page at once (pages with $expand are not streamed).
    for (const text of toTexts(ctx, plan, [...pageRows(r, end)])) {
      yield (first ? '' : ',') + text
      first = false
    }
  }
  yield ']'
  if (end.next) yield `,"@iot.nextLink":${JSON.stringify(`${ctx.base}${r.path}?${end.next}`)}`
  yield '}'
}

/** OGC 18-088 §14.3 dataArray: rows as arrays of the selected components, grouped by (Multi)Datastream.
 * Reads raw rows (arrays) and writes each row's JSON text directly. */
function* dataArray(r: CollectionRequest): Generator<string> {
  const { plan, ctx } = r
  const components = [...(plan.selectId ? ['id'] : []), ...plan.outputs.map((o) => o.name)]
  const [dsCol, mdCol] = plan.extraCols
  const writers = [...(plan.selectId ? [valueWriter('id', [0])] : []), ...plan.outputs.map((o) => valueWriter(o.prop.kind, o.cols))]
  const keyCols = plan.keyCols
  const head = `,"components":${JSON.stringify(components)},"dataArray":[`
  yield '{'
  if (r.options.count) yield `"@iot.count":${count(ctx, plan)},`
  yield '"value":['
  let group: unknown = undefined
  let groupMd = false
  let emitted = 0
  let last: Row | null = null
  let next: string | null = null
  const params = { ...plan.params, limit: plan.top + 1, offset: plan.skip }
  const it = rawStatement(ctx.conn, sqlOf(ctx.conn, plan, params)).iterate(params) as IterableIterator<Row>
  let buf = ''
  let open = false
  // dataArray@iot.count (OGC 18-088 §14.3): the rows of the group, written after its array
  // (the group is streamed, so its size is known only at its end; key order is free in JSON).
  let inGroup = 0
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
    const md = row[mdCol] !== null
    const key = md ? row[mdCol] : row[dsCol]
    if (!open || key !== group || md !== groupMd) {
      const nav = md ? 'MultiDatastream' : 'Datastream'
      buf += `${open ? `],"dataArray@iot.count":${inGroup}},` : ''}{"${nav}@iot.navigationLink":${JSON.stringify(`${ctx.base}/${nav}s(${key})`)}${head}`
      group = key
      groupMd = md
      open = true
      inGroup = 0
    } else buf += ','
    inGroup++
    let line = '['
    for (let k = 0; k < writers.length; k++) line += (k === 0 ? '' : ',') + writers[k](row)
    buf += line + ']'
    if (buf.length >= CHUNK) {
      yield buf
      buf = ''
    }
  }
  if (buf) yield buf
  if (open) yield `],"dataArray@iot.count":${inGroup}}`
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
  // Without expansions, row by row (bounded memory); with them, the page at once (batched).
  const entities = plan.expands.length ? toEntities(ctx, plan, [...pageRows(r, { next: null })]) : (function* () {
    for (const row of pageRows(r, { next: null })) yield toEntity(ctx, plan, row)
  })()
  for (const e of entities) {
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
    yield (first ? '' : ',') + JSON.stringify({ type: 'Feature', id: row[0], geometry, properties })
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

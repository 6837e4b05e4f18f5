// Collection responses as a sequence of text chunks (default JSON, dataArray, CSV, GeoJSON),
// produced row by row from an open statement, so a response of any size needs bounded memory.
import { StaError } from './errors.js'
import type { EntityDef } from './model.js'
import type { QueryOptions } from './query-options.js'
import { count, nextQuery, planRows, rootOfCtx, selfLink, skiptokenOf, toEntities, toEntity, toTexts, type Plan, type ReadContext, type Row } from './read.js'
import { ByteSink, dataArrayRowWriter } from './serialise.js'
import { isQueryTimeout, pastDeadline } from './deadline.js'
import { reportStaLimit, type StaLimit } from './limit-events.js'

const CHUNK = 64 * 1024
/** dataArray's chunks (Buffers): larger, since each chunk of a stream costs a message, an
 * acknowledgement and a write (a one-year series: 17 chunks instead of 65, ~7 % of its CPU). */
const DATA_ARRAY_CHUNK = 256 * 1024

export interface CollectionRequest {
  ctx: ReadContext
  plan: Plan
  options: QueryOptions
  /** Path of the collection under the service root ("/Datastreams(1)/Observations"). */
  path: string
  ref: boolean
  /** Largest response in bytes (http.maxResponseBytes); default: no limit. */
  maxBytes?: number
}

/**
 * Where a page may end early, at a row boundary, with an @iot.nextLink to the rest (OData
 * server-driven paging): past the byte limit, or past the query time limit (sta/deadline.ts)
 * once at least one row is written. CSV has no place for a nextLink: there the byte limit is an
 * error (400 before the response starts; a stream is aborted, never silently cut) and so is time.
 */
class PageCut {
  /** Bytes of the parts yielded so far (counted by batched()). */
  bytes = 0
  /** Set by a writer when the last row it was given did not fit. */
  rejected = false
  readonly maxBytes: number
  /** Room kept for the end of the page (closing brackets and the nextLink). */
  readonly reserve: number
  /** The store file, for the limit counters (limit-events.ts). */
  readonly store: string
  constructor(r: CollectionRequest) {
    this.store = r.ctx.conn.name
    this.maxBytes = r.maxBytes && r.maxBytes > 0 ? r.maxBytes : Infinity
    this.reserve = 1024 + 3 * Buffer.byteLength(`${r.ctx.base}${r.path}${JSON.stringify(r.options.raw)}`)
  }

  fits(text: string): boolean {
    return this.maxBytes === Infinity || this.bytes + Buffer.byteLength(text) + this.reserve <= this.maxBytes
  }

  tooLarge(): StaError {
    reportStaLimit(this.store, 'response_bytes', 'error')
    return new StaError('STA_RESPONSE_TOO_LARGE', `the response would exceed ${this.maxBytes} bytes (http.maxResponseBytes); ask for smaller pages with $top (and $skip, or follow @iot.nextLink), or $select fewer properties`)
  }
}

const cuts = new WeakMap<CollectionRequest, PageCut>()
const cutOf = (r: CollectionRequest): PageCut => {
  let c = cuts.get(r)
  if (!c) cuts.set(r, (c = new PageCut(r)))
  return c
}

/** A page ended early by a limit, with a nextLink to the rest: counted for /metrics. */
const cutShort = (r: CollectionRequest, limit: StaLimit): void => reportStaLimit(r.ctx.conn.name, limit, 'next_link')

/** The query of the page after `last`, the emitted-th row of this one. */
function continuation(r: CollectionRequest, last: Row, emitted: number): string {
  const { plan } = r
  const token = skiptokenOf(plan, last)
  return token ? nextQuery(r.options.raw, { $top: String(plan.top), $skiptoken: token }) : nextQuery(r.options.raw, { $top: String(plan.top), $skip: String(plan.skip + emitted) })
}

/** Each row's text (`text`), comma-separated, while it fits the byte limit: the first row that
 * does not is rejected (PageCut.rejected: pageRows ends the page before it, with a nextLink);
 * when even the first row does not fit, the response is too large. */
function* fitting(rows: Iterable<Row>, cut: PageCut, text: (row: Row) => string): Generator<string> {
  let first = true
  for (const row of rows) {
    const t = (first ? '' : ',') + text(row)
    if (!cut.fits(t)) {
      cut.rejected = true
      break
    }
    yield t
    first = false
  }
  if (cut.rejected && first) throw cut.tooLarge()
}

/** Text chunks batched to ~64 KiB; counts the bytes for the response size limit. A Buffer part
 * (dataArray writes its rows into Buffers, already counted) flushes the text before it and
 * passes as it is. */
function* batched(parts: Iterable<string | Buffer>, cut: PageCut): Generator<string | Buffer> {
  let buf = ''
  const counting = cut.maxBytes !== Infinity
  for (const p of parts) {
    if (typeof p !== 'string') {
      if (buf) yield buf
      buf = ''
      yield p
      continue
    }
    if (counting) cut.bytes += Buffer.byteLength(p)
    buf += p
    if (buf.length >= CHUNK) {
      yield buf
      buf = ''
    }
  }
  if (buf) yield buf
}

/** Rows of the page (raw arrays); sets `end.next` to the nextLink query when more rows exist.
 * With `clean`, a page that runs out of time after its first row ends there (nextLink to the
 * rest), and one whose writer rejected a row (PageCut.rejected: over the byte limit) ends before
 * that row. */
function* pageRows(r: CollectionRequest, end: { next: string | null }, clean = false): Generator<Row> {
  const { ctx, plan } = r
  const cut = cutOf(r)
  const params = { ...plan.params, limit: plan.top + 1, offset: plan.skip }
  let emitted = 0
  let last: Row | null = null
  let prev: Row | null = null
  try {
    // Small pages at once; large ones streamed in keyset chunks (read/fetch.ts).
    for (const row of planRows(ctx, plan, params)) {
      if (emitted === plan.top) {
        if (plan.top > 0 && last) end.next = continuation(r, last, emitted)
        break
      }
      // Out of time between rows (a stream of cheap rows): end the page here.
      if (clean && last && (emitted & 63) === 0 && pastDeadline(ctx.conn)) {
        cutShort(r, 'query_timeout')
        end.next = continuation(r, last, emitted)
        break
      }
      prev = last
      last = row
      emitted++
      yield row
    }
  } catch (e) {
    // Out of time inside SQLite (deadline.ts) after rows were written: end the page there.
    if (!(clean && last && isQueryTimeout(e))) throw e
    cutShort(r, 'query_timeout')
    end.next = continuation(r, last, emitted)
  } finally {
    // (No row before the rejected one: fitting() throws tooLarge, counted there.)
    if (cut.rejected && prev) cutShort(r, 'response_bytes')
    if (cut.rejected) end.next = prev ? continuation(r, prev, emitted - 1) : null
  }
}

function* jsonCollection(r: CollectionRequest): Generator<string> {
  const { ctx, plan } = r
  const end = { next: null as string | null }
  yield '{'
  if (r.options.count) yield `"@iot.count":${count(ctx, plan)},`
  yield '"value":['
  const cut = cutOf(r)
  if (r.ref || (plan.writer && !plan.expands.length)) {
    const write = plan.writer
    const root = rootOfCtx(ctx)
    yield* fitting(pageRows(r, end, true), cut, (row) => (r.ref ? JSON.stringify({ '@iot.selfLink': selfLink(ctx, plan.entity, row[0]) }) : write!(ctx.base, root, row)))
  } else {
    // Expansions are fetched for the whole page at once (pages with $expand are not streamed).
    const rows = [...pageRows(r, end, true)]
    const texts = toTexts(ctx, plan, rows)
    for (let i = 0; i < texts.length; i++) {
      const text = (i === 0 ? '' : ',') + texts[i]
      if (!cut.fits(text)) {
        if (i === 0) throw cut.tooLarge()
        cutShort(r, 'response_bytes')
        end.next = continuation(r, rows[i - 1], i)
        break
      }
      yield text
    }
  }
  yield ']'
  if (end.next) yield `,"@iot.nextLink":${JSON.stringify(`${ctx.base}${r.path}?${end.next}`)}`
  yield '}'
}

/** OGC 18-088 §14.3 dataArray: rows as arrays of the selected components, grouped by (Multi)Datastream.
 * Reads raw rows (arrays) and writes each row's JSON into Buffers of ~256 KiB (ByteSink):
 * numbers and times byte by byte, other values as the valueWriters' text (dataArrayRowWriter). */
function* dataArray(r: CollectionRequest): Generator<string | Buffer> {
  const { plan, ctx } = r
  yield '{'
  if (r.options.count) yield `"@iot.count":${count(ctx, plan)},`
  yield '"value":['
  const rows = new DataArrayRows(r)
  try {
    while (rows.fill()) yield rows.out.take()
  } finally {
    // The response abandoned or failed: the rows' statement (and snapshot) end here.
    rows.close()
  }
  if (rows.out.at) yield rows.out.take()
  if (rows.open) yield `],"dataArray@iot.count":${rows.inGroup}}`
  yield ']'
  if (rows.next) yield `,"@iot.nextLink":${JSON.stringify(`${ctx.base}${r.path}?${rows.next}`)}`
  yield '}'
}

/** The rows of a dataArray page, written chunk by chunk (a plain loop: the same loop inside the
 * generator cost ~15 % more). */
class DataArrayRows {
  readonly out = new ByteSink(DATA_ARRAY_CHUNK + 4096)
  /** A group is open: its array needs closing, with its count. */
  open = false
  /** dataArray@iot.count (OGC 18-088 §14.3): the rows of the open group, written after its
   * array (the group is streamed, so its size is known only at its end; key order is free). */
  inGroup = 0
  /** The nextLink query, when the page ends before its rows do. */
  next: string | null = null
  private group: unknown = undefined
  private groupMd = false
  private emitted = 0
  private last: Row | null = null
  private done = false
  private readonly rows: Iterator<Row>
  private readonly write: (r: Row, out: ByteSink) => void
  private readonly head: string
  /** A Datastream's Observations: one group, its id bound (no group columns in the rows). */
  private readonly one: unknown
  private readonly dsCol: number
  private readonly mdCol: number

  constructor(private readonly r: CollectionRequest) {
    const { plan, ctx } = r
    const components = [...(plan.selectId ? ['id'] : []), ...plan.outputs.map((o) => o.name)]
    ;[this.dsCol, this.mdCol] = plan.extraCols
    this.one = plan.groupParam === undefined ? undefined : plan.params[plan.groupParam]
    const kinds = [...(plan.selectId ? [{ kind: 'id' as const, cols: [0] }] : []), ...plan.outputs.map((o) => ({ kind: o.prop.kind, cols: o.cols }))]
    this.write = dataArrayRowWriter(kinds)
    this.head = `,"components":${JSON.stringify(components)},"dataArray":[`
    this.rows = planRows(ctx, plan, { ...plan.params, limit: plan.top + 1, offset: plan.skip })
  }

  /** Writes rows until the chunk is full (true) or the page ends (false). */
  fill(): boolean {
    if (this.done) return false
    try {
      if (this.rowsUntilFull()) return true
    } catch (e) {
      this.close()
      // Out of time inside SQLite (deadline.ts) after rows were written: end the page there.
      if (!(this.last && isQueryTimeout(e))) throw e
      cutShort(this.r, 'query_timeout')
      this.next = continuation(this.r, this.last, this.emitted)
    }
    this.close()
    return false
  }

  private rowsUntilFull(): boolean {
    const { r, out, write, one, dsCol, mdCol, rows } = this
    const { plan, ctx } = r
    // Limits (PageCut): bytes written to `out` are counted here; time between and inside rows.
    const cut = cutOf(r)
    const counting = cut.maxBytes !== Infinity
    for (;;) {
      const n = rows.next()
      if (n.done) return false
      const row = n.value
      const last = this.last
      const emitted = this.emitted
      if (emitted === plan.top) {
        if (plan.top > 0 && last) this.next = continuation(r, last, emitted)
        return false
      }
      if (last && (emitted & 63) === 0 && pastDeadline(ctx.conn)) {
        cutShort(r, 'query_timeout')
        this.next = continuation(r, last, emitted)
        return false
      }
      const md = one === undefined && row[mdCol] != null
      const key = one !== undefined ? one : md ? row[mdCol] : row[dsCol]
      const newGroup = !this.open || key !== this.group || md !== this.groupMd
      const start = out.at
      if (newGroup) {
        const nav = md ? 'MultiDatastream' : 'Datastream'
        out.text(`${this.open ? `],"dataArray@iot.count":${this.inGroup}},` : ''}{"${nav}@iot.navigationLink":${JSON.stringify(`${ctx.base}/${nav}s(${key})`)}${this.head}`)
      } else {
        out.room(1)
        out.byte(44) // ,
      }
      write(row, out)
      if (counting) {
        const size = out.at - start
        if (cut.bytes + size + cut.reserve > cut.maxBytes) {
          out.at = start
          if (!last) throw cut.tooLarge()
          cutShort(r, 'response_bytes')
          this.next = continuation(r, last, emitted)
          return false
        }
        cut.bytes += size
      }
      if (newGroup) {
        this.group = key
        this.groupMd = md
        this.open = true
        this.inGroup = 0
      }
      this.last = row
      this.emitted = emitted + 1
      this.inGroup++
      if (out.at >= DATA_ARRAY_CHUNK) return true
    }
  }

  /** Ends the rows (a statement still open is reset; a read transaction ends). */
  close(): void {
    if (this.done) return
    this.done = true
    this.rows.return?.()
  }
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
  const cut = cutOf(r)
  for (const e of entities) {
    const line = header.map((h) => csvCell(h.includes('/') ? pickPath(e, h) : e[h])).join(',') + '\r\n'
    // No nextLink in CSV: over the limit is an error, never a silently shorter file.
    if (!cut.fits(line)) throw cut.tooLarge()
    yield line
  }
}

const pickPath = (e: Record<string, unknown>, path: string): unknown =>
  path.split('/').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), e)

/** GeoJSON FeatureCollection of entities that carry a geometry (Locations, FeaturesOfInterest). */
function* geojson(r: CollectionRequest): Generator<string> {
  const { plan, ctx } = r
  const g = geometryProperty(plan.entity)
  yield '{"type":"FeatureCollection","features":['
  const end = { next: null as string | null }
  yield* fitting(pageRows(r, end, true), cutOf(r), (row) => {
    const e = toEntity(ctx, plan, row)
    const raw = e[g] as Record<string, unknown> | undefined
    const geometry = raw && raw.type === 'Feature' ? raw.geometry : (raw ?? null)
    const properties = { ...e }
    delete properties[g]
    return JSON.stringify({ type: 'Feature', id: row[0], geometry, properties })
  })
  yield ']'
  // The next page as OGC API - Features links it (a foreign member GeoJSON allows).
  if (end.next) yield `,"links":[{"rel":"next","type":"application/geo+json","href":${JSON.stringify(`${ctx.base}${r.path}?${end.next}`)}}]`
  yield '}'
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

/** The response body in chunks: text, or Buffers (dataArray rows). */
export function collectionChunks(r: CollectionRequest): Generator<string | Buffer> {
  const f = r.options.resultFormat
  const parts = f === 'dataArray' ? dataArray(r) : f === 'csv' ? csv(r) : f === 'geojson' ? geojson(r) : jsonCollection(r)
  return batched(parts, cutOf(r))
}

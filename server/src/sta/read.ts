// Reading entities: a query plan (SQL + bound parameters + how to serialise each column) built
// from the model and the query options, run with better-sqlite3 in raw mode (rows as arrays).
// Large collections are streamed row by row (respond.ts). Expansions are batched per level (one
// query for all parents, per-parent pages by ROW_NUMBER()), except Observations, which are read
// per parent from the (datastream_id, phenomenon_time) index. Observation plans carry a lean
// variant without the observation_details join, used when the rows cannot have details.
import type { Db } from '../store/database.js'
import { StaError } from './errors.js'
import { compileCondition, compileValue, fromOf, SqlContext } from './filter/compile.js'
import { decode } from './decode.js'
import type { Typed } from './filter/validate.js'
import { entity, findProperty, sqlFor, type EntityDef, type NavigationDef, type PropertyDef } from './model.js'
import { encodeSkiptoken, type QueryOptions, type SelectItem } from './query-options.js'
import { rawStatement, statement } from './statements.js'
import { entityWriter } from './serialise.js'
import { countSqlOf, leanPlan, sqlOf, type LeanPlan } from './lean.js'
import { ANNOTATIONS, rootOf, type Annotations } from './extensions.js'

export interface ReadContext {
  conn: Db
  /** Absolute service URL, e.g. https://host/v1.1 */
  base: string
  /** Absolute server root (https://host), for links to other services; default: `base` without /v1.x. */
  root?: string
  defaultTop: number
  maxTop: number
}

/** A condition restricting a collection (navigation from a parent), over alias `e`. */
export interface Scope {
  sql: string
  params: Record<string, unknown>
}

/** A row as better-sqlite3 returns it in raw mode: the selected columns in order. */
export type Row = unknown[]

interface Output {
  prop: PropertyDef
  /** Indexes of the row columns holding `prop.read`. */
  cols: number[]
  /** Deep select into a JSON property. */
  json: string[]
  name: string
}

export interface Plan {
  entity: EntityDef
  sql: string
  countSql: string
  params: Record<string, unknown>
  countParams: Record<string, unknown>
  outputs: Output[]
  navLinks: NavigationDef[]
  /** `batch`: the same child rows for many parents at once (null: one query per parent). */
  expands: { nav: NavigationDef; plan: Plan; options: QueryOptions; fkCol?: number; batch: Plan | null }[]
  /** Set on a batch plan: rows of many parents (`@parents`, a JSON array), each parent's page
   * by ROW_NUMBER() over its order; `keyCol` holds the parent key. */
  window: { sql: string; keyCol: number } | null
  /** JSON text of a row's own properties and links (no deep $select, no DISTINCT); expansions
   * are appended by toTexts. */
  writer: ((base: string, root: string, row: Row) => string) | null
  /** reeflink annotations (extensions.ts) and the columns they read; default $select only. */
  annotations: { def: Annotations; cols: number[] } | null
  top: number
  skip: number
  distinct: boolean
  selectId: boolean
  /** Columns holding the order keys when keyset paging applies. */
  keyCols: number[] | null
  /** Columns of the `extra` expressions asked for by the caller. */
  extraCols: number[]
  /** Observations only: the same SQL without the observation_details join (its columns read as
   * NULL, exactly what the LEFT JOIN gives a row without details), and when it applies. */
  lean: LeanPlan | null
}

const ALIAS = 'e'

function outputsOf(e: EntityDef, select: SelectItem[] | null): { outputs: Output[]; navLinks: NavigationDef[]; selectId: boolean } {
  if (!select) return { outputs: e.properties.filter((p) => p.name !== 'id').map((p) => ({ prop: p, cols: [], json: [], name: p.name })), navLinks: e.navigation, selectId: true }
  const outputs: Output[] = []
  const navLinks: NavigationDef[] = []
  let selectId = false
  for (const s of select) {
    if (s.kind === 'nav') navLinks.push(s.nav)
    else if (s.prop.name === 'id') selectId = true
    else outputs.push({ prop: s.prop, cols: [], json: s.json, name: s.name })
  }
  return { outputs, navLinks, selectId }
}

/** For a batched expansion: the parent key (SQL over `e` or the link table `l`) and the join. */
interface BatchOf {
  key: string
  join: string
}

export function planQuery(ctx: ReadContext, e: EntityDef, o: QueryOptions, scope: Scope | null, extra: string[] = [], sql = new SqlContext(), batchOf?: BatchOf): Plan {
  const { outputs, navLinks, selectId } = outputsOf(e, o.select)
  const cols: string[] = []
  // An expression selected twice (an order key that is also an output) is read once.
  const named = new Map<string, number>()
  const col = (expr: string): number => {
    const known = named.get(expr)
    if (known !== undefined) return known
    cols.push(`${expr} AS c${cols.length}`)
    named.set(expr, cols.length - 1)
    return cols.length - 1
  }
  const idCol = o.distinct ? null : col(`${ALIAS}.id`)
  for (const out of outputs) out.cols = out.prop.read.map((r) => col(sqlFor(r, ALIAS)))
  const extraCols = extra.map((x) => col(sqlFor(x, ALIAS)))
  const ann = !o.select && ANNOTATIONS[e.name]
  const annotations = ann ? { def: ann, cols: ann.read.map((r) => col(sqlFor(r, ALIAS))) } : null
  const batchKeyCol = batchOf ? col(batchOf.key) : -1

  const where: string[] = []
  if (scope) where.push(scope.sql)
  if (o.filter) where.push(compileCondition(o.filter, ALIAS, sql))

  // Order: the requested keys (or the entity's default), then the id so pages are stable.
  const order = o.orderby.length
    ? o.orderby
    : e.defaultOrder.map((d) => ({ expr: { k: 'prop', type: 'number', hops: [], prop: findProperty(e, d.property)!, json: [], text: d.property } as Typed, desc: d.desc }))
  const keys = order.map((k) => ({ sql: compileValue(k.expr, ALIAS, sql), desc: k.desc, keyable: k.expr.k === 'prop' && !k.expr.hops.length && !k.expr.json.length && !!k.expr.prop.notNull }))
  if (!o.distinct && !keys.some((k) => k.sql === `${ALIAS}.id`)) keys.push({ sql: `${ALIAS}.id`, desc: keys[0]?.desc ?? false, keyable: true })
  const keyset = !o.distinct && keys.every((k) => k.keyable)
  const keyCols = keyset ? keys.map((k) => col(k.sql)) : null

  const countWhere = where.slice()
  if (o.skiptoken) {
    if (!keyset || o.skiptoken.length !== keys.length) throw new StaError('STA_BAD_QUERY_OPTION', '$skiptoken does not match this $orderby')
    where.push(keysetCondition(keys, o.skiptoken, sql))
  }

  const expands: Plan['expands'] = []
  for (const x of o.expand) {
    let fkCol: number | undefined
    let childScope: Scope
    const j = x.nav.join
    if (j.kind === 'fkOnSource') {
      fkCol = col(sqlFor(j.sql, ALIAS))
      childScope = { sql: `${ALIAS}.id = @parent`, params: {} }
    } else if (j.kind === 'fkOnTarget') childScope = { sql: `${sqlFor(j.sql, ALIAS)} = @parent`, params: {} }
    else childScope = { sql: `${ALIAS}.id IN (SELECT ${j.targetColumn} FROM ${j.table} WHERE ${j.sourceColumn} = @parent)`, params: {} }
    const target = entity(x.nav.target)
    const child = planQuery(ctx, target, x.options, childScope)
    expands.push({ nav: x.nav, plan: child, options: x.options, fkCol, batch: batchPlan(ctx, target, x.nav, x.options) })
  }

  const top = Math.min(o.top ?? ctx.defaultTop, ctx.maxTop)
  // SQLite keeps Observations' LEFT JOIN of observation_details even when unused (count(*)
  // counts joined rows), so drop it when nothing reads the details alias.
  const full = fromOf(e, ALIAS)
  const lean = full.split(' LEFT JOIN ')[0]
  const usesDetails = (text: string) => text.includes(`${ALIAS}d.`)
  const from = (usesDetails(cols.join() + where.join() + keys.map((k) => k.sql).join()) ? full : lean) + (batchOf?.join ?? '')
  const countFromTable = usesDetails(countWhere.join()) ? full : lean
  const whereSql = where.length ? ` WHERE ${where.join(' AND ')}` : ''
  const orderSql = ` ORDER BY ${keys.map((k) => `${k.sql}${k.desc ? ' DESC' : ''}`).join(', ')}`
  const select = o.distinct ? `SELECT DISTINCT ${cols.join(', ')}` : `SELECT ${cols.join(', ')}`
  const countFrom = o.distinct ? `(${select} FROM ${from}${countWhere.length ? ` WHERE ${countWhere.join(' AND ')}` : ''})` : from
  const countSql = o.distinct ? `SELECT count(*) AS n FROM ${countFrom}` : `SELECT count(*) AS n FROM ${countFromTable}${countWhere.length ? ` WHERE ${countWhere.join(' AND ')}` : ''}`
  void idCol
  const fullSql = `${select} FROM ${from}${whereSql}${orderSql} LIMIT @limit OFFSET @offset`
  return {
    entity: e,
    sql: fullSql,
    lean: leanPlan(e, scope, from === full ? { full, lean, sql: fullSql, countSql } : null),
    countSql,
    window: batchOf ? { sql: `SELECT * FROM (${select}, ROW_NUMBER() OVER (PARTITION BY ${batchOf.key}${orderSql}) AS rn FROM ${from}${whereSql}) WHERE rn > @offset AND rn <= @offset + @limit ORDER BY c${batchKeyCol}, rn`, keyCol: batchKeyCol } : null,
    writer:
      o.distinct || outputs.some((x) => x.json.length)
        ? null
        : entityWriter({ plural: e.plural, selectId, outputs: outputs.map((x) => ({ name: x.name, kind: x.prop.kind, cols: x.cols })), navLinks: navLinks.map((n) => n.name), annotations }),
    annotations,
    params: { ...scope?.params, ...sql.params },
    countParams: { ...scope?.params, ...sql.params },
    outputs,
    navLinks,
    expands,
    top,
    skip: o.skip,
    distinct: o.distinct,
    selectId,
    keyCols,
    extraCols,
  }
}

const PARENTS = 'SELECT value FROM json_each(@parents)'

/** The plan of an expansion's rows for all parents at once, or null when per-parent queries are
 * better (Observations: each parent's page is an index range; DISTINCT pages). */
function batchPlan(ctx: ReadContext, target: EntityDef, nav: NavigationDef, o: QueryOptions): Plan | null {
  if (target.name === 'Observation' || o.distinct) return null
  const j = nav.join
  const of: BatchOf =
    j.kind === 'fkOnSource'
      ? { key: `${ALIAS}.id`, join: '' }
      : j.kind === 'fkOnTarget'
        ? { key: sqlFor(j.sql, ALIAS), join: '' }
        : { key: `l.${j.sourceColumn}`, join: ` JOIN ${j.table} l ON l.${j.targetColumn} = ${ALIAS}.id` }
  return planQuery(ctx, target, o, { sql: `${of.key} IN (${PARENTS})`, params: {} }, [], new SqlContext(), of)
}

/** (k0, k1, …) after the given values, in each key's direction. */
function keysetCondition(keys: { sql: string; desc: boolean }[], values: (string | number)[], sql: SqlContext): string {
  const p = values.map((v) => sql.bind(v))
  const build = (i: number): string => {
    const op = keys[i].desc ? '<' : '>'
    if (i === keys.length - 1) return `${keys[i].sql} ${op} ${p[i]}`
    return `(${keys[i].sql} ${op} ${p[i]} OR (${keys[i].sql} = ${p[i]} AND ${build(i + 1)}))`
  }
  // The leading >= / <= bound gives SQLite an index range; the rest picks up after the last row.
  return `(${keys[0].sql} ${keys[0].desc ? '<=' : '>='} ${p[0]} AND ${build(0)})`
}

export function count(ctx: ReadContext, plan: Plan, extra: Record<string, unknown> = {}): number {
  const params = { ...plan.countParams, ...extra }
  return (statement(ctx.conn, countSqlOf(ctx.conn, plan, params)).get(params) as { n: number }).n
}

function pick(value: unknown, path: string[]): unknown {
  let v = value
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined
    v = (v as Record<string, unknown>)[k]
  }
  return v
}

/** Sets obj[a][b]… = v, for deep $select (`properties/network_name` → {"properties":{"network_name":…}}). */
function place(obj: Record<string, unknown>, name: string, path: string[], v: unknown): void {
  if (v === undefined) return
  let target = obj
  for (const k of [name, ...path.slice(0, -1)]) {
    if (!target[k] || typeof target[k] !== 'object') target[k] = {}
    target = target[k] as Record<string, unknown>
  }
  target[path[path.length - 1]] = v
}

export const rootOfCtx = (ctx: ReadContext): string => ctx.root ?? rootOf(ctx.base)

export const selfLink = (ctx: ReadContext, e: EntityDef, id: unknown) => `${ctx.base}/${e.plural}(${id})`

export interface PageEnd {
  /** Query string for the next page (without '?'), or null. */
  next: string | null
}

/** One row's own properties and links (no expansions). */
function baseEntity(ctx: ReadContext, plan: Plan, row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const id = row[0]
  if (!plan.distinct && plan.selectId) {
    out['@iot.selfLink'] = selfLink(ctx, plan.entity, id)
    out['@iot.id'] = id
  }
  for (const o of plan.outputs) {
    const value = decode(o.prop.kind, o.cols.map((c) => row[c]))
    if (o.json.length) place(out, o.prop.name, o.json, pick(value, o.json))
    else out[o.prop.name] = value
  }
  if (plan.distinct) return out
  for (const n of plan.navLinks) out[`${n.name}@iot.navigationLink`] = `${selfLink(ctx, plan.entity, id)}/${n.name}`
  if (plan.annotations) {
    const a = plan.annotations
    for (const [k, v] of a.def.links(rootOfCtx(ctx), id, a.cols.map((c) => row[c]))) out[k] = v
  }
  return out
}

/** Serialises one row (and its expansions). */
export function toEntity(ctx: ReadContext, plan: Plan, row: Row): Record<string, unknown> {
  return toEntities(ctx, plan, [row])[0]
}

/** Serialises rows and their expansions: a batched expansion is one query per level for all
 * parents (IN (…), per-parent $top by ROW_NUMBER()); Observations stay one indexed query per
 * parent (a window over a Datastream's millions of rows would read them all). */
export function toEntities(ctx: ReadContext, plan: Plan, rows: Row[]): Record<string, unknown>[] {
  const out = rows.map((row) => baseEntity(ctx, plan, row))
  if (plan.distinct) return out
  for (const x of plan.expands) {
    if (x.batch) expandBatched(ctx, plan, x, rows, out)
    else rows.forEach((row, i) => expandOne(ctx, plan, x, row, out[i]))
  }
  return out
}

type Expand = Plan['expands'][number]

/** The same as JSON.stringify of toEntities, written as text from the plans' writers (the
 * object path is kept for plans without a writer). */
export function toTexts(ctx: ReadContext, plan: Plan, rows: Row[]): string[] {
  const write = plan.writer
  if (!write) return toEntities(ctx, plan, rows).map((e) => JSON.stringify(e))
  const root = rootOfCtx(ctx)
  const out = rows.map((row) => write(ctx.base, root, row))
  if (!plan.expands.length) return out
  const tails = rows.map(() => '')
  for (const x of plan.expands) {
    const key = JSON.stringify(x.nav.name)
    if (x.batch) {
      const b = x.batch
      const keys = rows.map((r) => (x.nav.many ? r[0] : r[x.fkCol!]))
      const wanted = [...new Set(keys.filter((k) => k !== null && k !== undefined))]
      const byKey = new Map<unknown, string[]>()
      if (wanted.length) {
        const params = { ...b.params, parents: JSON.stringify(wanted), limit: x.nav.many ? b.top + 1 : 1, offset: x.nav.many ? b.skip : 0 }
        const childRows = rawStatement(ctx.conn, b.window!.sql).all(params) as Row[]
        const children = toTexts(ctx, b, childRows)
        childRows.forEach((r, i) => {
          const k = r[b.window!.keyCol]
          const list = byKey.get(k)
          if (list) list.push(children[i])
          else byKey.set(k, [children[i]])
        })
      }
      rows.forEach((row, i) => {
        const list = byKey.get(keys[i]) ?? []
        if (!x.nav.many) {
          if (list[0] !== undefined) tails[i] += `,${key}:${list[0]}`
        } else tails[i] += manyText(ctx, plan, x, row[0], list)
      })
      continue
    }
    rows.forEach((row, i) => {
      if (!x.nav.many) {
        const fk = row[x.fkCol!]
        if (fk === null || fk === undefined) return
        const [child] = textsOnce(ctx, x.plan, { parent: fk }, 1, 0)
        if (child !== undefined) tails[i] += `,${key}:${child}`
        return
      }
      tails[i] += manyText(ctx, plan, x, row[0], textsOnce(ctx, x.plan, { parent: row[0] }, x.plan.top + 1, x.plan.skip))
    })
  }
  // A writer's text is never empty ('{}' at least): splice the expansions before its '}'.
  return out.map((t, i) => (tails[i] ? (t === '{}' ? `{${tails[i].slice(1)}}` : `${t.slice(0, -1)}${tails[i]}}`) : t))
}

function manyText(ctx: ReadContext, plan: Plan, x: Expand, id: unknown, children: string[]): string {
  const more = children.length > x.plan.top
  if (more) children.pop()
  let t = ''
  if (x.options.count) t += `,${JSON.stringify(`${x.nav.name}@iot.count`)}:${count(ctx, x.plan, { parent: id })}`
  t += `,${JSON.stringify(x.nav.name)}:[${children.join(',')}]`
  if (more) {
    t += `,${JSON.stringify(`${x.nav.name}@iot.nextLink`)}:${JSON.stringify(`${selfLink(ctx, plan.entity, id)}/${x.nav.name}?${nextQuery(x.options.raw, { $top: String(x.plan.top), $skip: String(x.plan.skip + x.plan.top) })}`)}`
  }
  return t
}

function textsOnce(ctx: ReadContext, plan: Plan, extra: Record<string, unknown>, limit: number, offset: number): string[] {
  const params = { ...plan.params, ...extra, limit, offset }
  return toTexts(ctx, plan, rawStatement(ctx.conn, sqlOf(ctx.conn, plan, params)).all(params) as Row[])
}

function expandOne(ctx: ReadContext, plan: Plan, x: Expand, row: Row, out: Record<string, unknown>): void {
  if (!x.nav.many) {
    const fk = row[x.fkCol!]
    if (fk === null || fk === undefined) return
    const [child] = rowsOnce(ctx, x.plan, { parent: fk }, 1, 0)
    if (child) out[x.nav.name] = child
    return
  }
  attachMany(ctx, plan, x, row[0], rowsOnce(ctx, x.plan, { parent: row[0] }, x.plan.top + 1, x.plan.skip), out)
}

function expandBatched(ctx: ReadContext, plan: Plan, x: Expand, rows: Row[], out: Record<string, unknown>[]): void {
  const b = x.batch!
  const keys = rows.map((r) => (x.nav.many ? r[0] : r[x.fkCol!]))
  const wanted = [...new Set(keys.filter((k) => k !== null && k !== undefined))]
  const byKey = new Map<unknown, Record<string, unknown>[]>()
  if (wanted.length) {
    const params = { ...b.params, parents: JSON.stringify(wanted), limit: x.nav.many ? b.top + 1 : 1, offset: x.nav.many ? b.skip : 0 }
    const childRows = rawStatement(ctx.conn, b.window!.sql).all(params) as Row[]
    const children = toEntities(ctx, b, childRows)
    childRows.forEach((r, i) => {
      const k = r[b.window!.keyCol]
      const list = byKey.get(k)
      if (list) list.push(children[i])
      else byKey.set(k, [children[i]])
    })
  }
  rows.forEach((row, i) => {
    const list = byKey.get(keys[i]) ?? []
    if (!x.nav.many) {
      if (list[0]) out[i][x.nav.name] = list[0]
    } else attachMany(ctx, plan, x, row[0], list, out[i])
  })
}

function attachMany(ctx: ReadContext, plan: Plan, x: Expand, id: unknown, children: Record<string, unknown>[], out: Record<string, unknown>): void {
  const more = children.length > x.plan.top
  if (more) children.pop()
  if (x.options.count) out[`${x.nav.name}@iot.count`] = count(ctx, x.plan, { parent: id })
  out[x.nav.name] = children
  if (more) {
    out[`${x.nav.name}@iot.nextLink`] = `${selfLink(ctx, plan.entity, id)}/${x.nav.name}?${nextQuery(x.options.raw, { $top: String(x.plan.top), $skip: String(x.plan.skip + x.plan.top) })}`
  }
}

/** Rows of a plan, serialised, lazily. */
export function* rows(ctx: ReadContext, plan: Plan, extra: Record<string, unknown>, limit: number, offset: number, last?: { row?: Row }): Generator<Record<string, unknown>> {
  const params = { ...plan.params, ...extra, limit, offset }
  const it = rawStatement(ctx.conn, sqlOf(ctx.conn, plan, params)).iterate(params) as IterableIterator<Row>
  for (const row of it) {
    if (last) last.row = row
    yield toEntity(ctx, plan, row)
  }
}

/** Rows fetched at once: expansions are small (bounded by $top), and the same SQL may recur at
 * several nesting levels, which an open iterator on that statement would not allow. */
function rowsOnce(ctx: ReadContext, plan: Plan, extra: Record<string, unknown>, limit: number, offset: number): Record<string, unknown>[] {
  const params = { ...plan.params, ...extra, limit, offset }
  const all = rawStatement(ctx.conn, sqlOf(ctx.conn, plan, params)).all(params) as Row[]
  return toEntities(ctx, plan, all)
}

/** The raw row values of the order keys, for a keyset nextLink. */
export function skiptokenOf(plan: Plan, row: Row): string | null {
  if (!plan.keyCols) return null
  return encodeSkiptoken(plan.keyCols.map((c) => row[c]))
}

export function nextQuery(raw: Record<string, string>, set: Record<string, string>): string {
  const q = { ...raw }
  delete q.$skip
  delete q.$skiptoken
  delete q.$top
  Object.assign(q, set)
  return Object.entries(q)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&')
}

/** One entity as GET /Set(id) serialises it, or null when it does not exist. */
export function readOne(ctx: ReadContext, e: EntityDef, id: number, o: QueryOptions): Record<string, unknown> | null {
  const plan = planQuery(ctx, e, o, { sql: 'e.id = @entity_id', params: { entity_id: id } })
  const row = rawStatement(ctx.conn, plan.sql).get({ ...plan.params, limit: 1, offset: 0 }) as Row | undefined
  return row ? toEntity(ctx, plan, row) : null
}

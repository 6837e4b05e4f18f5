// Reading entities: a query plan (SQL + bound parameters + how to serialise each column) built
// from the model and the query options, run with better-sqlite3, one row at a time, so large
// collections are never held in memory. Expansions run per parent row with a prepared plan.
import type { Db } from '../store/database.js'
import { StaError } from './errors.js'
import { compileCondition, compileValue, fromOf, SqlContext } from './filter/compile.js'
import { decode } from './decode.js'
import type { Typed } from './filter/validate.js'
import { entity, findProperty, sqlFor, type EntityDef, type NavigationDef, type PropertyDef } from './model.js'
import { encodeSkiptoken, type QueryOptions, type SelectItem } from './query-options.js'
import { statement } from './statements.js'

export interface ReadContext {
  conn: Db
  /** Absolute service URL, e.g. https://host/v1.1 */
  base: string
  defaultTop: number
  maxTop: number
}

/** A condition restricting a collection (navigation from a parent), over alias `e`. */
export interface Scope {
  sql: string
  params: Record<string, unknown>
}

interface Output {
  prop: PropertyDef
  cols: string[]
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
  expands: { nav: NavigationDef; plan: Plan; options: QueryOptions; fkCol?: string }[]
  top: number
  skip: number
  distinct: boolean
  selectId: boolean
  /** Columns holding the order keys when keyset paging applies. */
  keyCols: string[] | null
  /** Columns of the `extra` expressions asked for by the caller. */
  extraCols: string[]
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

export function planQuery(ctx: ReadContext, e: EntityDef, o: QueryOptions, scope: Scope | null, extra: string[] = [], sql = new SqlContext()): Plan {
  const { outputs, navLinks, selectId } = outputsOf(e, o.select)
  const cols: string[] = []
  // An expression selected twice (an order key that is also an output) is read once.
  const named = new Map<string, string>()
  const col = (expr: string) => {
    const known = named.get(expr)
    if (known) return known
    cols.push(`${expr} AS c${cols.length}`)
    named.set(expr, `c${cols.length - 1}`)
    return `c${cols.length - 1}`
  }
  const idCol = o.distinct ? null : col(`${ALIAS}.id`)
  for (const out of outputs) out.cols = out.prop.read.map((r) => col(sqlFor(r, ALIAS)))
  const extraCols = extra.map((x) => col(sqlFor(x, ALIAS)))

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
    let fkCol: string | undefined
    let childScope: Scope
    const j = x.nav.join
    if (j.kind === 'fkOnSource') {
      fkCol = col(sqlFor(j.sql, ALIAS))
      childScope = { sql: `${ALIAS}.id = @parent`, params: {} }
    } else if (j.kind === 'fkOnTarget') childScope = { sql: `${sqlFor(j.sql, ALIAS)} = @parent`, params: {} }
    else childScope = { sql: `${ALIAS}.id IN (SELECT ${j.targetColumn} FROM ${j.table} WHERE ${j.sourceColumn} = @parent)`, params: {} }
    const child = planQuery(ctx, entity(x.nav.target), x.options, childScope)
    expands.push({ nav: x.nav, plan: child, options: x.options, fkCol })
  }

  const top = Math.min(o.top ?? ctx.defaultTop, ctx.maxTop)
  // SQLite keeps Observations' LEFT JOIN of observation_details even when unused (count(*)
  // counts joined rows), so drop it when nothing reads the details alias.
  const full = fromOf(e, ALIAS)
  const lean = full.split(' LEFT JOIN ')[0]
  const usesDetails = (text: string) => text.includes(`${ALIAS}d.`)
  const from = usesDetails(cols.join() + where.join() + keys.map((k) => k.sql).join()) ? full : lean
  const countFromTable = usesDetails(countWhere.join()) ? full : lean
  const whereSql = where.length ? ` WHERE ${where.join(' AND ')}` : ''
  const orderSql = ` ORDER BY ${keys.map((k) => `${k.sql}${k.desc ? ' DESC' : ''}`).join(', ')}`
  const select = o.distinct ? `SELECT DISTINCT ${cols.join(', ')}` : `SELECT ${cols.join(', ')}`
  const countFrom = o.distinct ? `(${select} FROM ${from}${countWhere.length ? ` WHERE ${countWhere.join(' AND ')}` : ''})` : from
  const countSql = o.distinct ? `SELECT count(*) AS n FROM ${countFrom}` : `SELECT count(*) AS n FROM ${countFromTable}${countWhere.length ? ` WHERE ${countWhere.join(' AND ')}` : ''}`
  void idCol
  return {
    entity: e,
    sql: `${select} FROM ${from}${whereSql}${orderSql} LIMIT @limit OFFSET @offset`,
    countSql,
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
  return (statement(ctx.conn, plan.countSql).get({ ...plan.countParams, ...extra }) as { n: number }).n
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

export const selfLink = (ctx: ReadContext, e: EntityDef, id: unknown) => `${ctx.base}/${e.plural}(${id})`

export interface PageEnd {
  /** Query string for the next page (without '?'), or null. */
  next: string | null
}

/** Serialises one row (and its expansions). */
export function toEntity(ctx: ReadContext, plan: Plan, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const id = row.c0
  if (!plan.distinct) {
    if (plan.selectId) {
      out['@iot.selfLink'] = selfLink(ctx, plan.entity, id)
      out['@iot.id'] = id
    }
  }
  for (const o of plan.outputs) {
    const value = decode(o.prop.kind, o.cols.map((c) => row[c]))
    if (o.json.length) place(out, o.prop.name, o.json, pick(value, o.json))
    else out[o.prop.name] = value
  }
  if (plan.distinct) return out
  for (const n of plan.navLinks) out[`${n.name}@iot.navigationLink`] = `${selfLink(ctx, plan.entity, id)}/${n.name}`
  for (const x of plan.expands) {
    if (!x.nav.many) {
      const fk = row[x.fkCol!]
      if (fk === null || fk === undefined) continue
      const [child] = rowsOnce(ctx, x.plan, { parent: fk }, 1, 0)
      if (child) out[x.nav.name] = child
      continue
    }
    const children = rowsOnce(ctx, x.plan, { parent: id }, x.plan.top + 1, x.plan.skip)
    const more = children.length > x.plan.top
    if (more) children.pop()
    if (x.options.count) out[`${x.nav.name}@iot.count`] = count(ctx, x.plan, { parent: id })
    out[x.nav.name] = children
    if (more) {
      out[`${x.nav.name}@iot.nextLink`] = `${selfLink(ctx, plan.entity, id)}/${x.nav.name}?${nextQuery(x.options.raw, { $top: String(x.plan.top), $skip: String(x.plan.skip + x.plan.top) })}`
    }
  }
  return out
}

/** Rows of a plan, serialised, lazily. */
export function* rows(ctx: ReadContext, plan: Plan, extra: Record<string, unknown>, limit: number, offset: number, last?: { row?: Record<string, unknown> }): Generator<Record<string, unknown>> {
  const it = statement(ctx.conn, plan.sql).iterate({ ...plan.params, ...extra, limit, offset }) as IterableIterator<Record<string, unknown>>
  for (const row of it) {
    if (last) last.row = row
    yield toEntity(ctx, plan, row)
  }
}

/** Rows fetched at once: expansions are small (bounded by $top), and the same SQL may recur at
 * several nesting levels, which an open iterator on that statement would not allow. */
function rowsOnce(ctx: ReadContext, plan: Plan, extra: Record<string, unknown>, limit: number, offset: number): Record<string, unknown>[] {
  const all = statement(ctx.conn, plan.sql).all({ ...plan.params, ...extra, limit, offset }) as Record<string, unknown>[]
  return all.map((row) => toEntity(ctx, plan, row))
}

/** The raw row values of the order keys, for a keyset nextLink. */
export function skiptokenOf(plan: Plan, row: Record<string, unknown>): string | null {
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
  const row = statement(ctx.conn, plan.sql).get({ ...plan.params, limit: 1, offset: 0 }) as Record<string, unknown> | undefined
  return row ? toEntity(ctx, plan, row) : null
}

// A query plan: SQL + bound parameters + how to serialise each column, built from the model and
// the query options. Expansions carry their own plans: a batched one (one query for all parents)
// or a per-parent one (Observations, DISTINCT pages). Observation plans carry a lean variant
// without the observation_details join (lean.ts).
import { deadlineTerm } from '../deadline.js'
import { StaError } from '../errors.js'
import { compileCondition, compileValue, fromOf, SqlContext } from '../filter/compile.js'
import type { Typed } from '../filter/validate.js'
import { entity, findProperty, sqlFor, type EntityDef, type NavigationDef, type PropertyDef } from '../model.js'
import type { QueryOptions, SelectItem } from '../query-options.js'
import { entityWriter } from '../serialise.js'
import { leanExpr, leanPlan, type LeanPlan } from '../lean.js'
import { ANNOTATIONS, type Annotations } from '../extensions.js'
import { afterParam, keysetCondition, type OrderKey } from './paging.js'
import type { ReadContext, Row, Scope } from './context.js'

export interface Output {
  prop: PropertyDef
  /** Indexes of the row columns holding `prop.read`. */
  cols: number[]
  /** Deep select into a JSON property. */
  json: string[]
  name: string
}

export interface Expand {
  nav: NavigationDef
  plan: Plan
  options: QueryOptions
  fkCol?: number
  /** The same child rows for many parents at once (null: one query per parent). */
  batch: Plan | null
}

export interface Plan {
  entity: EntityDef
  sql: string
  /** The same query continuing after the row whose order keys are bound as @after0…: large
   * pages are read in keyset chunks (read/fetch.ts). Null without keyset order. */
  afterSql: string | null
  countSql: string
  params: Record<string, unknown>
  countParams: Record<string, unknown>
  outputs: Output[]
  navLinks: NavigationDef[]
  expands: Expand[]
  /** Set on a batch plan: rows of many parents (`@parents`, a JSON array); `keyCol` holds the
   * parent key. To-many: each parent's page by ROW_NUMBER() over its order (binds @limit and
   * @offset); to-one (`perParent` false): one row per key, no window, no paging parameters.
   * (A plain query ordered by parent with LIMIT, cut per parent in code, measured 2× slower than
   * the window for a Things → Datastreams page: SQLite sorts the computed columns too.) */
  window: { sql: string; keyCol: number; perParent: boolean } | null
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
  /** dataArray of one Datastream's Observations: the scope parameter holding its id (every row
   * is in that one group, so the rows carry no group columns); else the group keys are the
   * `extra` columns (datastream_id, multi_datastream_id). Set by read-worker/collection.ts. */
  groupParam?: string
}

export const ALIAS = 'e'

/** DISTINCT compares the columns read: a property decoded from several columns that may give one
 * value (resultTime: stored, or phenomenonTime + age) is read as that one value instead. */
const distinctRead = (p: PropertyDef): PropertyDef => (p.kind === 'resultTime' ? { ...p, kind: 'time', read: p.filter } : p)

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

/** For a batched expansion: the parent key (SQL over `e` or the link table `l`), the join, and
 * whether each parent has one row at most (to-one: no per-parent window). */
interface BatchOf {
  key: string
  join: string
  perParent: boolean
  /** An ordered link's order column (`l.position`), the order without $orderby. */
  order?: string
}

export function planQuery(ctx: ReadContext, e: EntityDef, o: QueryOptions, scope: Scope | null, extra: string[] = [], sql = new SqlContext(), batchOf?: BatchOf): Plan {
  const { outputs, navLinks, selectId } = outputsOf(e, o.select)
  if (o.distinct) for (const out of outputs) out.prop = distinctRead(out.prop)
  // Columns are numbered in the order asked for, except that those reading only the
  // observation_details join come last: the lean variant (lean.ts), where they are NULL, leaves
  // them out, and its shorter rows read them as undefined. An expression selected twice (an
  // order key that is also an output) is read once.
  const exprs: string[] = []
  const named = new Map<string, number>()
  const col = (expr: string): number => {
    const known = named.get(expr)
    if (known !== undefined) return known
    exprs.push(expr)
    named.set(expr, exprs.length - 1)
    return exprs.length - 1
  }
  if (!o.distinct) col(`${ALIAS}.id`)
  for (const out of outputs) out.cols = out.prop.read.map((r) => col(sqlFor(r, ALIAS)))
  const extraCols = extra.map((x) => col(sqlFor(x, ALIAS)))
  const ann = !o.select && ANNOTATIONS[e.name]
  const annotations = ann ? { def: ann, cols: ann.read.map((r) => col(sqlFor(r, ALIAS))) } : null
  const batchKeyCol = batchOf ? col(batchOf.key) : -1

  const scopeSql = scope ? (scope.joined?.sql ?? scope.sql) : null
  const filterSql = o.filter ? compileCondition(o.filter, ALIAS, sql) : null
  // Query time limit (sta/deadline.ts): plans that may scan many rows check the clock, first in
  // the WHERE; an unfiltered count keeps SQLite's fast count. A default order other than the id
  // (Observations: phenomenonTime) may sort a whole table when no index gives it (an unscoped
  // `/Observations`), so it counts as such a plan too.
  const sortsByDefault = !o.orderby.length && e.defaultOrder.some((d) => d.property !== 'id')
  const deadline = ctx.timed && (o.filter || o.orderby.length || o.skip > 0 || sortsByDefault) ? deadlineTerm(ALIAS) : null

  // Order: the requested keys (or the entity's default), then the id so pages are stable.
  // An ordered link (a MultiDatastream's ObservedProperties) is listed in its own order.
  const linkOrder = o.orderby.length ? undefined : (scope?.joined?.order ?? batchOf?.order)
  const order = o.orderby.length || linkOrder
    ? o.orderby
    : e.defaultOrder.map((d) => ({ expr: { k: 'prop', type: 'number', hops: [], prop: findProperty(e, d.property)!, json: [], text: d.property } as Typed, desc: d.desc }))
  const keys: (OrderKey & { keyable: boolean })[] = order.map((k) => ({
    sql: compileValue(k.expr, ALIAS, sql),
    desc: k.desc,
    keyable: k.expr.k === 'prop' && !k.expr.hops.length && !k.expr.json.length && !!k.expr.prop.notNull,
  }))
  if (linkOrder) keys.push({ sql: linkOrder, desc: false, keyable: true })
  if (!o.distinct && !keys.some((k) => k.sql === `${ALIAS}.id`)) keys.push({ sql: `${ALIAS}.id`, desc: keys[0]?.desc ?? false, keyable: true })
  const keyset = !o.distinct && keys.every((k) => k.keyable)
  const keyCols = keyset ? keys.map((k) => col(k.sql)) : null

  const countWhere = [...(deadline && o.filter ? [deadline] : []), ...(scopeSql ? [scopeSql] : []), ...(filterSql ? [filterSql] : [])]
  let skipSql: string | null = null
  if (o.skiptoken) {
    if (!keyset || o.skiptoken.length !== keys.length) throw new StaError('STA_BAD_QUERY_OPTION', '$skiptoken does not match this $orderby')
    skipSql = keysetCondition(keys, o.skiptoken.map((v) => sql.bind(v)))
  }
  // The keyset conditions (a chunk's continuation, then $skiptoken) come before the $filter:
  // with two lower bounds on the same indexed column (`phenomenonTime ge …` and the keyset's)
  // and statistics (ANALYZE; SQLite's STAT4 weighs the bound values), SQLite sometimes started
  // the index range at the filter's bound when the filter came first, so each chunk (or nextLink
  // page) of a long time range walked it again from its start (a one-year dataArray's 13 chunks:
  // 60 → 37 ms; read-chunks.test.ts counts the entries walked).
  const conditions = (after: string | null): string[] => [deadline, scopeSql, after, skipSql, filterSql].filter((x): x is string => x !== null)
  const where = conditions(null)

  const expands: Expand[] = []
  for (const x of o.expand) {
    let fkCol: number | undefined
    let childScope: Scope
    const j = x.nav.join
    if (j.kind === 'fkOnSource') {
      fkCol = col(sqlFor(j.sql, ALIAS))
      childScope = { sql: `${ALIAS}.id = @parent`, params: {} }
    } else if (j.kind === 'fkOnTarget') childScope = { sql: `${sqlFor(j.sql, ALIAS)} = @parent`, params: {} }
    else
      childScope = {
        sql: `${ALIAS}.id IN (SELECT ${j.targetColumn} FROM ${j.table} WHERE ${j.sourceColumn} = @parent)`,
        params: {},
        ...(j.order ? { joined: { from: ` JOIN ${j.table} l ON l.${j.targetColumn} = ${ALIAS}.id`, sql: `l.${j.sourceColumn} = @parent`, order: `l.${j.order}` } } : {}),
      }
    const target = entity(x.nav.target)
    const child = planQuery(ctx, target, x.options, childScope)
    expands.push({ nav: x.nav, plan: child, options: x.options, fkCol, batch: batchPlan(ctx, target, x.nav, x.options) })
  }

  const detailsOnly = (x: string) => leanExpr(x) === 'NULL'
  const colOrder = [...exprs.keys()].sort((i, j) => Number(detailsOnly(exprs[i])) - Number(detailsOnly(exprs[j])) || i - j)
  const at: number[] = []
  colOrder.forEach((old, i) => (at[old] = i))
  const cols = colOrder.map((old, i) => `${exprs[old]} AS c${i}`)
  for (const out of outputs) out.cols = out.cols.map((c) => at[c])
  for (const x of expands) if (x.fkCol !== undefined) x.fkCol = at[x.fkCol]
  if (annotations) annotations.cols = annotations.cols.map((c) => at[c])
  const top = Math.min(o.top ?? ctx.defaultTop, ctx.maxTop)
  // SQLite keeps Observations' LEFT JOIN of observation_details even when unused (count(*)
  // counts joined rows), so drop it when nothing reads the details alias.
  const full = fromOf(e, ALIAS)
  const lean = full.split(' LEFT JOIN ')[0]
  const usesDetails = (text: string) => text.includes(`${ALIAS}d.`)
  const from = (usesDetails(cols.join() + where.join() + keys.map((k) => k.sql).join()) ? full : lean) + (batchOf?.join ?? '') + (scope?.joined?.from ?? '')
  const countFromTable = (usesDetails(countWhere.join()) ? full : lean) + (scope?.joined?.from ?? '')
  const whereOf = (conds: string[]) => (conds.length ? ` WHERE ${conds.join(' AND ')}` : '')
  const whereSql = whereOf(where)
  const orderSql = ` ORDER BY ${keys.map((k) => `${k.sql}${k.desc ? ' DESC' : ''}`).join(', ')}`
  const select = o.distinct ? `SELECT DISTINCT ${cols.join(', ')}` : `SELECT ${cols.join(', ')}`
  const countSql = o.distinct ? `SELECT count(*) AS n FROM (${select} FROM ${from}${whereOf(countWhere)})` : `SELECT count(*) AS n FROM ${countFromTable}${whereOf(countWhere)}`
  const fullSql = `${select} FROM ${from}${whereSql}${orderSql} LIMIT @limit OFFSET @offset`
  const afterSql = keyset ? `${select} FROM ${from}${whereOf(conditions(keysetCondition(keys, keys.map((_, i) => `@${afterParam(i)}`))))}${orderSql} LIMIT @limit OFFSET @offset` : null
  return {
    entity: e,
    sql: fullSql,
    afterSql,
    lean: leanPlan(e, scope, from === full ? { full, lean, sql: fullSql, countSql, afterSql } : null),
    countSql,
    window: batchOf
      ? {
          sql: batchOf.perParent
            ? `SELECT * FROM (${select}, ROW_NUMBER() OVER (PARTITION BY ${batchOf.key}${orderSql}) AS rn FROM ${from}${whereSql}) WHERE rn > @offset AND rn <= @offset + @limit ORDER BY c${at[batchKeyCol]}, rn`
            : `${select} FROM ${from}${whereSql} ORDER BY c${at[batchKeyCol]}`,
          keyCol: at[batchKeyCol],
          perParent: batchOf.perParent,
        }
      : null,
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
    keyCols: keyCols && keyCols.map((c) => at[c]),
    extraCols: extraCols.map((c) => at[c]),
  }
}

const PARENTS = 'SELECT value FROM json_each(@parents)'

/** The plan of an expansion's rows for all parents at once, or null when per-parent queries are
 * better (Observations: each parent's page is an index range; DISTINCT pages). A to-one
 * expansion reads each target once by id: no window, no per-parent paging. */
function batchPlan(ctx: ReadContext, target: EntityDef, nav: NavigationDef, o: QueryOptions): Plan | null {
  if (target.name === 'Observation' || o.distinct) return null
  const j = nav.join
  const of: BatchOf =
    j.kind === 'fkOnSource'
      ? { key: `${ALIAS}.id`, join: '', perParent: false }
      : j.kind === 'fkOnTarget'
        ? { key: sqlFor(j.sql, ALIAS), join: '', perParent: true }
        : { key: `l.${j.sourceColumn}`, join: ` JOIN ${j.table} l ON l.${j.targetColumn} = ${ALIAS}.id`, perParent: true, ...(j.order ? { order: `l.${j.order}` } : {}) }
  return planQuery(ctx, target, o, { sql: `${of.key} IN (${PARENTS})`, params: {} }, [], new SqlContext(), of)
}

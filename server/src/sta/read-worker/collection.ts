// A collection read's options and plan, built the same way on the event loop (sta/index.ts) and in
// a read worker (worker.ts), so both write the same bytes; and which reads go to a worker.
import type { Db } from '../../store/database.js'
import { StaError } from '../errors.js'
import { ENTITY_BY_NAME, findProperty, type EntityDef } from '../model.js'
import { parseQueryOptions, type QueryOptions } from '../query-options.js'
import { planQuery, type Plan, type ReadContext, type Scope } from '../read.js'
import { geometryProperty } from '../respond.js'

/** Components of a dataArray without $select: every Observation property, in the model's order
 * (FROST-Server's and ets-sta10's DataArrayTests: id, phenomenonTime, result, resultTime,
 * resultQuality, validTime, parameters). */
const DATA_ARRAY_DEFAULT = ENTITY_BY_NAME.get('Observation')!
  .properties.map((p) => p.name)
  .join(',')

function dataArrayOptions(e: EntityDef, o: QueryOptions, query: Record<string, unknown>): QueryOptions {
  if (e.name !== 'Observation') throw new StaError('STA_BAD_RESULT_FORMAT', `$resultFormat=dataArray applies to Observations, not ${e.plural}`)
  if (o.expand.length) throw new StaError('STA_BAD_RESULT_FORMAT', '$resultFormat=dataArray cannot be combined with $expand')
  if (o.select) return o
  return { ...parseQueryOptions(e, { ...query, $select: DATA_ARRAY_DEFAULT }), raw: o.raw }
}

/** Parsed options and plan of a collection (the scope's SQL, not yet its parameters). */
export function collectionPlan(ctx: ReadContext, entity: EntityDef, query: Record<string, unknown>, scope: Scope | null, ref: boolean): { o: QueryOptions; plan: Plan } {
  let o = parseQueryOptions(entity, query)
  if (ref) o = { ...o, select: [{ kind: 'prop', prop: findProperty(entity, 'id')!, json: [], name: 'id' }], expand: [] }
  if (o.resultFormat === 'dataArray') o = dataArrayOptions(entity, o, query)
  if (o.resultFormat === 'geojson') geometryProperty(entity)
  if (o.resultFormat !== 'dataArray') return { o, plan: planQuery(ctx, entity, o, scope) }
  // dataArray groups rows by (Multi)Datastream. An Observation has one or the other (write/
  // observation.ts), so a Datastream's Observations form one group, its id the bound scope
  // parameter: no group columns to read (one column less per row, ~20 % of the statement).
  const one = scope ? ONE_DATASTREAM.exec(scope.sql) : null
  if (one) return { o, plan: { ...planQuery(ctx, entity, o, scope), groupParam: one[1] } }
  return { o, plan: planQuery(ctx, entity, o, scope, ['{a}.datastream_id', '{a}d.multi_datastream_id']) }
}

const ONE_DATASTREAM = /^e\.datastream_id = @(\w+)$/

/** The plan with the request's scope parameters bound (cached plans are shared by parents). */
export function boundPlan(plan: Plan, scope: Scope | null): Plan {
  const scopeParams = scope?.params ?? {}
  return { ...plan, params: { ...plan.params, ...scopeParams }, countParams: { ...plan.countParams, ...scopeParams } }
}

/** Options that may make SQLite visit many rows (those whose plans carry the deadline term,
 * sta/deadline.ts), at the top level or inside an $expand: such reads go to a read worker. */
const COSTLY = /\$(filter|orderby|skip)\s*=/i
export function isCostly(query: Record<string, unknown>): boolean {
  for (const k of ['$filter', '$orderby', '$skip']) if (query[k] !== undefined) return true
  return typeof query.$expand === 'string' && COSTLY.test(query.$expand)
}

/** Whether a read whose only costly option is a top-level `$orderby` is as cheap as one in the
 * default order: SQLite answers it walking an index in the asked order (no sort; each top-level
 * loop an index search, or a plain scan of an unscoped collection), so it stops after the page's
 * rows (`Datastreams(1)/Observations?$orderby=phenomenonTime desc`: the newest first). Such a read
 * stays on the event loop, as the default order does: a worker costs two thread hops (+0.1–0.25
 * ms CPU for a 100-row page, ~25–55 % of it; docs/sensorthings.md, Pass 6). Asked once per plan,
 * with the parameters of its first request (the plan's SQL, and its lean variant). */
export function indexOrdered(conn: Db, query: Record<string, unknown>, plan: Plan, scope: Scope | null): boolean {
  if (query.$orderby === undefined || query.$filter !== undefined || query.$skip !== undefined) return false
  if (typeof query.$expand === 'string' && COSTLY.test(query.$expand)) return false
  return walksIndex(conn, plan, scope)
}

/** Whether a read without costly options still sorts (a default order no index gives: an
 * unscoped `/Observations` in phenomenonTime order sorts the whole table, ~1.5 s at 10 M rows):
 * such a read goes to a worker like a costly one. Asked once per plan. */
export function sortsInDefaultOrder(conn: Db, entity: EntityDef, plan: Plan): boolean {
  if (entity.defaultOrder.every((d) => d.property === 'id')) return false
  return !walksIndex(conn, plan, null)
}

/** SQLite answers the plan (and its lean variant) in index order: no temporary B-tree for the
 * order, and (with a scope) no plain scan of the scoped collection. */
function walksIndex(conn: Db, plan: Plan, scope: Scope | null): boolean {
  const params = { ...plan.params, limit: plan.top + 1, offset: 0 }
  for (const sql of [plan.sql, plan.lean?.sql]) {
    if (!sql) continue
    const steps = conn.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { parent: number; detail: string }[]
    for (const s of steps) {
      if (s.parent !== 0) continue
      if (s.detail.startsWith('USE TEMP B-TREE') || (s.detail.startsWith('SCAN') && scope !== null)) return false
    }
  }
  return true
}

// A collection read's options and plan, built the same way on the event loop (sta/index.ts) and in
// a read worker (worker.ts), so both write the same bytes; and which reads go to a worker.
import { StaError } from '../errors.js'
import { findProperty, type EntityDef } from '../model.js'
import { parseQueryOptions, type QueryOptions } from '../query-options.js'
import { planQuery, type Plan, type ReadContext, type Scope } from '../read.js'
import { geometryProperty } from '../respond.js'

const DATA_ARRAY_DEFAULT = '@iot.id,phenomenonTime,resultTime,result'

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
  const extra = o.resultFormat === 'dataArray' ? ['{a}.datastream_id', '{a}d.multi_datastream_id'] : []
  return { o, plan: planQuery(ctx, entity, o, scope, extra) }
}

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

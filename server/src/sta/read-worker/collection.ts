// A collection read's options and plan, built the same way on the event loop (sta/index.ts) and in
// a read worker (worker.ts), so both write the same bytes; and which reads go to a worker.
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

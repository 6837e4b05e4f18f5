// The details-free plan of Observations: the joined SQL with every observation_details column
// read as NULL (what the LEFT JOIN gives a row without details) and without the join, chosen per
// request when the rows cannot have details (datastreams_with_details, schema version 3).
import type { Db } from '../store/database.js'
import type { EntityDef } from './model.js'
import type { Plan, Scope } from './read.js'
import { statement } from './statements.js'

export interface LeanPlan {
  sql: string
  countSql: string
  /** 'datastream': when the Datastream bound to `param` has no details rows; 'all': when no
   * Observation has any. */
  when: { kind: 'datastream'; param: string } | { kind: 'all' }
}

const DATASTREAM_SCOPE = /^e\.datastream_id = @(\w+)$/

export function leanPlan(e: EntityDef, scope: Scope | null, joined: { full: string; lean: string; sql: string; countSql: string } | null): LeanPlan | null {
  if (e.name !== 'Observation' || !joined) return null
  const m = scope ? DATASTREAM_SCOPE.exec(scope.sql) : null
  if (scope && !m) return null
  // Every literal is a bound parameter, so `ed.<column>` in the text is always a column reference.
  const strip = (text: string) => text.replaceAll(joined.full, joined.lean).replace(/\bed\.\w+/g, 'NULL')
  return { sql: strip(joined.sql), countSql: strip(joined.countSql), when: m ? { kind: 'datastream', param: m[1] } : { kind: 'all' } }
}

/** Whether the rows `params` select have no observation_details (one primary-key probe). */
function detailsFree(conn: Db, lean: LeanPlan, params: Record<string, unknown>): boolean {
  if (lean.when.kind === 'all') return statement(conn, 'SELECT 1 FROM observation_details LIMIT 1').get() === undefined
  const ds = params[lean.when.param]
  if (typeof ds !== 'number') return false
  return statement(conn, 'SELECT 1 FROM datastreams_with_details WHERE datastream_id = ?').get(ds) === undefined
}

/** The SQL to run for these parameters: the lean variant when it gives the same rows. */
export function sqlOf(conn: Db, plan: Plan, params: Record<string, unknown>): string {
  return plan.lean && detailsFree(conn, plan.lean, params) ? plan.lean.sql : plan.sql
}

export function countSqlOf(conn: Db, plan: Plan, params: Record<string, unknown>): string {
  return plan.lean && detailsFree(conn, plan.lean, params) ? plan.lean.countSql : plan.countSql
}


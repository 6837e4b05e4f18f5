// The details-free plan of Observations: the joined SQL with every observation_details column
// read as NULL (what the LEFT JOIN gives a row without details) and without the join, chosen per
// request when the rows cannot have details (datastreams_with_details, schema version 3).
import type { Db } from '../store/database.js'
import type { EntityDef } from './model.js'
import type { Scope } from './read/context.js'
import type { Plan } from './read/plan.js'
import { statement } from './statements.js'

export interface LeanPlan {
  sql: string
  countSql: string
  afterSql: string | null
  /** 'datastream': when the Datastream bound to `param` has no details rows; 'all': when no
   * Observation has any. */
  when: { kind: 'datastream'; param: string } | { kind: 'all' }
}

const DATASTREAM_SCOPE = /^e\.datastream_id = @(\w+)$/

export function leanPlan(e: EntityDef, scope: Scope | null, joined: { full: string; lean: string; sql: string; countSql: string; afterSql: string | null } | null): LeanPlan | null {
  if (e.name !== 'Observation' || !joined) return null
  const m = scope ? DATASTREAM_SCOPE.exec(scope.sql) : null
  if (scope && !m) return null
  // Columns that are NULL here come last (plan.ts numbers them so): they are left out, and rows
  // read them as undefined.
  const strip = (text: string) => leanExpr(text.replaceAll(joined.full, joined.lean)).replace(/, NULL AS c\d+/g, '')
  return { sql: strip(joined.sql), countSql: strip(joined.countSql), afterSql: joined.afterSql === null ? null : strip(joined.afterSql), when: m ? { kind: 'datastream', param: m[1] } : { kind: 'all' } }
}

/** An expression over alias `e` as it reads without the details join. Every literal is a bound
 * parameter, so `ed.<column>` in the text is always a column reference. */
export const leanExpr = (text: string): string => dropNullCoalesce(text.replace(/\bed\.\w+/g, 'NULL'))

/** `COALESCE(NULL, x)` → `x` (SQLite evaluates the wrapper on every row). */
function dropNullCoalesce(text: string): string {
  const head = 'COALESCE(NULL, '
  let out = text
  for (let at = out.indexOf(head); at >= 0; at = out.indexOf(head, at)) {
    // The argument ends at the parenthesis closing the COALESCE (literals are bound parameters,
    // so parentheses in the text are all syntax); a second argument keeps the COALESCE.
    let depth = 1
    let end = at + head.length
    let single = true
    for (; end < out.length && depth > 0; end++) {
      const c = out[end]
      if (c === '(') depth++
      else if (c === ')') depth--
      else if (c === ',' && depth === 1) single = false
    }
    if (depth !== 0 || !single) {
      at += head.length
      continue
    }
    out = `${out.slice(0, at)}(${out.slice(at + head.length, end - 1)})${out.slice(end)}`
  }
  return out
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

/** The keyset continuation SQL (plan.afterSql) for these parameters, or null. */
export function afterSqlOf(conn: Db, plan: Plan, params: Record<string, unknown>): string | null {
  return plan.lean && detailsFree(conn, plan.lean, params) ? plan.lean.afterSql : plan.afterSql
}

export function countSqlOf(conn: Db, plan: Plan, params: Record<string, unknown>): string {
  return plan.lean && detailsFree(conn, plan.lean, params) ? plan.lean.countSql : plan.countSql
}


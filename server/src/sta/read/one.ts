// One entity by id, as GET /Set(id) serialises it.
import type { EntityDef } from '../model.js'
import type { QueryOptions } from '../query-options.js'
import { rawStatement } from '../statements.js'
import { toEntity } from './objects.js'
import { planQuery } from './plan.js'
import type { ReadContext, Row } from './context.js'

/** The entity, or null when it does not exist. */
export function readOne(ctx: ReadContext, e: EntityDef, id: number, o: QueryOptions): Record<string, unknown> | null {
  const plan = planQuery(ctx, e, o, { sql: 'e.id = @entity_id', params: { entity_id: id } })
  const row = rawStatement(ctx.conn, plan.sql).get({ ...plan.params, limit: 1, offset: 0 }) as Row | undefined
  return row ? toEntity(ctx, plan, row) : null
}

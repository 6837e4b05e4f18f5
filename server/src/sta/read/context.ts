// What every read needs: the connection, the absolute service URL, paging limits; the row shape
// (better-sqlite3 raw mode) and the links built from them.
import type { Db } from '../../store/database.js'
import type { EntityDef } from '../model.js'
import { rootOf } from '../extensions.js'

export interface ReadContext {
  conn: Db
  /** Absolute service URL, e.g. https://host/v1.1 */
  base: string
  /** Absolute server root (https://host), for links to other services; default: `base` without /v1.x. */
  root?: string
  defaultTop: number
  maxTop: number
  /** Costly plans check the query time limit (sta/deadline.ts); the connections must have
   * registerDeadline. */
  timed?: boolean
}

/** A condition restricting a collection (navigation from a parent), over alias `e`. */
export interface Scope {
  sql: string
  params: Record<string, unknown>
  /** An ordered link (model `link(..., order)`): the collection is read joined to the link
   * table (`from`, condition `sql` instead of the scope's), one row per link, in `order` when
   * no $orderby is given. `sql` above stays the existence test. */
  joined?: { from: string; sql: string; order: string }
}

/** A row as better-sqlite3 returns it in raw mode: the selected columns in order. */
export type Row = unknown[]

export const rootOfCtx = (ctx: ReadContext): string => ctx.root ?? rootOf(ctx.base)

export const selfLink = (ctx: ReadContext, e: EntityDef, id: unknown) => `${ctx.base}/${e.plural}(${id})`

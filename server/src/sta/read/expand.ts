// $expand: the children of a page of parent rows, per parent. A batched expansion is one query
// per level for all parents (`IN (…)`; to-many: per-parent $top/$skip by ROW_NUMBER()); the
// others (Observations: each parent's page is an index range; DISTINCT pages) one query per
// parent. Serialisation (objects or text) is the caller's `serialise`.
import { count, allRows } from './fetch.js'
import { nextQuery } from './paging.js'
import type { Expand, Plan } from './plan.js'
import { rawStatement } from '../statements.js'
import { selfLink, type ReadContext, type Row } from './context.js'

export type Serialise<T> = (ctx: ReadContext, plan: Plan, rows: Row[]) => T[]

/** The parent's key for an expansion: its id (to-many) or the foreign key it holds (to-one). */
const parentKey = (x: Expand, row: Row): unknown => (x.nav.many ? row[0] : row[x.fkCol!])

/** Each parent's serialised children (to-many: up to $top + 1, the extra one telling that a
 * nextLink is due; to-one: zero or one). */
export function childrenOf<T>(ctx: ReadContext, x: Expand, rows: Row[], serialise: Serialise<T>): T[][] {
  if (x.batch) return batched(ctx, x, x.batch, rows, serialise)
  return rows.map((row) => {
    const key = parentKey(x, row)
    if (!x.nav.many && (key === null || key === undefined)) return []
    const [limit, offset] = x.nav.many ? [x.plan.top + 1, x.plan.skip] : [1, 0]
    return serialise(ctx, x.plan, allRows(ctx, x.plan, { ...x.plan.params, parent: key, limit, offset }))
  })
}

function batched<T>(ctx: ReadContext, x: Expand, b: Plan, rows: Row[], serialise: Serialise<T>): T[][] {
  const keys = rows.map((r) => parentKey(x, r))
  const wanted = [...new Set(keys.filter((k) => k !== null && k !== undefined))]
  const byKey = new Map<unknown, T[]>()
  if (wanted.length) {
    const w = b.window!
    const childRows = windowRows(ctx, b, wanted)
    const children = serialise(ctx, b, childRows)
    childRows.forEach((r, i) => {
      const k = r[w.keyCol]
      const list = byKey.get(k)
      if (list) list.push(children[i])
      else byKey.set(k, [children[i]])
    })
  }
  return keys.map((k) => byKey.get(k) ?? [])
}

/** The child rows of the `wanted` parents, ordered by parent: a to-one target once by id; a
 * to-many page per parent ($skip, then $top + 1) by the ROW_NUMBER() window. */
function windowRows(ctx: ReadContext, b: Plan, wanted: unknown[]): Row[] {
  const w = b.window!
  const params: Record<string, unknown> = { ...b.params, parents: JSON.stringify(wanted) }
  if (w.perParent) {
    params.limit = b.top + 1
    params.offset = b.skip
  }
  return rawStatement(ctx.conn, w.sql).all(params) as Row[]
}

/** What follows a to-many expansion's children: its count ($count=true) and nextLink (more
 * children than $top: the extra one is removed from `children`). */
export function pageOfChildren<T>(ctx: ReadContext, parent: Plan, x: Expand, id: unknown, children: T[]): { count: number | null; nextLink: string | null } {
  const more = children.length > x.plan.top
  if (more) children.pop()
  return {
    count: x.options.count ? count(ctx, x.plan, { parent: id }) : null,
    nextLink: more ? `${selfLink(ctx, parent.entity, id)}/${x.nav.name}?${nextQuery(x.options.raw, { $top: String(x.plan.top), $skip: String(x.plan.skip + x.plan.top) })}` : null,
  }
}

// Rows → entity objects (the general path: deep $select, DISTINCT, CSV/GeoJSON, MQTT messages,
// single entities). toTexts (texts.ts) writes the same JSON without objects where it can.
import { decode } from '../decode.js'
import { childrenOf, pageOfChildren } from './expand.js'
import type { Plan } from './plan.js'
import { rootOfCtx, selfLink, type ReadContext, type Row } from './context.js'

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

/** One row's own properties and links (no expansions). */
function baseEntity(ctx: ReadContext, plan: Plan, row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const id = row[0]
  if (!plan.distinct && plan.selectId) {
    out['@iot.selfLink'] = selfLink(ctx, plan.entity, id)
    out['@iot.id'] = id
  }
  for (const o of plan.outputs) {
    const value = decode(o.prop.kind, o.cols.map((c) => row[c]))
    if (o.json.length) place(out, o.prop.name, o.json, pick(value, o.json))
    else out[o.prop.name] = value
  }
  if (plan.distinct) return out
  for (const n of plan.navLinks) out[`${n.name}@iot.navigationLink`] = `${selfLink(ctx, plan.entity, id)}/${n.name}`
  if (plan.annotations) {
    const a = plan.annotations
    for (const [k, v] of a.def.links(rootOfCtx(ctx), id, a.cols.map((c) => row[c]))) out[k] = v
  }
  return out
}

/** Serialises one row (and its expansions). */
export function toEntity(ctx: ReadContext, plan: Plan, row: Row): Record<string, unknown> {
  return toEntities(ctx, plan, [row])[0]
}

/** Serialises rows and their expansions (read/expand.ts). */
export function toEntities(ctx: ReadContext, plan: Plan, rows: Row[]): Record<string, unknown>[] {
  const out = rows.map((row) => baseEntity(ctx, plan, row))
  if (plan.distinct) return out
  for (const x of plan.expands) {
    const children = childrenOf(ctx, x, rows, toEntities)
    rows.forEach((row, i) => {
      const list = children[i]
      if (!x.nav.many) {
        if (list[0]) out[i][x.nav.name] = list[0]
        return
      }
      const page = pageOfChildren(ctx, plan, x, row[0], list)
      if (page.count !== null) out[i][`${x.nav.name}@iot.count`] = page.count
      out[i][x.nav.name] = list
      if (page.nextLink) out[i][`${x.nav.name}@iot.nextLink`] = page.nextLink
    })
  }
  return out
}

// A create/update body split against the model: properties, navigation properties (links by
// @iot.id or nested entities), ignored annotations and computed properties; anything else is a
// 400 naming the key.
import { StaError } from '../errors.js'
import { ANNOTATIONS } from '../extensions.js'
import { findNavigation, findProperty, sqlFor, type EntityDef, type NavigationDef, type PropertyDef } from '../model.js'
import { statement } from '../statements.js'
import type { WriteContext } from './context.js'
import { isObject } from './values.js'

export interface SplitBody {
  props: Map<PropertyDef, unknown>
  navs: Map<NavigationDef, unknown>
}

export function splitBody(e: EntityDef, body: unknown, where: string): SplitBody {
  if (!isObject(body)) throw new StaError('STA_BAD_ENTITY', `${where}: expected a JSON object for a ${e.name}`)
  const props = new Map<PropertyDef, unknown>()
  const navs = new Map<NavigationDef, unknown>()
  for (const [k, v] of Object.entries(body)) {
    if (k === '@iot.id' || k.includes('@iot.')) continue // ids are checked by the caller; selfLink, navigationLink… are read-only annotations
    if (ANNOTATIONS[e.name]?.keys.includes(k)) continue // our read-only annotations (reeflink:csv…): a GET body PUT back as is (ets-sta10 Capability8Test)
    const n = findNavigation(e, k)
    if (n) {
      navs.set(n, v)
      continue
    }
    const p = findProperty(e, k)
    if (!p || p.name === 'id') throw new StaError('STA_BAD_ENTITY', `${where}: '${k.slice(0, 80)}' is not a property of ${e.name}`)
    if (isComputed(e, p)) continue
    props.set(p, v)
  }
  return { props, navs }
}

/** A read-only property the server computes (no stored column): a Datastream's or a
 * MultiDatastream's observedArea. Ignored in a create/update body, as FROST does, so that an
 * entity read with GET can be sent back unchanged with PUT/PATCH (ets-sta10 Capability8Test).
 * Their phenomenonTime and resultTime are stored ranges (grown by each Observation written) and
 * stay writable. Observations have their own writer: every property of theirs is an expression. */
export function isComputed(e: EntityDef, p: PropertyDef): boolean {
  return e.name !== 'Observation' && columnsOf(p) === null
}

/** Column a to-one navigation is stored in on the source row ('{a}.thing_id' → thing_id). */
export function sourceColumn(n: NavigationDef): string | null {
  return n.join.kind === 'fkOnSource' && /^\{a\}\.\w+$/.test(n.join.sql) ? n.join.sql.slice(4) : null
}

/** Column of the target row that holds the source id, for fkOnTarget navigations. */
export function targetColumn(n: NavigationDef): string | null {
  return n.join.kind === 'fkOnTarget' && /^\{a\}\.\w+$/.test(n.join.sql) ? n.join.sql.slice(4) : null
}

/** Writable columns of a property (intervals have two), or null when it is computed. */
export function columnsOf(p: PropertyDef): string[] | null {
  const cols = p.read.map((r) => /^\{a\}\.(\w+)$/.exec(r)?.[1])
  return cols.every((c): c is string => c !== undefined) ? cols : null
}

export function exists(w: WriteContext, e: EntityDef, id: number): boolean {
  return statement(w.db, `SELECT 1 FROM ${sqlFor(e.from, 'e').split(' LEFT JOIN ')[0]} WHERE e.id = ?`).get(id) !== undefined
}

/** The id of a link `{"@iot.id": n}` (checked to exist), or null when the object is a new entity. */
export function linkedId(w: WriteContext, target: EntityDef, v: unknown, where: string): number | null {
  if (!isObject(v) || !('@iot.id' in v)) return null
  const raw = v['@iot.id']
  const id = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : NaN
  if (!Number.isSafeInteger(id) || id < 0) throw new StaError('STA_BAD_VALUE', `${where}: @iot.id ${JSON.stringify(raw)?.slice(0, 40)} is not an entity id`)
  if (!exists(w, target, id)) throw new StaError('STA_LINK_NOT_FOUND', `${where}: ${target.plural}(${id}) does not exist`)
  return id
}

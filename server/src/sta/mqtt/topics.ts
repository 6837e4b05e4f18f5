// SensorThings MQTT topics (OGC 18-088 §14.2, req/receive-updates-via-mqtt/receive-updates):
//   v1.1/Things                      every created/updated Thing
//   v1.1/Things(1)                   that Thing
//   v1.1/Datastreams(3)/Observations Observations of that Datastream
//   v1.1/Datastreams(3)/Thing        the Thing of that Datastream (a to-one navigation)
//   v1.1/Observations(9)/Datastream/Thing, v1.1/Datastreams(3)/Thing/Locations
//                                    any resource path of navigation properties (up to MAX_HOPS):
//                                    the entities the path resolves to, when created or updated
//   v1.1/Things(1)/name              that property, when it changes
//   v1.1/Observations?$select=result,phenomenonTime   (any topic of entities, with $select)
import { ENTITY_BY_PLURAL, entity, findNavigation, findProperty, type EntityDef, type NavigationDef, type PropertyDef } from '../model.js'

/** One navigation step of a path topic; `id` pins one entity of a to-many navigation
 * (`Things(1)/Datastreams(2)/Observations`). */
export interface Hop {
  nav: NavigationDef
  id: number | null
}

export type StaTopic =
  | { kind: 'collection'; version: string; set: EntityDef; select: string | null }
  | { kind: 'entity'; version: string; set: EntityDef; id: number; select: string | null }
  /** `root(id)/hop/hop…`: the entities of `set` the path resolves to. */
  | { kind: 'path'; version: string; root: EntityDef; id: number; hops: Hop[]; set: EntityDef; select: string | null }
  | { kind: 'property'; version: string; set: EntityDef; id: number; prop: PropertyDef }

export const STA_PREFIX = /^v1\.[01]\//

/** Navigation steps a path topic may take (ets-sta10 uses two; each one is a join per event batch). */
export const MAX_HOPS = 4

const SEGMENT = /^([A-Za-z]+)(?:\((\d{1,15})\))?$/

/** A topic's meaning, or null when it is not a SensorThings topic this server publishes. */
export function parseTopic(topic: string): StaTopic | null {
  if (!STA_PREFIX.test(topic) || topic.length > 1000) return null
  const version = topic.slice(0, 4)
  const q = topic.indexOf('?')
  const path = topic.slice(5, q < 0 ? undefined : q)
  let select: string | null = null
  if (q >= 0) {
    const m = /^\$select=([A-Za-z@./,]+)$/.exec(topic.slice(q + 1))
    if (!m) return null
    select = m[1]
  }
  const segs = path.split('/')
  const first = SEGMENT.exec(segs[0] ?? '')
  if (!first) return null
  const root = ENTITY_BY_PLURAL.get(first[1])
  if (!root) return null
  const id = first[2] === undefined ? null : Number(first[2])
  if (segs.length === 1) return id === null ? { kind: 'collection', version, set: root, select } : { kind: 'entity', version, set: root, id, select }
  if (id === null || segs.length - 1 > MAX_HOPS + 1) return null
  // Walk the navigation segments as a resource path does (path.ts): after a collection (a to-many
  // navigation without an id) nothing may follow; a to-one navigation takes no id.
  const hops: Hop[] = []
  let at = root
  let collection = false
  for (let i = 1; i < segs.length; i++) {
    const last = i === segs.length - 1
    const m = SEGMENT.exec(segs[i])
    if (!m || collection) return null
    const nav = findNavigation(at, m[1])
    if (!nav) {
      // A property ends the path, of a single entity addressed directly: v1.1/Things(1)/name.
      const prop = findProperty(at, m[1])
      if (last && hops.length === 0 && m[2] === undefined && prop && prop.name !== 'id' && select === null) return { kind: 'property', version, set: at, id, prop }
      return null
    }
    if (hops.length === MAX_HOPS) return null
    const hopId = m[2] === undefined ? null : Number(m[2])
    if (hopId !== null && !nav.many) return null
    hops.push({ nav, id: hopId })
    collection = nav.many && hopId === null
    at = entity(nav.target)
  }
  return { kind: 'path', version, root, id, hops, set: at, select }
}

/** Topics a client publishes a new Observation to (req/create-observations-via-mqtt). */
export function isCreateTopic(t: StaTopic | null): boolean {
  if (!t) return false
  if (t.kind === 'collection') return t.set.name === 'Observation' && t.select === null
  return t.kind === 'path' && t.hops.length === 1 && t.hops[0].nav.many && t.hops[0].id === null && t.set.name === 'Observation' && t.select === null
}

/** Topics whose paths differ only in the root id: one query finds, for a batch of changed
 * entities, which of their subscriptions each belongs to. */
export function pathPattern(t: Extract<StaTopic, { kind: 'path' }>): string {
  return `${t.version}|${t.select ?? ''}|${t.root.plural}|${t.hops.map((h) => `${h.nav.name}(${h.id ?? ''})`).join('/')}`
}

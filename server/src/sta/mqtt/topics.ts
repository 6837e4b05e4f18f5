// SensorThings MQTT topics (OGC 18-088 §14.2, req/receive-updates-via-mqtt/receive-updates):
//   v1.1/Things                      every created/updated Thing
//   v1.1/Things(1)                   that Thing
//   v1.1/Datastreams(3)/Observations Observations of that Datastream
//   v1.1/Things(1)/name              that property, when it changes
//   v1.1/Observations?$select=result,phenomenonTime   (collections, with $select)
import { ENTITY_BY_PLURAL, entity, findNavigation, findProperty, type EntityDef, type NavigationDef, type PropertyDef } from '../model.js'

export type StaTopic =
  | { kind: 'collection'; version: string; set: EntityDef; select: string | null }
  | { kind: 'entity'; version: string; set: EntityDef; id: number; select: string | null }
  | { kind: 'navigation'; version: string; parent: EntityDef; id: number; nav: NavigationDef; set: EntityDef; select: string | null }
  | { kind: 'property'; version: string; set: EntityDef; id: number; prop: PropertyDef }

export const STA_PREFIX = /^v1\.[01]\//

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
  const set = ENTITY_BY_PLURAL.get(first[1])
  if (!set) return null
  const id = first[2] === undefined ? null : Number(first[2])
  if (segs.length === 1) return id === null ? { kind: 'collection', version, set, select } : { kind: 'entity', version, set, id, select }
  if (segs.length !== 2 || id === null) return null
  const nav = findNavigation(set, segs[1])
  if (nav?.many) return { kind: 'navigation', version, parent: set, id, nav, set: entity(nav.target), select }
  const prop = findProperty(set, segs[1])
  if (prop && prop.name !== 'id' && select === null) return { kind: 'property', version, set, id, prop }
  return null
}

/** Topics a client publishes a new Observation to (req/create-observations-via-mqtt). */
export function isCreateTopic(t: StaTopic | null): boolean {
  if (!t) return false
  if (t.kind === 'collection') return t.set.name === 'Observation' && t.select === null
  return t.kind === 'navigation' && t.set.name === 'Observation' && t.select === null
}

// Create with deep insert (OGC 18-088 §10.2): nested entities are created in the same
// transaction, `{"@iot.id": n}` links to existing ones. To-one relations stored on the new row
// are resolved first (a Datastream needs its Thing, Sensor and ObservedProperty ids), then the
// row is inserted, then its to-many relations (children created with the link to it, link-table
// rows added). POST to /Parents(id)/Children is a create with the parent link added.
import { StaError } from '../errors.js'
import { entity, findNavigation, type EntityDef, type NavigationDef } from '../model.js'
import { statement } from '../statements.js'
import { linkedId, sourceColumn, splitBody, targetColumn, columnsOf } from './body.js'
import { record, type WriteContext } from './context.js'
import { setThingLocations } from './locations.js'
import { createObservation } from './observation.js'
import { encodeProperty, isObject } from './values.js'

export interface ParentLink {
  /** Navigation from the parent to the new entity's collection (Thing → Datastreams). */
  nav: NavigationDef
  id: number
}

const COMPLEX = 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_ComplexObservation'

/** Adds the link to the parent as the inverse navigation property of the new entity. */
function withParent(e: EntityDef, body: Record<string, unknown>, parent: ParentLink, where: string): Record<string, unknown> {
  const inv = findNavigation(e, parent.nav.inverse)
  if (!inv) throw new StaError('STA_BAD_PATH', `${where}: cannot create a ${e.name} through ${parent.nav.name}`)
  const link = { '@iot.id': parent.id }
  if (!inv.many) return { ...body, [inv.name]: link }
  const given = body[inv.name]
  return { ...body, [inv.name]: [...(Array.isArray(given) ? given : []), link] }
}

/** A to-one relation's id: a link, or an entity created on the way. */
export function resolveOne(w: WriteContext, n: NavigationDef, v: unknown, where: string): number {
  if (!isObject(v)) throw new StaError('STA_BAD_ENTITY', `${where}/${n.name}: expected an object (an entity or {"@iot.id": …})`)
  return linkedId(w, entity(n.target), v, `${where}/${n.name}`) ?? createEntity(w, entity(n.target), v, `${where}/${n.name}`)
}

export function createEntity(w: WriteContext, e: EntityDef, body: unknown, where: string = e.name, parent?: ParentLink): number {
  if (!isObject(body)) throw new StaError('STA_BAD_ENTITY', `${where}: expected a JSON object for a ${e.name}`)
  if (body['@iot.id'] !== undefined) throw new StaError('STA_BAD_ENTITY', `${where}: @iot.id is chosen by the server on create (to link an existing entity, nest {"@iot.id": n} in its parent)`)
  const full = parent ? withParent(e, body, parent, where) : body
  if (e.name === 'Observation') return createObservation(w, full, where)
  const { props, navs } = splitBody(e, full, where)
  for (const r of e.required) {
    if (![...props.keys()].some((p) => p.name === r) && ![...navs.keys()].some((n) => n.name === r)) {
      throw new StaError('STA_MISSING_PROPERTY', `${where}: the mandatory property '${r}' of ${e.name} is missing`)
    }
  }
  const cols: Record<string, unknown> = {}
  for (const [p, v] of props) {
    const c = columnsOf(p)
    if (!c) throw new StaError('STA_BAD_VALUE', `${where}: ${e.name}.${p.name} is computed by the server`)
    encodeProperty(e, p, v, e.required.includes(p.name)).forEach((x, i) => (cols[c[i]] = x))
  }
  if (e.name === 'MultiDatastream' && cols.observation_type !== COMPLEX) throw new StaError('STA_BAD_VALUE', `${where}: MultiDatastream.observationType must be ${COMPLEX} (req/multi-datastream/constraints)`)
  for (const [n, v] of navs) {
    if (n.many) continue
    const c = sourceColumn(n)
    if (!c) throw new StaError('STA_BAD_ENTITY', `${where}: ${n.name} cannot be set on a ${e.name}`)
    cols[c] = resolveOne(w, n, v, where)
  }
  const names = Object.keys(cols)
  const sql = names.length ? `INSERT INTO ${e.table} (${names.join(', ')}) VALUES (${names.map((c) => `@${c}`).join(', ')})` : `INSERT INTO ${e.table} DEFAULT VALUES`
  const id = Number(statement(w.db, sql).run(cols).lastInsertRowid)
  record(w, e.plural, id, 'create')
  for (const [n, v] of navs) if (n.many) attachMany(w, e, id, n, v, where, 'create')
  if (e.name === 'MultiDatastream') checkMembers(w, id, cols, where)
  return id
}

/** req/multi-datastream/constraints: one ObservedProperty per unit and data type. */
function checkMembers(w: WriteContext, id: number, cols: Record<string, unknown>, where: string): void {
  const n = (statement(w.db, 'SELECT count(*) AS n FROM multi_datastream_members WHERE multi_datastream_id = ?').get(id) as { n: number }).n
  const units = JSON.parse(String(cols.unit_of_measurements)) as unknown[]
  const types = JSON.parse(String(cols.multi_observation_data_types)) as unknown[]
  if (n !== units.length || n !== types.length) {
    throw new StaError('STA_BAD_VALUE', `${where}: a MultiDatastream needs as many ObservedProperties (${n}) as unitOfMeasurements (${units.length}) and multiObservationDataTypes (${types.length})`)
  }
}

/**
 * Links or creates the entities of a to-many navigation property. On update ('link'), nested
 * entities are not accepted: only links, as FROST does.
 */
export function attachMany(w: WriteContext, e: EntityDef, id: number, n: NavigationDef, v: unknown, where: string, mode: 'create' | 'link'): void {
  const at = `${where}/${n.name}`
  if (!Array.isArray(v)) throw new StaError('STA_BAD_ENTITY', `${at}: expected an array`)
  const target = entity(n.target)
  const idOf = (item: unknown, i: number): number => {
    const linked = linkedId(w, target, item, `${at}[${i}]`)
    if (linked !== null) return linked
    if (mode === 'link') throw new StaError('STA_BAD_ENTITY', `${at}[${i}]: an update links existing entities by {"@iot.id": n}; create new ones with POST`)
    return createEntity(w, target, item, `${at}[${i}]`)
  }
  const j = n.join
  if (j.kind === 'fkOnTarget') {
    const col = targetColumn(n)
    v.forEach((item, i) => {
      const linked = linkedId(w, target, item, `${at}[${i}]`)
      if (linked === null) {
        if (mode === 'link') throw new StaError('STA_BAD_ENTITY', `${at}[${i}]: an update links existing entities by {"@iot.id": n}; create new ones with POST`)
        createEntity(w, target, item, `${at}[${i}]`, { nav: n, id })
        return
      }
      if (!col) throw new StaError('STA_BAD_ENTITY', `${at}[${i}]: link ${target.plural} to a ${e.name} from the ${target.name} side`)
      statement(w.db, `UPDATE ${target.table} SET ${col} = ? WHERE id = ?`).run(id, linked)
      record(w, target.plural, linked, 'update')
    })
    return
  }
  if (j.kind !== 'link') throw new StaError('STA_BAD_ENTITY', `${at}: cannot be written`)
  if (j.table === 'multi_datastream_members') {
    if (e.name !== 'MultiDatastream' || mode !== 'create') throw new StaError('STA_BAD_ENTITY', `${at}: the ObservedProperties of a MultiDatastream are fixed when it is created`)
    const ins = statement(w.db, 'INSERT INTO multi_datastream_members (multi_datastream_id, position, observed_property_id) VALUES (?, ?, ?)')
    v.forEach((item, i) => ins.run(id, i, idOf(item, i)))
    return
  }
  const ids = v.map(idOf)
  if (e.name === 'Thing' && n.name === 'Locations') return setThingLocations(w, id, ids)
  // A Location linked to Things becomes their current Location.
  if (e.name === 'Location' && n.name === 'Things') return ids.forEach((thing) => setThingLocations(w, thing, [id]))
  const link = statement(w.db, `INSERT OR IGNORE INTO ${j.table} (${j.sourceColumn}, ${j.targetColumn}) VALUES (?, ?)`)
  for (const t of ids) link.run(id, t)
}

// PATCH (merge: only the given properties change), PUT (replace: mandatory properties must be
// given, optional ones not given are cleared) and relations updated by links only
// (req/create-update-delete/update-entity). Observations have their own writer.
import { StaError } from '../errors.js'
import type { EntityDef } from '../model.js'
import { statement } from '../statements.js'
import { columnsOf, sourceColumn, splitBody } from './body.js'
import { record, type WriteContext } from './context.js'
import { attachMany } from './create.js'
import { updateObservation } from './observation.js'
import { encodeProperty, isObject } from './values.js'
import { linkedId } from './body.js'
import { entity } from '../model.js'

export function updateEntity(w: WriteContext, e: EntityDef, id: number, body: unknown, mode: 'merge' | 'replace', where = `${e.plural}(${id})`): void {
  if (!isObject(body)) throw new StaError('STA_BAD_ENTITY', `${where}: expected a JSON object`)
  const given = body['@iot.id']
  if (given !== undefined && given !== id && given !== String(id)) throw new StaError('STA_BAD_ENTITY', `${where}: @iot.id cannot be changed`)
  if (e.name === 'Observation') return updateObservation(w, id, body, where, mode === 'replace')
  const { props, navs } = splitBody(e, body, where)
  const cols: Record<string, unknown> = {}
  const names = new Set([...props.keys()].map((p) => p.name))
  if (mode === 'replace') {
    for (const r of e.required) {
      if (e.properties.some((p) => p.name === r) && !names.has(r)) throw new StaError('STA_MISSING_PROPERTY', `${where}: PUT replaces the entity; the mandatory property '${r}' is missing`)
    }
    // Optional properties not given are cleared.
    for (const p of e.properties) {
      const c = columnsOf(p)
      if (p.name === 'id' || names.has(p.name) || !c || (e.name === 'Datastream' || e.name === 'MultiDatastream') && p.kind === 'interval') continue
      encodeProperty(e, p, null, false).forEach((x, i) => (cols[c[i]] = x))
    }
  }
  for (const [p, v] of props) {
    const c = columnsOf(p)
    if (!c) throw new StaError('STA_BAD_VALUE', `${where}: ${e.name}.${p.name} is computed by the server`)
    if (e.name === 'MultiDatastream' && (p.name === 'unitOfMeasurements' || p.name === 'multiObservationDataTypes')) {
      const n = (statement(w.db, 'SELECT count(*) AS n FROM multi_datastream_members WHERE multi_datastream_id = ?').get(id) as { n: number }).n
      if (!Array.isArray(v) || v.length !== n) throw new StaError('STA_BAD_VALUE', `${where}: ${p.name} must keep one entry per ObservedProperty (${n})`)
    }
    encodeProperty(e, p, v, e.required.includes(p.name)).forEach((x, i) => (cols[c[i]] = x))
  }
  for (const [n, v] of navs) {
    if (n.many) continue
    const c = sourceColumn(n)
    const linked = linkedId(w, entity(n.target), v, `${where}/${n.name}`)
    if (!c || linked === null) throw new StaError('STA_BAD_ENTITY', `${where}/${n.name}: an update links an existing entity by {"@iot.id": n}`)
    cols[c] = linked
  }
  const set = Object.keys(cols)
  if (set.length) statement(w.db, `UPDATE ${e.table} SET ${set.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`).run({ ...cols, id })
  for (const [n, v] of navs) if (n.many) attachMany(w, e, id, n, v, where, 'link')
  record(w, e.plural, id, 'update')
}

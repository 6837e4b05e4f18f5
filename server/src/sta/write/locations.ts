// A Thing's current Locations. Setting them to a different set records a HistoricalLocation at
// the time of the write (req/create-update-delete/historical-location-auto-creation).
import { statement } from '../statements.js'
import { record, type WriteContext } from './context.js'

export function setThingLocations(w: WriteContext, thingId: number, locationIds: number[]): void {
  const ids = [...new Set(locationIds)].sort((a, b) => a - b)
  const current = (statement(w.db, 'SELECT location_id AS id FROM thing_locations WHERE thing_id = ? ORDER BY location_id').all(thingId) as { id: number }[]).map((r) => r.id)
  if (current.length === ids.length && current.every((c, i) => c === ids[i])) return
  statement(w.db, 'DELETE FROM thing_locations WHERE thing_id = ?').run(thingId)
  const link = statement(w.db, 'INSERT INTO thing_locations (thing_id, location_id) VALUES (?, ?)')
  for (const l of ids) link.run(thingId, l)
  if (!ids.length) return
  const hl = Number(statement(w.db, 'INSERT INTO historical_locations (thing_id, time) VALUES (?, ?)').run(thingId, w.now).lastInsertRowid)
  const hll = statement(w.db, 'INSERT INTO historical_location_locations (historical_location_id, location_id) VALUES (?, ?)')
  for (const l of ids) hll.run(hl, l)
  record(w, 'HistoricalLocations', hl, 'create')
  record(w, 'Things', thingId, 'update')
}

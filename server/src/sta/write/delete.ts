// DELETE with the cascades of OGC 18-088 §10.4 (req/create-update-delete/delete-entity):
//   Thing → its Datastreams, MultiDatastreams (and their Observations), HistoricalLocations
//   Location → its HistoricalLocations left without any Location
//   Sensor / ObservedProperty → their Datastreams and MultiDatastreams (and Observations)
//   Datastream, MultiDatastream → their Observations;  FeatureOfInterest → its Observations
// The schema's ON DELETE CASCADE does the ones that follow foreign keys (Thing → Datastreams →
// Observations → details, HistoricalLocations, links). What it cannot do is done here first:
// MultiDatastream Observations (linked through observation_details only), MultiDatastreams of
// an ObservedProperty (linked through multi_datastream_members), Observations of a
// FeatureOfInterest (details.feature_id has no cascade; Datastream defaults are SET NULL).
import type { EntityDef } from '../model.js'
import { statement } from '../statements.js'
import { record, type WriteContext } from './context.js'

function deleteMultiDatastreamObservations(w: WriteContext, mdIdsSql: string, id: number): void {
  statement(w.db, `DELETE FROM observations WHERE id IN (SELECT observation_id FROM observation_details WHERE multi_datastream_id IN (${mdIdsSql}))`).run(id)
}

export function deleteEntity(w: WriteContext, e: EntityDef, id: number): void {
  switch (e.name) {
    case 'Thing':
      deleteMultiDatastreamObservations(w, 'SELECT id FROM multi_datastreams WHERE thing_id = ?', id)
      break
    case 'Sensor':
      deleteMultiDatastreamObservations(w, 'SELECT id FROM multi_datastreams WHERE sensor_id = ?', id)
      break
    case 'MultiDatastream':
      deleteMultiDatastreamObservations(w, '?', id)
      break
    case 'ObservedProperty': {
      const mds = 'SELECT multi_datastream_id FROM multi_datastream_members WHERE observed_property_id = ?'
      deleteMultiDatastreamObservations(w, mds, id)
      statement(w.db, `DELETE FROM multi_datastreams WHERE id IN (${mds})`).run(id)
      break
    }
    case 'FeatureOfInterest':
      statement(w.db, 'DELETE FROM observations WHERE id IN (SELECT observation_id FROM observation_details WHERE feature_id = ?)').run(id)
      statement(
        w.db,
        'DELETE FROM observations WHERE datastream_id IN (SELECT id FROM datastreams WHERE feature_id = @id) AND NOT EXISTS (SELECT 1 FROM observation_details d WHERE d.observation_id = observations.id AND d.feature_id IS NOT NULL)',
      ).run({ id })
      break
    case 'Location':
      statement(
        w.db,
        'DELETE FROM historical_locations WHERE id IN (SELECT historical_location_id FROM historical_location_locations GROUP BY historical_location_id HAVING count(*) = 1 AND max(location_id) = ?)',
      ).run(id)
      break
    default:
      break
  }
  statement(w.db, `DELETE FROM ${e.table} WHERE id = ?`).run(id)
  record(w, e.plural, id, 'delete')
}

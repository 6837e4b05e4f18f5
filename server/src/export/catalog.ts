// What a download needs to know about a datastream or a station: names, units, position and the
// citation metadata provisioning put on the Thing (docs/fleet-manifest.md).
import type { Db } from '../store/database.js'
import { ExportError } from './errors.js'

export interface DatastreamInfo {
  id: number
  name: string
  /** TEMP, CNDC, PRES, PSAL, DEPTH, BATT (null for API-created datastreams). */
  quantity: string | null
  unitSymbol: string
  unitName: string
  startMs: number | null
  endMs: number | null
  thingId: number
}

export interface StationInfo {
  thingId: number
  /** station_code, or "thing-<id>" for a Thing created through the API without one. */
  code: string
  name: string
  description: string
  network: string | null
  producer: string | null
  citation: string | null
  doi: string | null
  license: string | null
  depthM: number | null
  latitude: number | null
  longitude: number | null
  datastreams: DatastreamInfo[]
}

interface DatastreamRow {
  id: number
  name: string
  quantity: string | null
  unit_of_measurement: string
  phenomenon_time_start: number | null
  phenomenon_time_end: number | null
  thing_id: number
}

interface ThingRow {
  id: number
  name: string
  description: string
  properties: string | null
  station_code: string | null
}

const DATASTREAM_COLUMNS = 'id, name, quantity, unit_of_measurement, phenomenon_time_start, phenomenon_time_end, thing_id'
// Provisioned quantities first, in the OceanSITES order; anything else after, by id.
const QUANTITY_ORDER = `CASE quantity WHEN 'TEMP' THEN 1 WHEN 'PSAL' THEN 2 WHEN 'CNDC' THEN 3 WHEN 'PRES' THEN 4 WHEN 'DEPTH' THEN 5 WHEN 'BATT' THEN 6 ELSE 7 END, id`

function parseJson(text: string | null): Record<string, unknown> {
  if (!text) return {}
  try {
    const v: unknown = JSON.parse(text)
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)

function toDatastream(r: DatastreamRow): DatastreamInfo {
  const unit = parseJson(r.unit_of_measurement)
  return {
    id: r.id,
    name: r.name,
    quantity: r.quantity,
    unitSymbol: str(unit.symbol) ?? '',
    unitName: str(unit.name) ?? '',
    startMs: r.phenomenon_time_start,
    endMs: r.phenomenon_time_end,
    thingId: r.thing_id,
  }
}

export function findDatastream(db: Db, id: number): DatastreamInfo {
  const row = db.prepare(`SELECT ${DATASTREAM_COLUMNS} FROM datastreams WHERE id = ?`).get(id) as DatastreamRow | undefined
  if (!row) throw new ExportError('EXPORT_DATASTREAM_NOT_FOUND', `no Datastream with id ${id}`)
  return toDatastream(row)
}

/** The latest GeoJSON Point of a Thing, as [longitude, latitude]. */
function thingPosition(db: Db, thingId: number): { latitude: number | null; longitude: number | null } {
  const row = db
    .prepare(`SELECT l.location FROM locations l JOIN thing_locations tl ON tl.location_id = l.id WHERE tl.thing_id = ? ORDER BY l.id DESC LIMIT 1`)
    .get(thingId) as { location: string } | undefined
  const geo = parseJson(row?.location ?? null)
  const c = geo.type === 'Point' && Array.isArray(geo.coordinates) ? geo.coordinates : []
  return { longitude: num(c[0]), latitude: num(c[1]) }
}

function toStation(db: Db, t: ThingRow): StationInfo {
  const p = parseJson(t.properties)
  const datastreams = (db.prepare(`SELECT ${DATASTREAM_COLUMNS} FROM datastreams WHERE thing_id = ? ORDER BY ${QUANTITY_ORDER}`).all(t.id) as DatastreamRow[]).map(toDatastream)
  return {
    thingId: t.id,
    code: t.station_code ?? `thing-${t.id}`,
    name: t.name,
    description: t.description,
    network: str(p.network_name),
    producer: str(p.producer),
    citation: str(p.citation),
    doi: str(p.doi),
    license: str(p.license),
    depthM: num(p.depth_m),
    ...thingPosition(db, t.id),
    datastreams,
  }
}

export function findStation(db: Db, code: string): StationInfo {
  const row = db.prepare('SELECT id, name, description, properties, station_code FROM things WHERE station_code = ?').get(code) as ThingRow | undefined
  if (!row) throw new ExportError('EXPORT_STATION_NOT_FOUND', `no station with code ${JSON.stringify(code)}`)
  return toStation(db, row)
}

export function stationOfThing(db: Db, thingId: number): StationInfo {
  const row = db.prepare('SELECT id, name, description, properties, station_code FROM things WHERE id = ?').get(thingId) as ThingRow
  return toStation(db, row)
}

// Observations go to the lean observations row (Datastream, phenomenonTime, numeric result) and,
// only when they carry more, to observation_details (MultiDatastream, interval end, resultTime,
// non-numeric result, explicit FeatureOfInterest, parameters, validTime, resultQuality).
// Without a FeatureOfInterest, one is derived from the Thing's current Location (req/create-
// update-delete/create-entity, "FeatureOfInterest … generated from the Location"); the Datastream
// remembers it as its default, so a plain observation stays a lean row.
import { StaError } from '../errors.js'
import { entity, type NavigationDef } from '../model.js'
import { statement } from '../statements.js'
import { splitBody } from './body.js'
import { record, type WriteContext } from './context.js'
import { resolveOne } from './create.js'
import { isObject, parseInterval, parseTime } from './values.js'

const OBSERVATION = entity('Observation')

/** Everything an Observation row and its details hold, as stored. */
export interface ObservationRow {
  datastream_id: number | null
  multi_datastream_id: number | null
  phenomenon_time: number
  phenomenon_time_end: number | null
  result: number | null
  result_json: string | null
  result_time: number | null
  age_s: number | null
  valid_time_start: number | null
  valid_time_end: number | null
  parameters: string | null
  feature_id: number | null
  result_quality: string | null
}

interface StreamInfo {
  thingId: number
  defaultFeature: number | null
  members: number | null
}

function streamInfo(w: WriteContext, kind: 'ds' | 'md', id: number): StreamInfo {
  const key = `${kind}:${id}`
  const hit = w.cache.get(key) as StreamInfo | undefined
  if (hit) return hit
  const info: StreamInfo =
    kind === 'ds'
      ? (() => {
          const r = statement(w.db, 'SELECT thing_id, feature_id FROM datastreams WHERE id = ?').get(id) as { thing_id: number; feature_id: number | null }
          return { thingId: r.thing_id, defaultFeature: r.feature_id, members: null }
        })()
      : (() => {
          const r = statement(w.db, 'SELECT thing_id, (SELECT count(*) FROM multi_datastream_members m WHERE m.multi_datastream_id = md.id) AS n FROM multi_datastreams md WHERE id = ?').get(id) as { thing_id: number; n: number }
          return { thingId: r.thing_id, defaultFeature: null, members: r.n }
        })()
  w.cache.set(key, info)
  return info
}

/** The FeatureOfInterest for the Thing's current Location: an existing one with the same
 * geometry (provisioning creates one per station), else a new one copied from the Location. */
function featureFromLocation(w: WriteContext, thingId: number, where: string): number | null {
  const key = `foi:${thingId}`
  if (w.cache.has(key)) return w.cache.get(key) as number | null
  const loc = statement(w.db, 'SELECT l.name, l.description, l.encoding_type, l.location FROM locations l JOIN thing_locations tl ON tl.location_id = l.id WHERE tl.thing_id = ? ORDER BY l.id DESC LIMIT 1').get(thingId) as
    | { name: string; description: string; encoding_type: string; location: string }
    | undefined
  let id: number | null = null
  if (loc) {
    const found = statement(w.db, 'SELECT id FROM features_of_interest WHERE feature = ? AND encoding_type = ? ORDER BY id LIMIT 1').get(loc.location, loc.encoding_type) as { id: number } | undefined
    if (found) id = found.id
    else {
      id = Number(statement(w.db, 'INSERT INTO features_of_interest (name, description, encoding_type, feature) VALUES (?, ?, ?, ?)').run(loc.name, loc.description, loc.encoding_type, loc.location).lastInsertRowid)
      record(w, 'FeaturesOfInterest', id, 'create')
    }
  }
  void where
  w.cache.set(key, id)
  return id
}

/** Feature id to store in details (null: the Datastream's default applies). */
function featureToStore(w: WriteContext, row: ObservationRow, explicit: number | null, where: string): number | null {
  const info = row.datastream_id !== null ? streamInfo(w, 'ds', row.datastream_id) : streamInfo(w, 'md', row.multi_datastream_id!)
  const feature = explicit ?? featureFromLocation(w, info.thingId, where) ?? info.defaultFeature
  if (feature === null) throw new StaError('STA_NO_FEATURE_OF_INTEREST', `${where}: no FeatureOfInterest given and the Thing has no Location to derive one from`)
  if (row.datastream_id !== null && info.defaultFeature === null) {
    statement(w.db, 'UPDATE datastreams SET feature_id = ? WHERE id = ?').run(feature, row.datastream_id)
    info.defaultFeature = feature
  }
  return row.datastream_id !== null && feature === info.defaultFeature ? null : feature
}

function setResult(row: ObservationRow, v: unknown, where: string): void {
  if (v === undefined) throw new StaError('STA_MISSING_PROPERTY', `${where}: the mandatory property 'result' of Observation is missing`)
  if (typeof v === 'number' && Number.isFinite(v)) {
    row.result = v
    row.result_json = null
  } else {
    row.result = null
    row.result_json = JSON.stringify(v)
  }
}

/** Applies body properties to a row (create: onto an empty row; update: onto the stored one). */
function applyProperties(row: ObservationRow, props: Map<string, unknown>, where: string, now: number, replace: boolean): void {
  const has = (k: string) => props.has(k)
  if (has('phenomenonTime') || replace) {
    const v = props.get('phenomenonTime')
    ;[row.phenomenon_time, row.phenomenon_time_end] = v === undefined || v === null ? [now, null] : parseInterval(v, `${where}.phenomenonTime`, true)
  }
  if (has('result')) setResult(row, props.get('result'), where)
  if (has('resultTime') || replace) {
    const v = props.get('resultTime')
    row.result_time = v === undefined || v === null ? null : parseTime(v, `${where}.resultTime`)
    row.age_s = null // an explicit resultTime replaces the one computed from the sample's age
  }
  if (has('validTime') || replace) {
    const v = props.get('validTime')
    ;[row.valid_time_start, row.valid_time_end] = v === undefined || v === null ? [null, null] : parseInterval(v, `${where}.validTime`, false)
  }
  if (has('parameters') || replace) {
    const v = props.get('parameters')
    if (v !== undefined && v !== null && !isObject(v)) throw new StaError('STA_BAD_VALUE', `${where}.parameters: expected an object`)
    row.parameters = v === undefined || v === null ? null : JSON.stringify(v)
  }
  if (has('resultQuality') || replace) {
    const v = props.get('resultQuality')
    row.result_quality = v === undefined || v === null ? null : JSON.stringify(v)
  }
}

function checkStream(w: WriteContext, row: ObservationRow, where: string): void {
  if ((row.datastream_id === null) === (row.multi_datastream_id === null)) {
    throw new StaError('STA_MISSING_PROPERTY', `${where}: an Observation belongs to exactly one Datastream or MultiDatastream`)
  }
  if (row.multi_datastream_id !== null) {
    const n = streamInfo(w, 'md', row.multi_datastream_id).members
    const r = row.result_json === null ? null : (JSON.parse(row.result_json) as unknown)
    if (!Array.isArray(r) || r.length !== n) throw new StaError('STA_BAD_VALUE', `${where}.result: a MultiDatastream Observation's result is an array of ${n} values (req/multi-datastream/constraints)`)
  }
}

const DETAIL_COLUMNS = ['multi_datastream_id', 'phenomenon_time_end', 'result_time', 'result_json', 'feature_id', 'parameters', 'valid_time_start', 'valid_time_end', 'result_quality'] as const

function storeDetails(w: WriteContext, id: number, row: ObservationRow, feature: number | null): void {
  const d: Record<string, unknown> = { observation_id: id, ...Object.fromEntries(DETAIL_COLUMNS.map((c) => [c, row[c] ?? null])), feature_id: feature }
  const needed = DETAIL_COLUMNS.some((c) => d[c] !== null)
  if (needed) statement(w.db, `INSERT OR REPLACE INTO observation_details (observation_id, ${DETAIL_COLUMNS.join(', ')}) VALUES (@observation_id, ${DETAIL_COLUMNS.map((c) => `@${c}`).join(', ')})`).run(d)
  else statement(w.db, 'DELETE FROM observation_details WHERE observation_id = ?').run(id)
}

/** Datastream phenomenonTime/resultTime ranges grow with each written Observation. */
function extendRanges(w: WriteContext, row: ObservationRow): void {
  const table = row.datastream_id !== null ? 'datastreams' : 'multi_datastreams'
  const id = row.datastream_id ?? row.multi_datastream_id
  const end = row.phenomenon_time_end ?? row.phenomenon_time
  const rt = row.result_time ?? (row.age_s === null ? null : row.phenomenon_time + row.age_s * 1000)
  statement(
    w.db,
    `UPDATE ${table} SET phenomenon_time_start = min(coalesce(phenomenon_time_start, @s), @s), phenomenon_time_end = max(coalesce(phenomenon_time_end, @e), @e),
       result_time_start = CASE WHEN @r IS NULL THEN result_time_start ELSE min(coalesce(result_time_start, @r), @r) END,
       result_time_end = CASE WHEN @r IS NULL THEN result_time_end ELSE max(coalesce(result_time_end, @r), @r) END WHERE id = @id`,
  ).run({ s: row.phenomenon_time, e: end, r: rt, id })
}

function streamsAndFeature(w: WriteContext, row: ObservationRow, navs: Map<NavigationDef, unknown>, where: string, linkOnly: boolean): number | null {
  let explicitFeature: number | null = null
  for (const [n, v] of navs) {
    if (linkOnly && !(isObject(v) && '@iot.id' in v)) throw new StaError('STA_BAD_ENTITY', `${where}/${n.name}: an update links existing entities by {"@iot.id": n}`)
    const id = resolveOne(w, n, v, where)
    if (n.name === 'Datastream') [row.datastream_id, row.multi_datastream_id] = [id, null]
    else if (n.name === 'MultiDatastream') [row.multi_datastream_id, row.datastream_id] = [id, null]
    else explicitFeature = id
  }
  return explicitFeature
}

const nameMap = (m: Map<{ name: string }, unknown>) => new Map([...m].map(([k, v]) => [k.name, v]))

export function createObservation(w: WriteContext, body: Record<string, unknown>, where: string): number {
  const { props, navs } = splitBody(OBSERVATION, body, where)
  if ([...navs.keys()].some((n) => n.name === 'Datastream') && [...navs.keys()].some((n) => n.name === 'MultiDatastream')) {
    throw new StaError('STA_BAD_ENTITY', `${where}: an Observation belongs to a Datastream or a MultiDatastream, not both`)
  }
  const row: ObservationRow = { datastream_id: null, multi_datastream_id: null, phenomenon_time: w.now, phenomenon_time_end: null, result: null, result_json: null, result_time: null, age_s: null, valid_time_start: null, valid_time_end: null, parameters: null, feature_id: null, result_quality: null }
  const named = nameMap(props)
  if (!named.has('result')) throw new StaError('STA_MISSING_PROPERTY', `${where}: the mandatory property 'result' of Observation is missing`)
  applyProperties(row, named, where, w.now, false)
  const explicit = streamsAndFeature(w, row, navs, where, false)
  checkStream(w, row, where)
  const feature = featureToStore(w, row, explicit, where)
  const id = Number(statement(w.db, 'INSERT INTO observations (datastream_id, phenomenon_time, result) VALUES (?, ?, ?)').run(row.datastream_id, row.phenomenon_time, row.result).lastInsertRowid)
  storeDetails(w, id, row, feature)
  extendRanges(w, row)
  record(w, 'Observations', id, 'create')
  return id
}

export function updateObservation(w: WriteContext, id: number, body: Record<string, unknown>, where: string, replace: boolean): void {
  const { props, navs } = splitBody(OBSERVATION, body, where)
  const row = statement(
    w.db,
    `SELECT o.datastream_id, d.multi_datastream_id, o.phenomenon_time, d.phenomenon_time_end, o.result, d.result_json, d.result_time, o.age_s,
            d.valid_time_start, d.valid_time_end, d.parameters, d.feature_id, d.result_quality
       FROM observations o LEFT JOIN observation_details d ON d.observation_id = o.id WHERE o.id = ?`,
  ).get(id) as ObservationRow
  const named = nameMap(props)
  if (replace && !named.has('result')) throw new StaError('STA_MISSING_PROPERTY', `${where}: the mandatory property 'result' of Observation is missing`)
  applyProperties(row, named, where, w.now, replace)
  // PATCH merges: a Datastream (or MultiDatastream) link added to an Observation of the other
  // kind would give it both (ets-sta10 MultiDatastreamTests.testIncorrectObservation: a 400).
  // PUT replaces the entity, so there the link given is the one kept.
  const linked = new Set([...navs.keys()].map((n) => n.name))
  if (linked.has('Datastream') && linked.has('MultiDatastream')) throw new StaError('STA_BAD_ENTITY', `${where}: an Observation belongs to a Datastream or a MultiDatastream, not both`)
  if (!replace && ((linked.has('MultiDatastream') && row.datastream_id !== null) || (linked.has('Datastream') && row.multi_datastream_id !== null))) {
    throw new StaError('STA_BAD_VALUE', `${where}: the Observation belongs to a ${row.datastream_id !== null ? 'Datastream' : 'MultiDatastream'}; it cannot also have a ${row.datastream_id !== null ? 'MultiDatastream' : 'Datastream'}`)
  }
  const explicit = streamsAndFeature(w, row, navs, where, true)
  checkStream(w, row, where)
  const feature = explicit !== null ? featureToStore(w, row, explicit, where) : row.feature_id
  statement(w.db, 'UPDATE observations SET datastream_id = ?, phenomenon_time = ?, result = ?, age_s = ? WHERE id = ?').run(row.datastream_id, row.phenomenon_time, row.result, row.age_s, id)
  storeDetails(w, id, row, feature)
  extendRanges(w, row)
  record(w, 'Observations', id, 'update')
}

// The SensorThings entity model, described once, as data (after FROST-Server's entity JSON):
// each entity's set name, table, properties (type, SQL read for serialisation, SQL used by
// $filter/$orderby) and navigation properties (target, inverse, how the tables join). Routing,
// $select/$expand validation, $filter compilation and serialisation all read this table.
//
// SQL expressions are written over the placeholder alias `{a}` (the entity's table) and `{a}d`
// (Observations' observation_details, LEFT JOINed on its primary key: SQLite drops the join
// when a query does not use it, so lean Observation reads stay on the observations index).
// Writes (write/*.ts) use `column` (the writable column, where there is one) and `required`.

export type EntityName =
  | 'Thing'
  | 'Location'
  | 'HistoricalLocation'
  | 'Sensor'
  | 'ObservedProperty'
  | 'Datastream'
  | 'MultiDatastream'
  | 'FeatureOfInterest'
  | 'Observation'

/** How a property's stored columns become its JSON value. */
export type PropertyKind =
  | 'id'
  | 'string'
  | 'json' // JSON text → object
  | 'jsonOrString' // JSON text when it parses as an object/array, else the string itself
  | 'time' // epoch ms → ISO 8601
  | 'resultTime' // [stored ms, phenomenonTime ms, age s] → ISO 8601 of the stored time, else phenomenonTime + age
  | 'interval' // [start ms, end ms] → "start/end"
  | 'timeOrInterval' // [start ms, end ms|null] → "start" or "start/end"
  | 'geometry' // GeoJSON text → object
  | 'result' // [REAL result, JSON result] → number or parsed JSON
  | 'qc' // packed QARTOD flags → {"aggregate":1,…}
  | 'parameters' // [raw, calibration record key, gateway receptions JSON, details JSON] → object

/** The type $filter sees. */
export type ValueType = 'number' | 'string' | 'boolean' | 'datetime' | 'interval' | 'duration' | 'geometry' | 'json' | 'null'

export interface PropertyDef {
  name: string
  kind: PropertyKind
  /** SQL read for serialisation (one or more expressions, decoded together by `kind`). */
  read: string[]
  /** SQL for $filter/$orderby: one expression, or [start, end] for intervals. */
  filter: string[]
  type: ValueType
  /** JSON properties that accept deep paths (`properties/a/b`). */
  deep?: boolean
  /** Never NULL: usable as a keyset paging key. */
  notNull?: boolean
  /** The writable column, for the create/update pass. */
  column?: string
}

export type Join =
  /** The source row holds the target id (an expression over the source alias). */
  | { kind: 'fkOnSource'; sql: string }
  /** The target row holds the source id (an expression over the target alias). */
  | { kind: 'fkOnTarget'; sql: string }
  /** A link table. */
  /** A link table; `order`: a column numbering each source's targets (their order, duplicates
   * allowed: a MultiDatastream's ObservedProperties, req/multi-datastream). */
  | { kind: 'link'; table: string; sourceColumn: string; targetColumn: string; order?: string }

export interface NavigationDef {
  name: string
  target: EntityName
  many: boolean
  inverse: string
  join: Join
}

export interface EntityDef {
  name: EntityName
  plural: string
  table: string
  /** FROM clause over the alias placeholder. */
  from: string
  properties: PropertyDef[]
  navigation: NavigationDef[]
  /** Order used when $orderby is absent (the id is always appended as a tie-breaker). */
  defaultOrder: { property: string; desc: boolean }[]
  /** Properties and navigation properties a create must give (OGC 18-088 §8.2 tables). */
  required: string[]
}

const prop = (name: string, kind: PropertyKind, sql: string, type: ValueType, extra: Partial<PropertyDef> = {}): PropertyDef => ({
  name,
  kind,
  read: [sql],
  filter: [sql],
  type,
  column: /^\{a\}\.\w+$/.test(sql) ? sql.slice(4) : undefined,
  ...extra,
})
const id = () => prop('id', 'id', '{a}.id', 'number', { notNull: true })
const str = (name: string, column: string) => prop(name, 'string', `{a}.${column}`, 'string', { notNull: true })
const json = (name: string, column: string) => prop(name, 'json', `{a}.${column}`, 'json', { deep: true })
const interval = (name: string, start: string, end: string): PropertyDef => ({
  name,
  kind: 'interval',
  read: [start, end],
  filter: [start, end],
  type: 'interval',
})

const fkSource = (sql: string): Join => ({ kind: 'fkOnSource', sql })
const fkTarget = (sql: string): Join => ({ kind: 'fkOnTarget', sql })
const link = (table: string, sourceColumn: string, targetColumn: string, order?: string): Join => ({ kind: 'link', table, sourceColumn, targetColumn, ...(order ? { order } : {}) })
const nav = (name: string, target: EntityName, many: boolean, inverse: string, join: Join): NavigationDef => ({ name, target, many, inverse, join })

const byId = [{ property: 'id', desc: false }]

// Observation values that live outside the lean observations row.
const OBS_RESULT_TIME = 'COALESCE({a}d.result_time, {a}.phenomenon_time + {a}.age_s * 1000)'
const OBS_PARAMETERS = [
  '{a}.raw',
  '(SELECT c.record_key FROM calibrations c WHERE c.id = {a}.calibration_id)',
  '(SELECT u.receptions FROM uplinks u WHERE u.id = {a}.uplink_id)',
  '{a}d.parameters',
]
const OBS_FEATURE = 'COALESCE({a}d.feature_id, (SELECT ds.feature_id FROM datastreams ds WHERE ds.id = {a}.datastream_id))'

// observedArea (OGC 18-088 §8.2.5): the envelope (geo.ts `envelope`) of the features of interest
// of the Datastream's Observations — its default feature, plus the other features in details
// (read only when datastreams_with_details lists it, details first: CROSS JOIN fixes the loop
// order) — or, with none, of its Thing's Locations. A Point for a fixed station.
const AREA_OF_LOCATIONS = '(SELECT json_group_array(oal.location) FROM thing_locations oatl JOIN locations oal ON oal.id = oatl.location_id WHERE oatl.thing_id = {a}.thing_id HAVING count(*) > 0)'
// Without details rows (the common case) it is one primary-key probe for the default feature;
// with them, probes by id too (an OR of both cases in one WHERE made SQLite scan
// features_of_interest for every Datastream).
const DATASTREAM_AREA =
  'sta_envelope(COALESCE(CASE WHEN EXISTS (SELECT 1 FROM datastreams_with_details oaw WHERE oaw.datastream_id = {a}.id)' +
  ' THEN (SELECT json_group_array(oaf.feature) FROM features_of_interest oaf WHERE oaf.id IN (SELECT {a}.feature_id' +
  ' UNION ALL SELECT oad.feature_id FROM observation_details oad CROSS JOIN observations oao' +
  ' WHERE oao.id = oad.observation_id AND oao.datastream_id = {a}.id AND oad.feature_id IS NOT NULL) HAVING count(*) > 0)' +
  ' ELSE (SELECT json_array(oaf.feature) FROM features_of_interest oaf WHERE oaf.id = {a}.feature_id) END, ' +
  AREA_OF_LOCATIONS +
  '))'
const MULTI_DATASTREAM_AREA =
  'sta_envelope(COALESCE((SELECT json_group_array(oaf.feature) FROM features_of_interest oaf WHERE oaf.id IN (SELECT oad.feature_id FROM observation_details oad' +
  ' WHERE oad.multi_datastream_id = {a}.id AND oad.feature_id IS NOT NULL) HAVING count(*) > 0), ' +
  AREA_OF_LOCATIONS +
  '))'

export const ENTITIES: EntityDef[] = [
  {
    name: 'Thing',
    plural: 'Things',
    table: 'things',
    from: 'things {a}',
    properties: [id(), str('name', 'name'), str('description', 'description'), json('properties', 'properties')],
    navigation: [
      nav('Locations', 'Location', true, 'Things', link('thing_locations', 'thing_id', 'location_id')),
      nav('HistoricalLocations', 'HistoricalLocation', true, 'Thing', fkTarget('{a}.thing_id')),
      nav('Datastreams', 'Datastream', true, 'Thing', fkTarget('{a}.thing_id')),
      nav('MultiDatastreams', 'MultiDatastream', true, 'Thing', fkTarget('{a}.thing_id')),
    ],
    defaultOrder: byId,
    required: ['name', 'description'],
  },
  {
    name: 'Location',
    plural: 'Locations',
    table: 'locations',
    from: 'locations {a}',
    properties: [
      id(),
      str('name', 'name'),
      str('description', 'description'),
      str('encodingType', 'encoding_type'),
      prop('location', 'geometry', '{a}.location', 'geometry', { notNull: true }),
      json('properties', 'properties'),
    ],
    navigation: [
      nav('Things', 'Thing', true, 'Locations', link('thing_locations', 'location_id', 'thing_id')),
      nav('HistoricalLocations', 'HistoricalLocation', true, 'Locations', link('historical_location_locations', 'location_id', 'historical_location_id')),
    ],
    defaultOrder: byId,
    required: ['name', 'description', 'encodingType', 'location'],
  },
  {
    name: 'HistoricalLocation',
    plural: 'HistoricalLocations',
    table: 'historical_locations',
    from: 'historical_locations {a}',
    properties: [id(), prop('time', 'time', '{a}.time', 'datetime', { notNull: true })],
    navigation: [
      nav('Thing', 'Thing', false, 'HistoricalLocations', fkSource('{a}.thing_id')),
      nav('Locations', 'Location', true, 'HistoricalLocations', link('historical_location_locations', 'historical_location_id', 'location_id')),
    ],
    defaultOrder: byId,
    required: ['time', 'Thing'],
  },
  {
    name: 'Sensor',
    plural: 'Sensors',
    table: 'sensors',
    from: 'sensors {a}',
    properties: [
      id(),
      str('name', 'name'),
      str('description', 'description'),
      str('encodingType', 'encoding_type'),
      prop('metadata', 'jsonOrString', '{a}.metadata', 'json', { deep: true }),
      json('properties', 'properties'),
    ],
    navigation: [
      nav('Datastreams', 'Datastream', true, 'Sensor', fkTarget('{a}.sensor_id')),
      nav('MultiDatastreams', 'MultiDatastream', true, 'Sensor', fkTarget('{a}.sensor_id')),
    ],
    defaultOrder: byId,
    required: ['name', 'description', 'encodingType', 'metadata'],
  },
  {
    name: 'ObservedProperty',
    plural: 'ObservedProperties',
    table: 'observed_properties',
    from: 'observed_properties {a}',
    properties: [id(), str('name', 'name'), str('definition', 'definition'), str('description', 'description'), json('properties', 'properties')],
    navigation: [
      nav('Datastreams', 'Datastream', true, 'ObservedProperty', fkTarget('{a}.observed_property_id')),
      nav('MultiDatastreams', 'MultiDatastream', true, 'ObservedProperties', link('multi_datastream_members', 'observed_property_id', 'multi_datastream_id')),
    ],
    defaultOrder: byId,
    required: ['name', 'definition', 'description'],
  },
  {
    name: 'Datastream',
    plural: 'Datastreams',
    table: 'datastreams',
    from: 'datastreams {a}',
    properties: [
      id(),
      str('name', 'name'),
      str('description', 'description'),
      json('unitOfMeasurement', 'unit_of_measurement'),
      str('observationType', 'observation_type'),
      prop('observedArea', 'geometry', DATASTREAM_AREA, 'geometry'),
      interval('phenomenonTime', '{a}.phenomenon_time_start', '{a}.phenomenon_time_end'),
      interval('resultTime', '{a}.result_time_start', '{a}.result_time_end'),
      json('properties', 'properties'),
    ],
    navigation: [
      nav('Thing', 'Thing', false, 'Datastreams', fkSource('{a}.thing_id')),
      nav('Sensor', 'Sensor', false, 'Datastreams', fkSource('{a}.sensor_id')),
      nav('ObservedProperty', 'ObservedProperty', false, 'Datastreams', fkSource('{a}.observed_property_id')),
      nav('Observations', 'Observation', true, 'Datastream', fkTarget('{a}.datastream_id')),
    ],
    defaultOrder: byId,
    required: ['name', 'description', 'unitOfMeasurement', 'observationType', 'Thing', 'Sensor', 'ObservedProperty'],
  },
  {
    name: 'MultiDatastream',
    plural: 'MultiDatastreams',
    table: 'multi_datastreams',
    from: 'multi_datastreams {a}',
    properties: [
      id(),
      str('name', 'name'),
      str('description', 'description'),
      json('unitOfMeasurements', 'unit_of_measurements'),
      str('observationType', 'observation_type'),
      json('multiObservationDataTypes', 'multi_observation_data_types'),
      prop('observedArea', 'geometry', MULTI_DATASTREAM_AREA, 'geometry'),
      interval('phenomenonTime', '{a}.phenomenon_time_start', '{a}.phenomenon_time_end'),
      interval('resultTime', '{a}.result_time_start', '{a}.result_time_end'),
      json('properties', 'properties'),
    ],
    navigation: [
      nav('Thing', 'Thing', false, 'MultiDatastreams', fkSource('{a}.thing_id')),
      nav('Sensor', 'Sensor', false, 'MultiDatastreams', fkSource('{a}.sensor_id')),
      nav('ObservedProperties', 'ObservedProperty', true, 'MultiDatastreams', link('multi_datastream_members', 'multi_datastream_id', 'observed_property_id', 'position')),
      nav('Observations', 'Observation', true, 'MultiDatastream', fkTarget('{a}d.multi_datastream_id')),
    ],
    defaultOrder: byId,
    required: ['name', 'description', 'unitOfMeasurements', 'observationType', 'multiObservationDataTypes', 'Thing', 'Sensor', 'ObservedProperties'],
  },
  {
    name: 'FeatureOfInterest',
    plural: 'FeaturesOfInterest',
    table: 'features_of_interest',
    from: 'features_of_interest {a}',
    properties: [
      id(),
      str('name', 'name'),
      str('description', 'description'),
      str('encodingType', 'encoding_type'),
      prop('feature', 'geometry', '{a}.feature', 'geometry', { notNull: true }),
      json('properties', 'properties'),
    ],
    navigation: [nav('Observations', 'Observation', true, 'FeatureOfInterest', fkTarget(OBS_FEATURE))],
    defaultOrder: byId,
    required: ['name', 'description', 'encodingType', 'feature'],
  },
  {
    name: 'Observation',
    plural: 'Observations',
    table: 'observations',
    from: 'observations {a} LEFT JOIN observation_details {a}d ON {a}d.observation_id = {a}.id',
    properties: [
      id(),
      {
        name: 'phenomenonTime',
        kind: 'timeOrInterval',
        read: ['{a}.phenomenon_time', '{a}d.phenomenon_time_end'],
        // Start, then end: comparisons keep a condition on the bare start so the
        // (datastream_id, phenomenon_time) index serves time ranges.
        filter: ['{a}.phenomenon_time', 'COALESCE({a}d.phenomenon_time_end, {a}.phenomenon_time)'],
        type: 'interval',
        notNull: true,
        column: 'phenomenon_time',
      },
      {
        name: 'result',
        kind: 'result',
        read: ['{a}.result', '{a}d.result_json'],
        filter: [
          // A JSON result (MultiDatastream arrays, objects) never compares as a scalar.
          "COALESCE({a}.result, iif(json_type({a}d.result_json) IN ('array', 'object'), NULL, json_extract({a}d.result_json, '$')))",
        ],
        type: 'json',
      },
      // Read as its columns and added up in JavaScript (decode.ts resultTimeMs, the same
      // arithmetic as the SQL): a lean row then holds what the raw read does (id, times, result,
      // age) and no computed double (one column and one JavaScript number less per row).
      { name: 'resultTime', kind: 'resultTime', read: ['{a}d.result_time', '{a}.phenomenon_time', '{a}.age_s'], filter: [OBS_RESULT_TIME], type: 'datetime' },
      // Packed QARTOD flags for ingested rows, else what an API client sent.
      { name: 'resultQuality', kind: 'qc', read: ['{a}.qc', '{a}d.result_quality'], filter: ['COALESCE(sta_qc({a}.qc), {a}d.result_quality)'], type: 'json', deep: true },
      interval('validTime', '{a}d.valid_time_start', '{a}d.valid_time_end'),
      { name: 'parameters', kind: 'parameters', read: OBS_PARAMETERS, filter: [`sta_parameters(${OBS_PARAMETERS.join(', ')})`], type: 'json', deep: true },
    ],
    navigation: [
      nav('Datastream', 'Datastream', false, 'Observations', fkSource('{a}.datastream_id')),
      nav('MultiDatastream', 'MultiDatastream', false, 'Observations', fkSource('{a}d.multi_datastream_id')),
      nav('FeatureOfInterest', 'FeatureOfInterest', false, 'Observations', fkSource(OBS_FEATURE)),
    ],
    // Time order, served by the (datastream_id, phenomenon_time) index (rowid breaks ties).
    defaultOrder: [{ property: 'phenomenonTime', desc: false }],
    required: ['result'],
  },
]

export const ENTITY_BY_NAME = new Map<EntityName, EntityDef>(ENTITIES.map((e) => [e.name, e]))
export const ENTITY_BY_PLURAL = new Map<string, EntityDef>(ENTITIES.map((e) => [e.plural, e]))

export function entity(name: EntityName): EntityDef {
  return ENTITY_BY_NAME.get(name)!
}

export function findProperty(e: EntityDef, name: string): PropertyDef | undefined {
  if (name === '@iot.id') name = 'id'
  return e.properties.find((p) => p.name === name)
}

export function findNavigation(e: EntityDef, name: string): NavigationDef | undefined {
  return e.navigation.find((n) => n.name === name)
}

/** Substitutes the alias placeholder in a model SQL expression. */
export function sqlFor(expr: string, alias: string): string {
  return expr.replaceAll('{a}', alias)
}

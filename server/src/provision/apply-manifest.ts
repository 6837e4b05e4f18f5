// `reeflink provision`: applies a validated fleet manifest to the store in one transaction,
// idempotently. It creates the SensorThings entities the API serves: per station a Thing, its
// Location (a HistoricalLocation when it moves) and FeatureOfInterest; a Sensor per physical
// instrument (with its calibration metadata); ObservedProperties; a Datastream per station ×
// quantity; a MultiDatastream per station instrument; plus devices, channels, calibrations and
// QC configurations. Device keys are stored, never reported.
import { DEEP_WATER_QC, REEF_LAGOON_QC, type CalibrationRecord, type DatastreamQcConfig, type QcVariable } from '../science/index.js'
import type { Db } from '../store/database.js'
import { decryptDeviceKey, encryptDeviceKey, kekFromEnv, sealDeviceKeys, type KeyFormat } from '../store/key-encryption.js'
import type { DeviceSpec, FleetManifest, SensorSpec, StationSpec } from './manifest.js'
import { CHANNELS, type Channel } from './manifest-schema.js'
import { canonicalJson, changeLog, upsert, type ChangeLog } from './upsert.js'
import { CHANNEL_QUANTITY, MEASUREMENT_OBSERVATION_TYPE, QUANTITIES, type QuantityCode } from './vocabulary.js'

export interface ProvisionSummary {
  changes: Record<string, { created: number; updated: number; unchanged: number }>
  stations: number
  devices: number
}

const QC_VARIABLE: Partial<Record<QuantityCode, QcVariable>> = { TEMP: 'temperature', PSAL: 'salinity', PRES: 'pressure' }

function json(v: unknown): string {
  return canonicalJson(v)
}

function provisionObservedProperties(db: Db, log: ChangeLog): Record<QuantityCode, number> {
  const ids = {} as Record<QuantityCode, number>
  for (const q of Object.values(QUANTITIES)) {
    ids[q.code] = upsert(db, log, 'observed_properties', { code: q.code }, {
      name: q.name,
      definition: q.definition,
      description: q.description,
      properties: json({ cf_standard_name: q.standardName, oceansites_code: q.code }),
    })
  }
  return ids
}

function provisionStation(db: Db, log: ChangeLog, m: FleetManifest, s: StationSpec, now: number): { thingId: number; featureId: number } {
  const network = s.network ?? m.network?.name ?? ''
  const thingId = upsert(db, log, 'things', { station_code: s.code }, {
    name: s.name,
    description: s.description ?? `${network ? network + ' ' : ''}station ${s.code}`,
    properties: json({
      station_code: s.code,
      network_name: network,
      producer: s.producer ?? m.network?.producer ?? '',
      depth_m: s.depthM,
      citation: s.citation ?? '',
      doi: s.doi ?? '',
      license: s.license ?? m.network?.license ?? '',
    }),
  })
  const point = json({ type: 'Point', coordinates: [s.longitude, s.latitude] })
  const current = db
    .prepare('SELECT l.id, l.location FROM locations l JOIN thing_locations tl ON tl.location_id = l.id WHERE tl.thing_id = ?')
    .get(thingId) as { id: number; location: string } | undefined
  if (!current || current.location !== point) {
    // A new position is a new Location; SensorThings keeps the trail as HistoricalLocations.
    const locationId = Number(
      db.prepare('INSERT INTO locations (name, description, location) VALUES (?, ?, ?)').run(`${s.code} position`, `Position of station ${s.code}`, point).lastInsertRowid,
    )
    db.prepare('DELETE FROM thing_locations WHERE thing_id = ?').run(thingId)
    db.prepare('INSERT INTO thing_locations (thing_id, location_id) VALUES (?, ?)').run(thingId, locationId)
    const hl = Number(db.prepare('INSERT INTO historical_locations (thing_id, time) VALUES (?, ?)').run(thingId, now).lastInsertRowid)
    db.prepare('INSERT INTO historical_location_locations (historical_location_id, location_id) VALUES (?, ?)').run(hl, locationId)
    log.record('locations', current ? 'updated' : 'created')
  } else {
    log.record('locations', 'unchanged')
  }
  const existingFeature = db.prepare("SELECT id FROM features_of_interest WHERE json_extract(properties, '$.station_code') = ?").get(s.code) as
    | { id: number }
    | undefined
  let featureId: number
  const featureFields = { name: `${s.code} water column`, description: `Sea water at station ${s.code}`, feature: point, properties: json({ station_code: s.code }) }
  if (existingFeature) featureId = upsert(db, log, 'features_of_interest', { id: existingFeature.id }, featureFields)
  else featureId = upsert(db, log, 'features_of_interest', { name: featureFields.name, feature: point }, featureFields)
  return { thingId, featureId }
}

function provisionSensor(db: Db, log: ChangeLog, sensor: SensorSpec, records: CalibrationRecord[]): number {
  const calibrations = records
    .filter((r) => r.sensor.sensorType === sensor.type && r.sensor.serialNumber === sensor.serial)
    .map((r) => ({ id: r.id, validFrom: new Date(r.validFrom).toISOString(), validUntil: r.validUntil === null ? null : new Date(r.validUntil).toISOString(), model: r.model.kind, unit: r.unit, provenance: r.provenance }))
  return upsert(db, log, 'sensors', { sensor_type: sensor.type, serial_number: sensor.serial }, {
    name: `${sensor.type} ${sensor.serial}`,
    description: [sensor.manufacturer, sensor.model, sensor.type].filter(Boolean).join(' '),
    encoding_type: 'application/json',
    metadata: json({ calibrations }),
    properties: json({ sensor_type: sensor.type, serial_number: sensor.serial, manufacturer: sensor.manufacturer ?? '', model: sensor.model ?? '' }),
  })
}

function qcConfigFor(m: FleetManifest, station: StationSpec, q: QuantityCode): DatastreamQcConfig | null {
  const override = m.qc?.find((x) => x.station === station.code && x.quantity === q)
  if (override) return override.config
  const variable = QC_VARIABLE[q]
  if (!variable) return null
  return (station.qcProfile === 'deep-water' ? DEEP_WATER_QC : REEF_LAGOON_QC)[variable]
}

function provisionDevice(
  db: Db,
  log: ChangeLog,
  m: FleetManifest,
  d: DeviceSpec,
  station: StationSpec,
  ids: { thingId: number; featureId: number; observedProperties: Record<QuantityCode, number> },
  records: CalibrationRecord[],
  kek: Buffer | null,
): void {
  const devEui = d.devEui.toLowerCase()
  // Keys encrypted at rest when a key-encryption key is configured (store/key-encryption.ts).
  const storedKeys = db.prepare('SELECT key_format, nwk_s_key, app_s_key FROM devices WHERE dev_eui = ?').get(devEui) as
    | { key_format: string; nwk_s_key: Buffer | null; app_s_key: Buffer | null }
    | undefined
  const keys = sealDeviceKeys(kek, devEui, { nwk_s_key: d.abp ? Buffer.from(d.abp.nwkSKey, 'hex') : null, app_s_key: d.abp ? Buffer.from(d.abp.appSKey, 'hex') : null }, storedKeys)
  // An OTAA device's session (DevAddr, session keys) is what its last join made: provisioning
  // leaves it alone, except when the device was not OTAA before (an old ABP session is dropped).
  const wasOtaa = otaaDeviceRow(db, devEui) !== undefined
  const session: Record<string, Buffer | string | null> = d.otaa && wasOtaa ? {} : { dev_addr: d.abp ? d.abp.devAddr.toLowerCase() : null, nwk_s_key: keys.nwk_s_key, app_s_key: keys.app_s_key, key_format: keys.key_format }
  const deviceId = upsert(db, log, 'devices', { dev_eui: devEui }, {
    name: d.name ?? devEui,
    thing_id: ids.thingId,
    // 'abp' for OTAA too: reeflink holds the session (migration 5, docs/otaa.md).
    activation: d.abp || d.otaa ? 'abp' : 'network-server',
    ...session,
    network_device_id: d.networkServer?.deviceId ?? null,
    relaxed_fcnt: d.abp?.relaxedFCnt ? 1 : 0,
  })
  provisionOtaa(db, log, deviceId, devEui, d.otaa, kek)
  // The buoy's own electronics are the Sensor of its battery series (unless a battery sensor is named).
  const buoySensorId = provisionSensor(db, log, { type: 'reeflink-buoy', serial: devEui, model: d.name }, records)
  const sensorIds: Partial<Record<Channel, number>> = {}
  for (const channel of CHANNELS) {
    const spec = d.sensors[channel]
    if (spec) sensorIds[channel] = provisionSensor(db, log, spec, records)
  }
  sensorIds.battery ??= buoySensorId

  const datastreams: { quantity: QuantityCode; sensorId: number; channel?: Channel }[] = []
  for (const channel of ['temperature', 'conductivity', 'pressure'] as const) {
    if (sensorIds[channel] && d.sensors[channel]) datastreams.push({ quantity: CHANNEL_QUANTITY[channel], sensorId: sensorIds[channel]!, channel })
  }
  if (d.sensors.temperature && d.sensors.conductivity) datastreams.push({ quantity: 'PSAL', sensorId: sensorIds.conductivity! })
  if (d.sensors.pressure) datastreams.push({ quantity: 'DEPTH', sensorId: sensorIds.pressure! })
  datastreams.push({ quantity: 'BATT', sensorId: sensorIds.battery!, channel: 'battery' })

  const datastreamIds: Partial<Record<QuantityCode, number>> = {}
  for (const ds of datastreams) {
    const q = QUANTITIES[ds.quantity]
    const id = upsert(db, log, 'datastreams', { thing_id: ids.thingId, quantity: ds.quantity }, {
      name: `${station.code} ${q.name.toLowerCase()}`,
      description: `${q.name} at station ${station.code} (${station.depthM} m)`,
      observation_type: MEASUREMENT_OBSERVATION_TYPE,
      unit_of_measurement: json(q.unit),
      properties: json({ station_code: station.code, quantity: q.code, cf_standard_name: q.standardName, nominal_depth_m: station.depthM }),
      sensor_id: ds.sensorId,
      observed_property_id: ids.observedProperties[ds.quantity],
      feature_id: ids.featureId,
    })
    datastreamIds[ds.quantity] = id
    if (ds.channel) {
      upsertChannel(db, log, deviceId, ds.channel, ds.sensorId, id)
    }
    const qc = qcConfigFor(m, station, ds.quantity)
    if (qc) upsert(db, log, 'qc_configs', { datastream_id: id }, { config: json(qc) })
  }

  // One MultiDatastream per station instrument, as ReefTEMPS publishes its CTD series.
  const members = datastreams.filter((x) => x.quantity !== 'BATT')
  if (members.length > 1) {
    const mdId = upsert(db, log, 'multi_datastreams', { thing_id: ids.thingId, sensor_id: buoySensorId }, {
      name: `${station.code} CTD`,
      description: `All series of the instrument at station ${station.code}`,
      multi_observation_data_types: json(members.map(() => MEASUREMENT_OBSERVATION_TYPE)),
      unit_of_measurements: json(members.map((x) => QUANTITIES[x.quantity].unit)),
      properties: json({ station_code: station.code, quantities: members.map((x) => x.quantity) }),
    })
    db.prepare('DELETE FROM multi_datastream_members WHERE multi_datastream_id = ? AND position >= ?').run(mdId, members.length)
    members.forEach((x, position) => {
      db.prepare(
        `INSERT INTO multi_datastream_members (multi_datastream_id, position, observed_property_id, datastream_id) VALUES (?, ?, ?, ?)
         ON CONFLICT (multi_datastream_id, position) DO UPDATE SET observed_property_id = excluded.observed_property_id, datastream_id = excluded.datastream_id`,
      ).run(mdId, position, ids.observedProperties[x.quantity], datastreamIds[x.quantity])
    })
  }
}

function otaaDeviceRow(db: Db, devEui: string): { device_id: number; key_format: string; app_key: Buffer } | undefined {
  return db.prepare('SELECT o.device_id, o.key_format, o.app_key FROM otaa_devices o JOIN devices d ON d.id = o.device_id WHERE d.dev_eui = ?').get(devEui) as
    | { device_id: number; key_format: string; app_key: Buffer }
    | undefined
}

/**
 * The OTAA root keys and join settings of a device (otaa_devices), or their removal when the
 * manifest no longer says OTAA. The AppKey is sealed like the ABP keys; the join state
 * (last DevNonce, JoinNonce) survives re-provisioning, so a JoinNonce is never reused.
 */
function provisionOtaa(db: Db, log: ChangeLog, deviceId: number, devEui: string, otaa: DeviceSpec['otaa'], kek: Buffer | null): void {
  const existing = otaaDeviceRow(db, devEui)
  if (!otaa) {
    if (existing) {
      db.prepare('DELETE FROM otaa_devices WHERE device_id = ?').run(deviceId)
      log.record('otaa_devices', 'updated')
    }
    return
  }
  const appKey = Buffer.from(otaa.appKey, 'hex')
  let sealed: { app_key: Buffer; key_format: KeyFormat } = { app_key: appKey, key_format: 'plain' }
  if (kek) {
    const old = existing?.key_format === 'aes-256-gcm' ? decryptDeviceKey(kek, existing.app_key, devEui, 'app_key') : null
    sealed = { app_key: old?.ok && old.key.equals(appKey) ? existing!.app_key : encryptDeviceKey(kek, appKey, devEui, 'app_key'), key_format: 'aes-256-gcm' }
  }
  upsert(db, log, 'otaa_devices', { device_id: deviceId }, {
    join_eui: otaa.joinEui.toLowerCase(),
    app_key: sealed.app_key,
    key_format: sealed.key_format,
    dev_addr: otaa.devAddr ? otaa.devAddr.toLowerCase() : null,
  })
}

function upsertChannel(db: Db, log: ChangeLog, deviceId: number, channel: string, sensorId: number, datastreamId: number): void {
  const row = db.prepare('SELECT sensor_id, datastream_id FROM device_channels WHERE device_id = ? AND channel = ?').get(deviceId, channel) as
    | { sensor_id: number; datastream_id: number }
    | undefined
  if (!row) {
    db.prepare('INSERT INTO device_channels (device_id, channel, sensor_id, datastream_id) VALUES (?, ?, ?, ?)').run(deviceId, channel, sensorId, datastreamId)
    log.record('device_channels', 'created')
  } else if (row.sensor_id !== sensorId || row.datastream_id !== datastreamId) {
    db.prepare('UPDATE device_channels SET sensor_id = ?, datastream_id = ? WHERE device_id = ? AND channel = ?').run(sensorId, datastreamId, deviceId, channel)
    log.record('device_channels', 'updated')
  } else log.record('device_channels', 'unchanged')
}

function provisionCalibrations(db: Db, log: ChangeLog, records: CalibrationRecord[]): void {
  for (const r of records) {
    const sensor = db.prepare('SELECT id FROM sensors WHERE sensor_type = ? AND serial_number = ?').get(r.sensor.sensorType, r.sensor.serialNumber) as { id: number }
    upsert(db, log, 'calibrations', { record_key: r.id }, {
      sensor_id: sensor.id,
      valid_from: r.validFrom,
      valid_until: r.validUntil,
      model: json({ ...r.model, unit: r.unit }),
      provenance: json(r.provenance),
    })
  }
}

/** Applies a manifest validated by validateManifest(); all or nothing. */
export function applyManifest(db: Db, m: FleetManifest, records: CalibrationRecord[], now = Date.now(), kek: Buffer | null = kekFromEnv()): ProvisionSummary {
  const log = changeLog()
  db.transaction(() => {
    const observedProperties = provisionObservedProperties(db, log)
    const stations = new Map<string, { spec: StationSpec; thingId: number; featureId: number }>()
    for (const s of m.stations) stations.set(s.code, { spec: s, ...provisionStation(db, log, m, s, now) })
    for (const d of m.devices ?? []) {
      const st = stations.get(d.station)!
      provisionDevice(db, log, m, d, st.spec, { thingId: st.thingId, featureId: st.featureId, observedProperties }, records, kek)
    }
    provisionCalibrations(db, log, records)
  })()
  return { changes: log.summary(), stations: m.stations.length, devices: (m.devices ?? []).length }
}

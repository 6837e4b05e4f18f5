// `reeflink reprocess`: after a calibration record is added or corrected, recompute calibrated
// values, derived values and QC of every observation a sensor took in a period, from the raw
// readings kept in the store — atomically (one transaction), keeping which calibration produced
// each value. The science is reprocessCtd(); this module reads and writes the store around it.
import { qcLeadInSamples, reprocessCtd, type CtdQcConfigs, type RawCtdSample } from '../science/index.js'
import type { Db } from '../store/database.js'
import { packQcFlags } from '../store/qc-flags.js'
import { FleetRegistry, type DeviceInfo } from '../pipeline/registry.js'

export interface ReprocessOptions {
  serial: string
  sensorType?: string
  from?: number
  until?: number
  dryRun?: boolean
  onProgress?: (done: number, total: number) => void
}

export interface ReprocessSummary {
  devices: string[]
  samples: number
  updated: number
  inserted: number
  byCalibration: Record<string, number>
}

export class ReprocessError extends Error {
  constructor(
    readonly code: 'unknown_sensor' | 'ambiguous_sensor' | 'sensor_unused',
    message: string,
  ) {
    super(message)
  }
}

const QC_QUANTITY = { temperature: 'TEMP', salinity: 'PSAL', pressure: 'PRES' } as const
const TEST_NAMES: Record<string, string> = { grossRange: 'gross_range', climatology: 'climatology', spike: 'spike', rateOfChange: 'rate_of_change', flatLine: 'flat_line' }

function packed(result: { flags: object; aggregate: number } | undefined): number | null {
  if (!result) return null
  const flags: Record<string, number> = { aggregate: result.aggregate }
  for (const [k, v] of Object.entries(result.flags)) if (TEST_NAMES[k]) flags[TEST_NAMES[k]] = v as number
  return packQcFlags(flags)
}

interface RawRow {
  phenomenon_time: number
  quantity: string
  raw: number | null
  age_s: number | null
  uplink_id: number | null
}

/** Raw CTD samples of a device around [from, until): the QC lead-in before, one sample after. */
function loadRaw(db: Db, device: DeviceInfo, from: number, until: number, leadIn: number): { raw: RawCtdSample[]; meta: Map<number, { ageS: number | null; uplinkId: number | null }> } {
  const ids = ['TEMP', 'CNDC', 'PRES'].map((q) => device.datastreams[q]).filter((x): x is number => x !== undefined)
  if (ids.length === 0) return { raw: [], meta: new Map() }
  const list = ids.join(',') // integers from our own registry
  const start = db
    .prepare(`SELECT phenomenon_time FROM observations WHERE datastream_id IN (${list}) AND phenomenon_time < ? ORDER BY phenomenon_time DESC LIMIT 1 OFFSET ?`)
    .get(from, leadIn * ids.length) as { phenomenon_time: number } | undefined
  const end = db
    .prepare(`SELECT phenomenon_time FROM observations WHERE datastream_id IN (${list}) AND phenomenon_time >= ? ORDER BY phenomenon_time ASC LIMIT 1 OFFSET ?`)
    .get(until, ids.length) as { phenomenon_time: number } | undefined
  const rows = db
    .prepare(
      `SELECT o.phenomenon_time, d.quantity, o.raw, o.age_s, o.uplink_id FROM observations o JOIN datastreams d ON d.id = o.datastream_id
       WHERE o.datastream_id IN (${list}) AND o.phenomenon_time >= ? AND o.phenomenon_time <= ? ORDER BY o.phenomenon_time`,
    )
    .all(start?.phenomenon_time ?? -8.64e15, end?.phenomenon_time ?? 8.64e15) as RawRow[]
  const byTime = new Map<number, RawCtdSample>()
  const meta = new Map<number, { ageS: number | null; uplinkId: number | null }>()
  for (const r of rows) {
    let s = byTime.get(r.phenomenon_time)
    if (!s) {
      s = { time: r.phenomenon_time }
      byTime.set(r.phenomenon_time, s)
      meta.set(r.phenomenon_time, { ageS: r.age_s, uplinkId: r.uplink_id })
    }
    if (r.raw === null) continue
    if (r.quantity === 'TEMP') s.temperature = r.raw
    else if (r.quantity === 'CNDC') s.conductivity = r.raw
    else if (r.quantity === 'PRES') s.pressure = r.raw
  }
  return { raw: [...byTime.values()], meta }
}

export function reprocessSensor(db: Db, options: ReprocessOptions): ReprocessSummary {
  const sensors = db
    .prepare('SELECT id, sensor_type FROM sensors WHERE serial_number = ?' + (options.sensorType ? ' AND sensor_type = ?' : ''))
    .all(...(options.sensorType ? [options.serial, options.sensorType] : [options.serial])) as { id: number; sensor_type: string }[]
  if (sensors.length === 0) throw new ReprocessError('unknown_sensor', `no sensor with serial number ${options.serial}${options.sensorType ? ` and type ${options.sensorType}` : ''}`)
  const deviceIds = new Set(
    (db.prepare(`SELECT DISTINCT device_id FROM device_channels WHERE sensor_id IN (${sensors.map((s) => s.id).join(',')})`).all() as { device_id: number }[]).map((r) => r.device_id),
  )
  if (deviceIds.size === 0) throw new ReprocessError('sensor_unused', `sensor ${options.serial} is not attached to any device`)

  const registry = new FleetRegistry(db)
  registry.refresh(true)
  const from = options.from ?? -8.64e15
  const until = options.until ?? 8.64e15
  const summary: ReprocessSummary = { devices: [], samples: 0, updated: 0, inserted: 0, byCalibration: {} }

  const update = db.prepare('UPDATE observations SET result = ?, calibration_id = ?, qc = ? WHERE datastream_id = ? AND phenomenon_time = ?')
  const insert = db.prepare('INSERT INTO observations (datastream_id, phenomenon_time, result, raw, qc, age_s, calibration_id, uplink_id) VALUES (?, ?, ?, NULL, ?, ?, NULL, ?)')
  const saveState = db.prepare('INSERT INTO qc_states (datastream_id, state) VALUES (?, ?) ON CONFLICT (datastream_id) DO UPDATE SET state = excluded.state')
  const lastTime = db.prepare('SELECT max(phenomenon_time) AS t FROM observations WHERE datastream_id = ?')

  const work = () => {
    for (const deviceId of deviceIds) {
      const { dev_eui } = db.prepare('SELECT dev_eui FROM devices WHERE id = ?').get(deviceId) as { dev_eui: string }
      const device = registry.deviceByEui(dev_eui)
      if (!device) continue
      summary.devices.push(device.devEui)
      const qc: CtdQcConfigs = {}
      for (const [variable, quantity] of Object.entries(QC_QUANTITY) as [keyof CtdQcConfigs, string][]) {
        const ds = device.datastreams[quantity]
        const runner = ds === undefined ? null : registry.qcFor(ds)
        if (runner) qc[variable] = runner.config
      }
      const { raw, meta } = loadRaw(db, device, from, until, qcLeadInSamples(qc))
      const result = reprocessCtd({
        raw,
        sensors: device.sensors,
        calibrations: registry.calibrations,
        derive: { latitude_deg: device.latitude ?? 0, ...(device.nominalDepthM === null ? {} : { nominalPressure_dbar: device.nominalDepthM, nominalDepth_m: device.nominalDepthM }) },
        calibration: device.nominalDepthM === null ? {} : { nominalPressure_dbar: device.nominalDepthM },
        qc,
        from,
        until,
      })
      const write = (quantity: string, time: number, value: number | undefined, calibrationKey: string | undefined, qcFlags: number | null, mayInsert: boolean) => {
        const ds = device.datastreams[quantity]
        if (ds === undefined || value === undefined) return
        const calId = calibrationKey ? registry.calibrationRowId(calibrationKey) : null
        if (calibrationKey) summary.byCalibration[calibrationKey] = (summary.byCalibration[calibrationKey] ?? 0) + 1
        if (options.dryRun) return
        const changed = update.run(value, calId, qcFlags, ds, time).changes
        if (changed) summary.updated += changed
        else if (mayInsert) {
          const m = meta.get(time)
          insert.run(ds, time, value, qcFlags, m?.ageS ?? null, m?.uplinkId ?? null)
          summary.inserted++
        }
      }
      result.samples.forEach((s, k) => {
        write('TEMP', s.time, s.calibrated.temperature_degC?.value, s.calibrated.temperature_degC?.calibrationId, packed(s.qc.temperature), false)
        write('CNDC', s.time, s.calibrated.conductivity_S_m?.value, s.calibrated.conductivity_S_m?.calibrationId, null, false)
        write('PRES', s.time, s.calibrated.pressure_dbar?.value, s.calibrated.pressure_dbar?.calibrationId, packed(s.qc.pressure), false)
        write('PSAL', s.time, s.derived.practicalSalinity, undefined, packed(s.qc.salinity), true)
        write('DEPTH', s.time, s.derived.depth_m, undefined, null, true)
        if (k % 2000 === 0) options.onProgress?.(k, result.samples.length)
      })
      summary.samples += result.samples.length
      options.onProgress?.(result.samples.length, result.samples.length)
      // Live QC continues from the reprocessed states when the period reached the newest data.
      if (!options.dryRun) {
        for (const [variable, state] of Object.entries(result.qcStates)) {
          const ds = device.datastreams[QC_QUANTITY[variable as keyof typeof QC_QUANTITY]]
          if (ds === undefined || !state) continue
          const newest = (lastTime.get(ds) as { t: number | null }).t
          const lastProcessed = raw.length ? raw[raw.length - 1].time : null
          if (newest !== null && lastProcessed !== null && newest <= lastProcessed) saveState.run(ds, JSON.stringify(state))
        }
      }
    }
  }
  db.transaction(work)()
  return summary
}

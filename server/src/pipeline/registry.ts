// What the pipeline needs to know about the fleet, loaded from the store and cached: devices
// (by DevAddr and DevEUI), their channels → sensors and datastreams, calibration sets, station
// positions, QC configurations. Reloaded when another connection (`reeflink provision`,
// `reeflink reprocess`) has committed since the last look (PRAGMA data_version).
import { CalibrationSet, QcStream, type CalibrationRecord, type CtdSensors, type DatastreamQcConfig } from '../science/index.js'
import type { Db } from '../store/database.js'
import { kekFromEnv, readDeviceKey } from '../store/key-encryption.js'

export interface DeviceInfo {
  id: number
  devEui: string
  activation: 'abp' | 'network-server'
  devAddr: string | null
  nwkSKey: Buffer | null
  appSKey: Buffer | null
  networkDeviceId: string | null
  relaxedFCnt: boolean
  thingId: number | null
  latitude: number | null
  nominalDepthM: number | null
  sensors: CtdSensors
  /** Datastream per quantity code (TEMP, CNDC, PRES, PSAL, DEPTH, BATT). */
  datastreams: Partial<Record<string, number>>
}

export interface QcRunner {
  stream: QcStream
  config: DatastreamQcConfig
}

interface DeviceRow {
  id: number
  dev_eui: string
  activation: 'abp' | 'network-server'
  dev_addr: string | null
  nwk_s_key: Buffer | null
  app_s_key: Buffer | null
  key_format: string
  network_device_id: string | null
  relaxed_fcnt: number
  thing_id: number | null
  thing_properties: string | null
  location: string | null
}

function keyOrNull(r: ReturnType<typeof readDeviceKey>): Buffer | null {
  return r && r.ok ? r.key : null
}

export class FleetRegistry {
  private dataVersion = -1
  private byEui = new Map<string, DeviceInfo>()
  private byAddr = new Map<string, DeviceInfo[]>()
  private byNetworkId = new Map<string, DeviceInfo>()
  private calibrationIds = new Map<string, number>()
  private qc = new Map<number, QcRunner | null>()
  calibrations: CalibrationSet = CalibrationSet.of([])

  constructor(
    private readonly db: Db,
    /** Key-encryption key for device keys stored 'aes-256-gcm' (REEFLINK_KEY_ENCRYPTION_KEY). */
    private readonly kek: Buffer | null = kekFromEnv(),
  ) {}

  /**
   * Reloads everything if another connection changed the store (provisioning, reprocessing);
   * cheap when it did not. Returns true when it reloaded.
   */
  refresh(force = false): boolean {
    const version = this.db.pragma('data_version', { simple: true }) as number
    if (!force && version === this.dataVersion) return false
    this.dataVersion = version
    this.load()
    return true
  }

  /** Our own writes to fleet tables (e.g. provisioning in-process) must call this. */
  invalidate(): void {
    this.dataVersion = -1
  }

  private load(): void {
    const rows = this.db
      .prepare(
        `SELECT d.id, d.dev_eui, d.activation, d.dev_addr, d.nwk_s_key, d.app_s_key, d.key_format, d.network_device_id, d.relaxed_fcnt, d.thing_id,
                t.properties AS thing_properties,
                (SELECT l.location FROM thing_locations tl JOIN locations l ON l.id = tl.location_id WHERE tl.thing_id = d.thing_id LIMIT 1) AS location
         FROM devices d LEFT JOIN things t ON t.id = d.thing_id`,
      )
      .all() as DeviceRow[]
    const channels = this.db
      .prepare(
        `SELECT c.device_id, c.channel, s.sensor_type, s.serial_number FROM device_channels c JOIN sensors s ON s.id = c.sensor_id`,
      )
      .all() as { device_id: number; channel: string; sensor_type: string; serial_number: string }[]
    const datastreams = this.db.prepare('SELECT id, thing_id, quantity FROM datastreams WHERE quantity IS NOT NULL').all() as {
      id: number
      thing_id: number
      quantity: string
    }[]
    this.byEui.clear()
    this.byAddr.clear()
    this.byNetworkId.clear()
    for (const r of rows) {
      const props = r.thing_properties ? JSON.parse(r.thing_properties) : {}
      const coords = r.location ? (JSON.parse(r.location).coordinates as number[]) : null
      const info: DeviceInfo = {
        id: r.id,
        devEui: r.dev_eui,
        activation: r.activation,
        devAddr: r.dev_addr,
        // A key that cannot be decrypted leaves the device without keys: its frames are rejected
        // as for a device without a session, and `reeflink doctor` names it.
        nwkSKey: keyOrNull(readDeviceKey(this.kek, r.key_format, r.nwk_s_key, r.dev_eui, 'nwk_s_key')),
        appSKey: keyOrNull(readDeviceKey(this.kek, r.key_format, r.app_s_key, r.dev_eui, 'app_s_key')),
        networkDeviceId: r.network_device_id,
        relaxedFCnt: r.relaxed_fcnt === 1,
        thingId: r.thing_id,
        latitude: coords ? coords[1] : null,
        nominalDepthM: typeof props.depth_m === 'number' ? props.depth_m : null,
        sensors: {},
        datastreams: {},
      }
      for (const c of channels.filter((x) => x.device_id === r.id)) {
        const ref = { sensorType: c.sensor_type, serialNumber: c.serial_number }
        if (c.channel === 'temperature' || c.channel === 'pressure' || c.channel === 'conductivity') info.sensors[c.channel] = ref
      }
      for (const d of datastreams.filter((x) => x.thing_id === r.thing_id)) info.datastreams[d.quantity] = d.id
      this.byEui.set(info.devEui, info)
      if (info.devAddr) this.byAddr.set(info.devAddr, [...(this.byAddr.get(info.devAddr) ?? []), info])
      if (info.networkDeviceId) this.byNetworkId.set(info.networkDeviceId, info)
    }
    const calRows = this.db
      .prepare('SELECT c.id, c.record_key, c.valid_from, c.valid_until, c.model, c.provenance, s.sensor_type, s.serial_number FROM calibrations c JOIN sensors s ON s.id = c.sensor_id')
      .all() as { id: number; record_key: string; valid_from: number; valid_until: number | null; model: string; provenance: string; sensor_type: string; serial_number: string }[]
    this.calibrationIds.clear()
    const records: CalibrationRecord[] = calRows.map((c) => {
      this.calibrationIds.set(c.record_key, c.id)
      const { unit, ...model } = JSON.parse(c.model)
      return {
        id: c.record_key,
        sensor: { sensorType: c.sensor_type, serialNumber: c.serial_number },
        validFrom: c.valid_from,
        validUntil: c.valid_until,
        model,
        unit,
        provenance: JSON.parse(c.provenance),
      }
    })
    this.calibrations = CalibrationSet.of(records)
    this.qc.clear()
  }

  deviceByEui(devEui: string): DeviceInfo | undefined {
    return this.byEui.get(devEui.toLowerCase())
  }

  devicesByAddr(devAddr: string): DeviceInfo[] {
    return this.byAddr.get(devAddr.toLowerCase()) ?? []
  }

  deviceByNetworkId(id: string): DeviceInfo | undefined {
    return this.byNetworkId.get(id)
  }

  calibrationRowId(recordKey: string): number | null {
    return this.calibrationIds.get(recordKey) ?? null
  }

  /** The QC runner of a datastream, or null when it has no QC configuration. */
  qcFor(datastreamId: number): QcRunner | null {
    if (this.qc.has(datastreamId)) return this.qc.get(datastreamId)!
    const row = this.db.prepare('SELECT config FROM qc_configs WHERE datastream_id = ?').get(datastreamId) as { config: string } | undefined
    const runner = row ? { config: JSON.parse(row.config) as DatastreamQcConfig, stream: new QcStream(JSON.parse(row.config), `datastream ${datastreamId}`) } : null
    this.qc.set(datastreamId, runner)
    return runner
  }
}

// A simulator fleet file → the server's fleet manifest, so one file provisions what it replays:
// a station per buoy (position and depth from the buoy's source file when the fleet does not
// give them), its ABP device and sensors, and the calibration records the virtual sensors invert.
import { loadFleetRecords, type Fleet } from '@reeflink/simulator'
import type { CalibrationRecord } from '../science/index.js'
import type { FleetManifest } from '../provision/manifest.js'

export interface ProvisionableFleet {
  manifest: FleetManifest
  calibrations: CalibrationRecord[]
  /** Buoy id → station code (the source's platform code, else the buoy id). */
  stationOf: Map<string, string>
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

export async function manifestFromFleet(fleet: Fleet): Promise<ProvisionableFleet> {
  const records = await loadFleetRecords(fleet)
  const stationOf = new Map<string, string>()
  const manifest: FleetManifest = { network: { name: fleet.name, producer: 'reeflink simulator', license: 'CC-BY-4.0' }, stations: [], devices: [], calibrations: [] }
  const calibrations: CalibrationRecord[] = []
  fleet.buoys.forEach((b, i) => {
    const r = records[i]
    const code = (r.platformCode ?? b.id).replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 32)
    stationOf.set(b.id, code)
    manifest.stations.push({
      code,
      name: b.name,
      latitude: b.latitude ?? r.latitude,
      longitude: b.longitude ?? r.longitude,
      depthM: b.nominalDepthM ?? r.nominalDepthM ?? 0,
      citation: `Synthetic data replayed by the reeflink simulator from ${r.fileName}. Not real measurements.`,
    })
    const sensors: Record<string, { type: string; serial: string }> = {}
    for (const [channel, ref] of Object.entries(b.sensors)) if (ref) sensors[channel] = { type: ref.sensorType, serial: ref.serialNumber }
    manifest.devices!.push({
      devEui: b.device.devEui,
      name: b.id,
      station: code,
      abp: { devAddr: b.device.devAddr, nwkSKey: b.device.nwkSKey, appSKey: b.device.appSKey },
      sensors,
    })
    for (const c of b.calibrations) {
      calibrations.push(c)
      manifest.calibrations!.push({
        id: c.id,
        sensor: { type: c.sensor.sensorType, serial: c.sensor.serialNumber },
        validFrom: iso(c.validFrom)!,
        validUntil: iso(c.validUntil),
        unit: c.unit,
        model: c.model as unknown as { kind: string },
        provenance: { calibrationSheet: c.provenance.calibrationSheet, calibrationDate: c.provenance.calibrationDate, enteredBy: c.provenance.enteredBy },
      })
    }
  })
  return { manifest, calibrations, stationOf }
}

// Test fixtures: a temp store provisioned with docs/fleet.example.yaml, and uplink builders.
import { encodeMeasurements, encodeUplink, type MeasurementSample, type StatusMessage } from '@reeflink/codecs'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { applyManifest } from '../../src/provision/apply-manifest.js'
import { validateManifest, type FleetManifest } from '../../src/provision/manifest.js'
import { CalibrationSet, rawCtdSampleFor, type CalibrationRecord } from '../../src/science/index.js'
import { openDatabase, type Db } from '../../src/store/database.js'

export const EXAMPLE_MANIFEST = new URL('../../../docs/fleet.example.yaml', import.meta.url).pathname
export const CTD_DEVICE = '70b3d57ed0000101'
export const LOGGER_DEVICE = '70b3d57ed0000102'

export interface TestStore {
  dir: string
  path: string
  db: Db
  manifest: FleetManifest
  calibrations: CalibrationRecord[]
  cleanup(): void
}

export function provisionedStore(): TestStore {
  const dir = mkdtempSync(join(tmpdir(), 'reeflink-test-'))
  const path = join(dir, 'store.db')
  const db = openDatabase(path)
  const v = validateManifest(parse(readFileSync(EXAMPLE_MANIFEST, 'utf8')))
  if (!v.ok) throw new Error(JSON.stringify(v.problems))
  applyManifest(db, v.manifest, v.calibrations)
  return {
    dir,
    path,
    db,
    manifest: v.manifest,
    calibrations: v.calibrations,
    cleanup() {
      if (db.open) db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface PhysicalSample {
  ageS: number
  temperature_degC: number
  pressure_dbar?: number
  conductivity_S_m?: number
}

/** Raw counts the example CTD buoy would send for these physical values (calibration inverses). */
export function ctdRawSamples(store: TestStore, samples: PhysicalSample[], timeMs: number): MeasurementSample[] {
  const set = CalibrationSet.of(store.calibrations)
  const sensors = {
    temperature: { sensorType: 'SBE37-temperature', serialNumber: '37-0101' },
    conductivity: { sensorType: 'SBE37-conductivity', serialNumber: '37-0101' },
    pressure: { sensorType: 'SBE37-pressure', serialNumber: '37-0101' },
  }
  return samples.map((s) => {
    const raw = rawCtdSampleFor({ time: timeMs - s.ageS * 1000, ...s }, sensors, set, { nominalPressure_dbar: 8 })
    const out: MeasurementSample = { ageS: s.ageS, temperatureRaw: Math.round(raw.temperature!) }
    if (raw.pressure !== undefined) out.pressureRaw = Math.round(raw.pressure)
    if (raw.conductivity !== undefined) out.conductivityRaw = Math.round(raw.conductivity)
    return out
  })
}

export function measurementPayload(samples: MeasurementSample[]): Buffer {
  const r = encodeMeasurements(samples, 242)
  if (!r.ok || r.value.consumed !== samples.length) throw new Error('samples do not fit one frame')
  return Buffer.from(r.value.bytes)
}

export function statusPayload(s: Partial<StatusMessage> = {}): Buffer {
  const r = encodeUplink({
    type: 'status',
    batteryMv: 3650,
    firmwareVersion: '1.0.0',
    resetCause: 'power_on',
    uptimeS: 3600,
    queueDepth: 0,
    droppedSamples: 0,
    sensorFaults: [],
    uplinksSent: 6,
    downlinksReceived: 0,
    lastRssiDbm: -100,
    lastSnrDb: 5,
    airtimeLast24hMs: 1000,
    sampleIntervalS: 600,
    ...s,
  })
  if (!r.ok) throw new Error(r.error.message)
  return Buffer.from(r.value.bytes)
}

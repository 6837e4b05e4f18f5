// reeflink reprocess: a corrected calibration recomputes history from the stored raw readings.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { applyManifest } from '../../src/provision/apply-manifest.js'
import { validateManifest } from '../../src/provision/manifest.js'
import { IngestService } from '../../src/pipeline/ingest-service.js'
import { FleetRegistry } from '../../src/pipeline/registry.js'
import { reprocessSensor } from '../../src/reprocess/reprocess-store.js'
import { CTD_DEVICE, ctdRawSamples, measurementPayload, provisionedStore, type TestStore } from '../support/fleet.js'

let store: TestStore
beforeEach(() => (store = provisionedStore()))
afterEach(() => store.cleanup())

const T = Date.parse('2026-03-01T12:00:00Z')

async function ingestDay(): Promise<void> {
  const ingest = new IngestService(store.db, new FleetRegistry(store.db))
  for (let frame = 0; frame < 12; frame++) {
    const t = T + frame * 6 * 600_000
    const physical = Array.from({ length: 6 }, (_, k) => ({ ageS: (5 - k) * 600, temperature_degC: 25 + 0.01 * (frame * 6 + k), pressure_dbar: 8.3, conductivity_S_m: 5.3 }))
    await ingest.submit([
      { kind: 'app', source: 'tts-mqtt', devEui: CTD_DEVICE, fPort: 1, fCnt: frame + 1, payload: measurementPayload(ctdRawSamples(store, physical, t)), receivedAtMs: t, networkTime: new Date(t).toISOString(), receptions: [] },
    ])
  }
}

const temps = () =>
  store.db
    .prepare("SELECT o.phenomenon_time AS t, o.result, o.raw, c.record_key FROM observations o JOIN datastreams d ON d.id = o.datastream_id LEFT JOIN calibrations c ON c.id = o.calibration_id WHERE d.quantity = 'TEMP' AND d.thing_id = 1 ORDER BY o.phenomenon_time")
    .all() as { t: number; result: number; raw: number; record_key: string }[]
const salinities = () => store.db.prepare("SELECT o.result FROM observations o JOIN datastreams d ON d.id = o.datastream_id WHERE d.quantity = 'PSAL' AND d.thing_id = 1 ORDER BY o.phenomenon_time").all() as { result: number }[]

/** The example manifest with a corrected temperature calibration from `from` (a0 shifted). */
function correctCalibration(from: string): void {
  const m = structuredClone(store.manifest) as any
  m.calibrations[0].validUntil = from
  m.calibrations.push({ ...structuredClone(m.calibrations[0]), id: '37-0101-T-2026-fix', validFrom: from, validUntil: null })
  m.calibrations.at(-1).model.coefficients.a0 += 2e-7
  const v = validateManifest(m)
  if (!v.ok) throw new Error(JSON.stringify(v.problems))
  applyManifest(store.db, v.manifest, v.calibrations)
}

describe('reeflink reprocess', () => {
  it('recomputes values, derived values and provenance from the raw readings, for the period only', async () => {
    await ingestDay()
    const before = temps()
    const salBefore = salinities()
    expect(before).toHaveLength(72)
    const cut = new Date(T + 6 * 3600_000).toISOString()
    correctCalibration(cut)
    const progress: number[] = []
    const summary = reprocessSensor(store.db, { serial: '37-0101', from: Date.parse(cut), onProgress: (d) => progress.push(d) })
    expect(summary.devices).toEqual([CTD_DEVICE])
    const after = temps()
    after.forEach((o, i) => {
      expect(o.raw).toBe(before[i].raw) // raw readings are never touched
      if (o.t < Date.parse(cut)) {
        expect(o.result).toBe(before[i].result)
        expect(o.record_key).toBe('37-0101-T-2024')
      } else {
        expect(o.record_key).toBe('37-0101-T-2026-fix')
        expect(Math.abs(o.result - before[i].result)).toBeGreaterThan(0.001)
      }
    })
    // Salinity depends on temperature: recomputed too.
    const salAfter = salinities()
    expect(salAfter.at(-1)!.result).not.toBe(salBefore.at(-1)!.result)
    expect(salAfter[0].result).toBe(salBefore[0].result)
    expect(summary.byCalibration['37-0101-T-2026-fix']).toBe(after.filter((o) => o.t >= Date.parse(cut)).length)
    expect(progress.at(-1)).toBe(summary.samples)
  })

  it('is atomic: a failure leaves every value as it was', async () => {
    await ingestDay()
    const before = temps()
    correctCalibration(new Date(T).toISOString())
    store.db.exec("CREATE TRIGGER no_psal BEFORE UPDATE ON observations WHEN NEW.result > 30 BEGIN SELECT RAISE(ABORT, 'simulated failure'); END")
    expect(() => reprocessSensor(store.db, { serial: '37-0101' })).toThrow(/simulated failure/)
    expect(temps()).toEqual(before)
  })

  it('names an unknown sensor', () => {
    expect(() => reprocessSensor(store.db, { serial: 'nope' })).toThrow(/no sensor with serial number nope/)
  })
})

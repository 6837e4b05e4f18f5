// The pipeline after the LoRaWAN layer, through network-server (already decrypted) uplinks.
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { decodeUplink } from '@reeflink/codecs'
import { EntityEvents, type EntityChange } from '../../src/events.js'
import type { AppUplink } from '../../src/ingest/types.js'
import { IngestService } from '../../src/pipeline/ingest-service.js'
import { FleetRegistry } from '../../src/pipeline/registry.js'
import { unpackQcFlags } from '../../src/store/qc-flags.js'
import { CTD_DEVICE, ctdRawSamples, measurementPayload, provisionedStore, statusPayload, type TestStore } from '../support/fleet.js'

let store: TestStore
let ingest: IngestService
let events: EntityChange[][]
beforeEach(() => {
  store = provisionedStore()
  const bus = new EntityEvents()
  events = []
  bus.on((c) => events.push(c))
  ingest = new IngestService(store.db, new FleetRegistry(store.db), { events: bus })
})
afterEach(() => store.cleanup())

const T = Date.parse('2026-03-01T12:00:00Z')

function appUplink(payload: Buffer, fCnt: number, fPort = 1, devEui = CTD_DEVICE): AppUplink {
  return {
    kind: 'app',
    source: 'chirpstack-application-mqtt',
    devEui,
    fPort,
    fCnt,
    payload,
    receivedAtMs: T + 1500,
    networkTime: new Date(T).toISOString(),
    receptions: [{ gatewayId: 'aa555a0000000001', rssiDbm: -110, snrDb: 4.5, time: new Date(T).toISOString() }],
  }
}

const obs = (quantity: string) =>
  store.db
    .prepare(
      `SELECT o.* FROM observations o JOIN datastreams d ON d.id = o.datastream_id JOIN things t ON t.id = d.thing_id
       WHERE t.station_code = 'MHXCOK01' AND d.quantity = ? ORDER BY o.phenomenon_time`,
    )
    .all(quantity) as any[]

describe('ingest pipeline (network-server uplinks)', () => {
  const physical = [
    { ageS: 1200, temperature_degC: 25.1, pressure_dbar: 8.2, conductivity_S_m: 5.31 },
    { ageS: 600, temperature_degC: 25.3, pressure_dbar: 8.4, conductivity_S_m: 5.33 },
    { ageS: 0, temperature_degC: 25.2, pressure_dbar: 8.3, conductivity_S_m: 5.32 },
  ]

  it('stores calibrated observations with raw readings, provenance, QC and phenomenon times', async () => {
    const raw = ctdRawSamples(store, physical, T)
    await ingest.submit([appUplink(measurementPayload(raw), 7)])
    const temp = obs('TEMP')
    expect(temp).toHaveLength(3)
    temp.forEach((o, i) => {
      expect(o.phenomenon_time).toBe(T - physical[i].ageS * 1000)
      expect(o.result).toBeCloseTo(physical[i].temperature_degC, 3)
      expect(o.raw).toBe(raw[i].temperatureRaw)
      expect(o.age_s).toBe(physical[i].ageS)
      expect(unpackQcFlags(o.qc).gross_range).toBe(1)
    })
    const cal = store.db.prepare('SELECT record_key FROM calibrations WHERE id = ?').get(temp[0].calibration_id) as any
    expect(cal.record_key).toBe('37-0101-T-2024')
    obs('PRES').forEach((o, i) => expect(o.result).toBeCloseTo(physical[i].pressure_dbar, 2))
    obs('CNDC').forEach((o, i) => expect(o.result).toBeCloseTo(physical[i].conductivity_S_m, 4))
    const psal = obs('PSAL')
    expect(psal).toHaveLength(3)
    expect(psal[0].result).toBeGreaterThan(30)
    expect(psal[0].raw).toBeNull()
    expect(obs('DEPTH')[0].result).toBeCloseTo(8.1, 0)
    const ds = store.db.prepare("SELECT phenomenon_time_start, phenomenon_time_end, result_time_end FROM datastreams WHERE quantity = 'TEMP' AND thing_id = 1").get() as any
    expect(ds).toEqual({ phenomenon_time_start: T - 1200000, phenomenon_time_end: T, result_time_end: T })
    expect(events.flat().filter((c) => c.set === 'Observations' && c.kind === 'create')).toHaveLength(15)
  })

  it('revises the previous spike flag when the next sample arrives', async () => {
    await ingest.submit([appUplink(measurementPayload(ctdRawSamples(store, physical, T)), 1)])
    const temp = obs('TEMP')
    expect(unpackQcFlags(temp[2].qc).spike).toBe(2) // newest: not evaluated yet
    expect(unpackQcFlags(temp[1].qc).spike).toBe(1)
    const later = [{ ageS: 0, temperature_degC: 25.25, pressure_dbar: 8.3, conductivity_S_m: 5.32 }]
    await ingest.submit([{ ...appUplink(measurementPayload(ctdRawSamples(store, later, T + 600000)), 2), networkTime: new Date(T + 600000).toISOString(), receptions: [] }])
    expect(unpackQcFlags(obs('TEMP')[2].qc).spike).toBe(1)
    expect(events.at(-1)!.some((c) => c.kind === 'update' && c.set === 'Observations')).toBe(true)
  })

  it('stores a frame once however often it arrives, merging the gateways that heard it', async () => {
    const up = appUplink(measurementPayload(ctdRawSamples(store, physical, T)), 9)
    await ingest.submit([up])
    await ingest.submit([{ ...up, receptions: [{ gatewayId: 'aa555a0000000002', rssiDbm: -120 }] }])
    expect(obs('TEMP')).toHaveLength(3)
    expect(ingest.counts.duplicates).toBe(1)
    const row = store.db.prepare('SELECT receptions FROM uplinks').get() as any
    expect(JSON.parse(row.receptions).map((r: any) => r.gatewayId)).toEqual(['aa555a0000000001', 'aa555a0000000002'])
  })

  it('merges a repeat within one batch into the row written at its commit, and a replay with another payload is refused', async () => {
    const up = appUplink(measurementPayload(ctdRawSamples(store, physical, T)), 9)
    const other = appUplink(measurementPayload(ctdRawSamples(store, [{ ageS: 0, temperature_degC: 27, pressure_dbar: 8.3, conductivity_S_m: 5.3 }], T)), 9)
    await ingest.submit([up, { ...up, receptions: [{ gatewayId: 'aa555a0000000002', rssiDbm: -120 }] }, other, appUplink(statusPayload({ batteryMv: 3555 }), 10, 2)])
    expect(obs('TEMP')).toHaveLength(3)
    expect(ingest.counts.duplicates).toBe(1)
    expect(ingest.counts.rejected).toEqual({ replay: 1 })
    const rows = store.db.prepare('SELECT id, fcnt, receptions FROM uplinks ORDER BY id').all() as any[]
    expect(rows.map((r) => [r.fcnt, JSON.parse(r.receptions).map((x: any) => x.gatewayId)])).toEqual([
      [9, ['aa555a0000000001', 'aa555a0000000002']],
      [10, ['aa555a0000000001']],
    ])
    expect(store.db.prepare('SELECT uplink_id FROM device_status').all()).toEqual([{ uplink_id: rows[1].id }])
    expect(new Set(obs('TEMP').map((o) => o.uplink_id))).toEqual(new Set([rows[0].id]))
  })

  it('keeps every frame raw; a measurement message is not stored decoded again, others are', async () => {
    const payload = measurementPayload(ctdRawSamples(store, physical, T))
    await ingest.submit([appUplink(payload, 21), appUplink(statusPayload({ batteryMv: 3555 }), 22, 2)])
    const rows = store.db.prepare('SELECT fcnt, f_port, payload, decoded FROM uplinks ORDER BY fcnt').all() as any[]
    expect(rows[0].payload.equals(payload)).toBe(true)
    expect(rows[0].decoded).toBeNull()
    const again = decodeUplink(rows[0].payload, rows[0].f_port)
    expect(again.ok && again.value.type === 'measurements' && again.value.samples.map((s) => s.temperatureRaw)).toEqual(obs('TEMP').map((o) => o.raw))
    expect(JSON.parse(rows[1].decoded)).toMatchObject({ type: 'status', batteryMv: 3555 })
  })

  it('records what it drops, with the reason, and goes on', async () => {
    await ingest.submit([appUplink(measurementPayload(ctdRawSamples(store, physical, T)), 3, 1, 'ffffffffffffffff'), appUplink(Buffer.from([0x11]), 4), appUplink(statusPayload({ batteryMv: 3555 }), 5, 2)])
    const rejected = store.db.prepare('SELECT reason, detail FROM rejected_uplinks').all() as any[]
    expect(rejected).toEqual([{ reason: 'unknown_device', detail: 'DevEUI ffffffffffffffff is not provisioned' }])
    const codec = store.db.prepare('SELECT codec_error FROM uplinks WHERE fcnt = 4').get() as any
    expect(codec.codec_error).toMatch(/^truncated/)
    expect(obs('BATT')).toEqual([expect.objectContaining({ result: 3.555, raw: 3555 })])
    expect(store.db.prepare('SELECT count(*) AS n FROM device_status').get()).toEqual({ n: 1 })
  })

  it('shares the store with another writer: waits for its lock, never reuses its uplink ids', async () => {
    await ingest.submit([appUplink(measurementPayload(ctdRawSamples(store, physical, T)), 40)])
    const other = new Database(store.path)
    try {
      // Another process stores an uplink between two batches (the batch's ids come after it).
      const first = store.db.prepare('SELECT device_id, session, received_at FROM uplinks').get() as any
      other.prepare("INSERT INTO uplinks (device_id, session, fcnt, received_at, source, receptions) VALUES (?, ?, 41, ?, 'other', '[]')").run(first.device_id, first.session, first.received_at)
      // Holding the write lock: the batch cannot begin, so nothing is acknowledged.
      store.db.pragma('busy_timeout = 20')
      other.exec('BEGIN IMMEDIATE')
      await expect(ingest.submit([appUplink(measurementPayload(ctdRawSamples(store, physical, T + 3600_000)), 42)])).rejects.toThrow(/locked|busy/i)
      other.exec('ROLLBACK')
      await ingest.submit([appUplink(measurementPayload(ctdRawSamples(store, physical, T + 3600_000)), 42)])
    } finally {
      other.close()
    }
    const rows = store.db.prepare('SELECT id, fcnt, source FROM uplinks ORDER BY id').all() as any[]
    expect(rows.map((r) => [r.fcnt, r.source])).toEqual([
      [40, 'chirpstack-application-mqtt'],
      [41, 'other'],
      [42, 'chirpstack-application-mqtt'],
    ])
    expect(new Set(obs('TEMP').map((o) => o.uplink_id))).toEqual(new Set([rows[0].id, rows[2].id]))
  })

  it('acknowledges only durable data: submit resolves after the commit, and rejects when it fails', async () => {
    const p = ingest.submit([appUplink(measurementPayload(ctdRawSamples(store, physical, T)), 11)])
    expect(obs('TEMP')).toHaveLength(0) // not yet committed
    await p
    expect(obs('TEMP')).toHaveLength(3)
    store.db.exec("CREATE TRIGGER fail_uplinks BEFORE INSERT ON uplinks BEGIN SELECT RAISE(ABORT, 'disk full (simulated)'); END")
    await expect(ingest.submit([appUplink(measurementPayload(ctdRawSamples(store, physical, T + 3600000)), 12)])).rejects.toThrow(/disk full/)
    store.db.exec('DROP TRIGGER fail_uplinks')
    await ingest.submit([appUplink(measurementPayload(ctdRawSamples(store, physical, T + 3600000)), 12)])
    expect(obs('TEMP')).toHaveLength(6)
  })
})

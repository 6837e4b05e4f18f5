// Raw frames through the pipeline: de-duplication, device session, MIC, counter, decryption.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { PhyUplink } from '../../src/ingest/types.js'
import { IngestService } from '../../src/pipeline/ingest-service.js'
import { LorawanStage } from '../../src/pipeline/lorawan-stage.js'
import { FleetRegistry } from '../../src/pipeline/registry.js'
import { buildWithLoraPacket } from '../lorawan/lora-packet-frames.js'
import { ctdRawSamples, measurementPayload, provisionedStore, type TestStore } from '../support/fleet.js'

const NWK = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex')
const APP = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex')
const T = Date.parse('2026-03-01T12:00:00Z')

let store: TestStore
let ingest: IngestService
beforeEach(() => {
  store = provisionedStore()
  ingest = new IngestService(store.db, new FleetRegistry(store.db), { phy: new LorawanStage() })
})
afterEach(() => store.cleanup())

function frame(fCnt: number, opts: { nwkSKey?: Buffer; devAddr?: string; payload?: Buffer } = {}): Buffer {
  const payload = opts.payload ?? measurementPayload(ctdRawSamples(store, [{ ageS: 0, temperature_degC: 25, pressure_dbar: 8.3, conductivity_S_m: 5.3 }], T + fCnt * 600_000))
  return buildWithLoraPacket({
    devAddr: Buffer.from(opts.devAddr ?? '26011001', 'hex'),
    fCnt,
    confirmed: false,
    adr: false,
    adrAckReq: false,
    ack: false,
    fOpts: Buffer.alloc(0),
    fPort: 1,
    payload,
    nwkSKey: opts.nwkSKey ?? NWK,
    appSKey: APP,
  })
}

function heard(phy: Buffer, gatewayId: string, fCnt = 0): PhyUplink {
  return { kind: 'phy', source: 'semtech-udp', phyPayload: phy, receivedAtMs: T + fCnt * 600_000 + 50, reception: { gatewayId, time: new Date(T + fCnt * 600_000).toISOString(), rssiDbm: -100, snrDb: 3 } }
}

const count = (sql: string) => (store.db.prepare(sql).get() as { n: number }).n
const reasons = () => store.db.prepare('SELECT reason FROM rejected_uplinks ORDER BY id').all().map((r: any) => r.reason)

describe('LoRaWAN stage', () => {
  it('accepts an authentic frame, decrypts it and stores its observations', async () => {
    await ingest.submit([heard(frame(1), 'aa555a0000000001', 1)])
    expect(count('SELECT count(*) AS n FROM uplinks')).toBe(1)
    expect(count("SELECT count(*) AS n FROM observations o JOIN datastreams d ON d.id = o.datastream_id WHERE d.quantity = 'TEMP'")).toBe(1)
    const t = store.db.prepare("SELECT o.result, o.phenomenon_time FROM observations o JOIN datastreams d ON d.id = o.datastream_id WHERE d.quantity = 'TEMP'").get() as any
    expect(t.result).toBeCloseTo(25, 3)
    expect(t.phenomenon_time).toBe(T + 600_000)
  })

  it('merges copies from several gateways into one uplink with every reception', async () => {
    const phy = frame(2)
    await ingest.submit([heard(phy, 'aa555a0000000001', 2), heard(phy, 'aa555a0000000002', 2)])
    await ingest.submit([heard(phy, 'aa555a0000000003', 2)]) // a slower backhaul
    expect(count('SELECT count(*) AS n FROM uplinks')).toBe(1)
    const receptions = JSON.parse((store.db.prepare('SELECT receptions FROM uplinks').get() as any).receptions)
    expect(receptions.map((r: any) => r.gatewayId)).toEqual(['aa555a0000000001', 'aa555a0000000002', 'aa555a0000000003'])
    expect(ingest.counts.duplicates).toBe(2)
  })

  it('writes a frame heard by several gateways in one batch once, with every reception, by the commit', async () => {
    // Counts the UPDATEs of stored uplink rows (a copy arriving after its frame's batch).
    store.db.exec('CREATE TEMP TABLE reception_updates (id INTEGER)')
    store.db.exec('CREATE TEMP TRIGGER count_reception_updates AFTER UPDATE OF receptions ON main.uplinks BEGIN INSERT INTO reception_updates VALUES (new.id); END')
    const updates = () => count('SELECT count(*) AS n FROM reception_updates')
    const stored: { uplinkId: number; receptions: string[] }[] = []
    ingest = new IngestService(store.db, new FleetRegistry(store.db), {
      phy: new LorawanStage(),
      // As the downlink scheduler does after the dedup window: every reception is in the store.
      onAccepted: (s) => {
        for (const { uplinkId } of s) {
          const row = store.db.prepare('SELECT receptions FROM uplinks WHERE id = ?').get(uplinkId) as any
          stored.push({ uplinkId, receptions: JSON.parse(row.receptions).map((r: any) => r.gatewayId) })
        }
      },
    })
    const [a, b, c] = [frame(20), frame(21), frame(22)]
    await ingest.submit([heard(a, 'aa555a0000000001', 20)])
    await ingest.submit([heard(a, 'aa555a0000000002', 20), heard(b, 'aa555a0000000001', 21), heard(b, 'aa555a0000000002', 21)])
    await ingest.submit([heard(c, 'aa555a0000000002', 22), heard(b, 'aa555a0000000003', 21), heard(c, 'aa555a0000000001', 22), heard(c, 'aa555a0000000003', 22)])
    // Only the copies that came a batch after their frame's are UPDATEs: a's second, b's third.
    expect(updates()).toBe(2)
    const rows = store.db.prepare('SELECT id, fcnt, receptions FROM uplinks ORDER BY id').all() as any[]
    expect(rows.map((r) => [r.fcnt, JSON.parse(r.receptions).map((x: any) => x.gatewayId)])).toEqual([
      [20, ['aa555a0000000001', 'aa555a0000000002']],
      [21, ['aa555a0000000001', 'aa555a0000000002', 'aa555a0000000003']],
      [22, ['aa555a0000000002', 'aa555a0000000001', 'aa555a0000000003']],
    ])
    expect(stored.map((s) => s.uplinkId)).toEqual(rows.map((r) => r.id))
    expect(stored[2]!.receptions).toEqual(['aa555a0000000002', 'aa555a0000000001', 'aa555a0000000003'])
    // Each frame's observations point at its own uplink row.
    const links = store.db.prepare('SELECT DISTINCT u.fcnt, o.phenomenon_time FROM observations o JOIN uplinks u ON u.id = o.uplink_id ORDER BY u.fcnt').all() as any[]
    expect(links.map((l) => [l.fcnt, l.phenomenon_time])).toEqual([
      [20, T + 20 * 600_000],
      [21, T + 21 * 600_000],
      [22, T + 22 * 600_000],
    ])
    expect(ingest.counts.duplicates).toBe(5)
  })

  it('after a failed batch, stores nothing of it and the next batch takes its place', async () => {
    const a = frame(30)
    await ingest.submit([heard(frame(29), 'aa555a0000000001', 29)])
    store.db.exec("CREATE TEMP TRIGGER fail_once BEFORE INSERT ON main.uplinks WHEN new.fcnt = 30 BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    await expect(ingest.submit([heard(a, 'aa555a0000000001', 30), heard(a, 'aa555a0000000002', 30)])).rejects.toThrow(/disk full/)
    store.db.exec('DROP TRIGGER fail_once')
    await ingest.submit([heard(a, 'aa555a0000000002', 30), heard(a, 'aa555a0000000003', 30)])
    const rows = store.db.prepare('SELECT fcnt, receptions FROM uplinks ORDER BY id').all() as any[]
    expect(rows.map((r) => [r.fcnt, JSON.parse(r.receptions).map((x: any) => x.gatewayId)])).toEqual([
      [29, ['aa555a0000000001']],
      [30, ['aa555a0000000002', 'aa555a0000000003']],
    ])
  })

  it('reconstructs 32-bit counters past 65 535', async () => {
    store.db.prepare("UPDATE devices SET fcnt_up = 65534 WHERE dev_eui = '70b3d57ed0000101'").run()
    ingest = new IngestService(store.db, new FleetRegistry(store.db), { phy: new LorawanStage() })
    await ingest.submit([heard(frame(65537), 'aa555a0000000001', 3)])
    expect((store.db.prepare('SELECT fcnt FROM uplinks').get() as any).fcnt).toBe(65537)
  })

  it('rejects, with the reason, forged, replayed, unknown and malformed frames, and goes on', async () => {
    await ingest.submit([heard(frame(5), 'aa555a0000000001', 5)])
    // A new stage forgets its dedup memory, so the old frame reaches the counter check.
    ingest = new IngestService(store.db, new FleetRegistry(store.db), { phy: new LorawanStage() })
    const older = frame(4)
    await ingest.submit([
      heard(frame(6, { nwkSKey: Buffer.alloc(16, 7) }), 'aa555a0000000001', 6),
      heard(older, 'aa555a0000000001', 4),
      heard(frame(7, { devAddr: '26019999' }), 'aa555a0000000001', 7),
      heard(Buffer.from('40010203', 'hex'), 'aa555a0000000001', 8),
      heard(frame(9), 'aa555a0000000001', 9),
    ])
    expect(reasons()).toEqual(['mic_invalid', 'replay', 'unknown_device', 'malformed'])
    expect(count('SELECT count(*) AS n FROM uplinks')).toBe(2)
    expect(store.db.prepare('SELECT max(fcnt) AS n FROM uplinks').get()).toEqual({ n: 9 })
  })

  it('stores a replayed copy of an accepted frame once, even after the dedup memory', async () => {
    const phy = frame(10)
    await ingest.submit([heard(phy, 'aa555a0000000001', 10)])
    ingest = new IngestService(store.db, new FleetRegistry(store.db), { phy: new LorawanStage() })
    await ingest.submit([heard(phy, 'aa555a0000000001', 10)])
    expect(count('SELECT count(*) AS n FROM uplinks')).toBe(1)
    expect(reasons()).toEqual([])
  })
})

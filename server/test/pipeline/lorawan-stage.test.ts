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

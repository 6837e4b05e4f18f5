// Nothing acknowledged is lost: `reeflink serve` is SIGKILLed repeatedly during sustained ingest
// over UDP; every PUSH_DATA that got its PUSH_ACK must be stored, nothing twice, and the
// database must pass PRAGMA integrity_check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/store/database.js'
import { buildWithLoraPacket } from '../lorawan/lora-packet-frames.js'
import { ctdRawSamples, measurementPayload, provisionedStore, type TestStore } from '../support/fleet.js'
import { TestGateway } from '../support/semtech-gateway.js'
import { startServeProcess } from '../support/serve-process.js'

const NWK = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex')
const APP = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex')
const T = Date.parse('2026-01-01T00:00:00Z')
const CYCLES = 4

let store: TestStore
beforeAll(() => {
  store = provisionedStore()
  store.db.close()
})
afterAll(() => store.cleanup())

describe('crash safety', () => {
  it('keeps every acknowledged uplink across repeated SIGKILLs, stores none twice, and stays intact', async () => {
    const physical = Array.from({ length: 6 }, (_, k) => ({ ageS: (5 - k) * 600, temperature_degC: 25 + k * 0.01, pressure_dbar: 8.3, conductivity_S_m: 5.3 }))
    const payload = measurementPayload(ctdRawSamples(store, physical, T))
    const frame = (fCnt: number) =>
      buildWithLoraPacket({ devAddr: Buffer.from('26011001', 'hex'), fCnt, confirmed: false, adr: false, adrAckReq: false, ack: false, fOpts: Buffer.alloc(0), fPort: 1, payload, nwkSKey: NWK, appSKey: APP })
    const acked = new Set<number>()
    const sent = new Set<number>()
    let fCnt = 0
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const server = await startServeProcess(store.path)
      const gateway = new TestGateway('aa555a00000000' + String(cycle).padStart(2, '0'), server.ports.udp)
      let running = true
      // Several senders in flight, each frame a new counter, 6 samples of T + P + C.
      const senders = Array.from({ length: 8 }, async () => {
        while (running) {
          const n = ++fCnt
          sent.add(n)
          const t = new Date(T + n * 3600_000).toISOString()
          if (await gateway.push([{ phy: frame(n), time: t }], 1500)) acked.add(n)
        }
      })
      await new Promise((r) => setTimeout(r, 400 + 300 * cycle))
      server.child.kill('SIGKILL')
      await server.exited
      running = false
      await Promise.all(senders)
      gateway.close()
    }
    expect(acked.size).toBeGreaterThan(50)

    // A gateway that resends frames already stored (e.g. it never saw our PUSH_ACK) changes nothing.
    const again = await startServeProcess(store.path)
    const gateway = new TestGateway('aa555a00000000ff', again.ports.udp)
    for (const n of [...acked].slice(0, 5)) expect(await gateway.push([{ phy: frame(n), time: new Date(T + n * 3600_000).toISOString() }])).toBe(true)
    gateway.close()
    again.child.kill('SIGTERM')
    expect(await again.exited).toBe(0)

    const db = openDatabase(store.path)
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      const stored = new Set((db.prepare('SELECT fcnt FROM uplinks').all() as { fcnt: number }[]).map((r) => r.fcnt))
      const lost = [...acked].filter((n) => !stored.has(n))
      expect(lost).toEqual([])
      // Each stored frame once, with exactly its 30 observations (6 samples × TEMP, CNDC, PRES, PSAL, DEPTH).
      const perUplink = db.prepare('SELECT uplink_id, count(*) AS n FROM observations GROUP BY uplink_id HAVING n <> 30').all()
      expect(perUplink).toEqual([])
      const uplinks = (db.prepare('SELECT count(*) AS n FROM uplinks').get() as { n: number }).n
      expect(uplinks).toBe(stored.size)
      expect(uplinks).toBeLessThanOrEqual(sent.size)
    } finally {
      db.close()
    }
  }, 120_000)
})

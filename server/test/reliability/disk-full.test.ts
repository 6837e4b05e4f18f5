// A store that cannot grow (SQLITE_FULL, here from PRAGMA max_page_count — the same error SQLite
// gives on a full disk) or cannot be written (SQLITE_READONLY, from PRAGMA query_only): no PUSH_ACK for what could not be stored, a clear error in the log and
// on /health (503), nothing half-written, and ingest resumes by itself once there is room again.
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { startServer, type RunningServer } from '../../src/server.js'
import { openDatabase } from '../../src/store/database.js'
import { buildWithLoraPacket } from '../lorawan/lora-packet-frames.js'
import { ctdRawSamples, measurementPayload, provisionedStore, type TestStore } from '../support/fleet.js'
import { TestGateway } from '../support/semtech-gateway.js'

const NWK = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex')
const APP = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex')
const T = Date.parse('2026-01-01T00:00:00Z')

let store: TestStore
let server: RunningServer
const logLines: { level: number; msg: string; err?: { message?: string } }[] = []
beforeAll(async () => {
  store = provisionedStore()
  store.db.close()
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) logLines.push(JSON.parse(line))
      done()
    },
  })
  const config = loadConfig({ env: {}, flags: { database: store.path, http: { port: 0 }, mqtt: { embedded: false }, udp: { port: 0 } } })
  server = await startServer(config, pino({ level: 'info' }, sink))
})
afterAll(async () => {
  await server.close()
  store.cleanup()
})

describe('disk full', () => {
  it('sends no ack while the store is full, reports it, and resumes when there is room', async () => {
    const physical = Array.from({ length: 17 }, (_, k) => ({ ageS: (16 - k) * 600, temperature_degC: 25 + k * 0.01, pressure_dbar: 8.3, conductivity_S_m: 5.3 }))
    const payload = measurementPayload(ctdRawSamples(store, physical, T))
    const frame = (fCnt: number) =>
      buildWithLoraPacket({ devAddr: Buffer.from('26011001', 'hex'), fCnt, confirmed: false, adr: false, adrAckReq: false, ack: false, fOpts: Buffer.alloc(0), fPort: 1, payload, nwkSKey: NWK, appSKey: APP })
    const time = (n: number) => new Date(T + n * 3600_000).toISOString()
    const gateway = new TestGateway('aa555a0000000001', server.ports.udp!)
    expect(await gateway.push([{ phy: frame(1), time: time(1) }])).toBe(true)

    // No room beyond the pages in use now: the next batch needs new pages and fails with SQLITE_FULL.
    const pages = server.db.pragma('page_count', { simple: true }) as number
    server.db.pragma(`max_page_count = ${pages}`)
    const acked: number[] = []
    const refused: number[] = []
    // Bounded: frames until one is refused (every frame brings ~85 new rows: pages fill fast).
    for (let n = 2; n < 400 && refused.length === 0; n++) {
      if (await gateway.push([{ phy: frame(n), time: time(n) }], 2000)) acked.push(n)
      else refused.push(n)
    }
    expect(refused.length).toBe(1)
    const failed = logLines.find((l) => l.msg.startsWith('ingest batch failed'))
    expect(failed?.err?.message).toMatch(/full/i)
    const health = await fetch(`${server.urls.http}/health`)
    expect(health.status).toBe(503)
    expect(await health.json()).toMatchObject({ ready: false, ingest: { writable: false } })
    // Still full: a retry is still refused, nothing of it stored.
    expect(await gateway.push([{ phy: frame(refused[0]), time: time(refused[0]) }], 2000)).toBe(false)

    // Room again: the gateway's resend is stored and acknowledged, and /health recovers.
    server.db.pragma('max_page_count = 1073741823')
    expect(await gateway.push([{ phy: frame(refused[0]), time: time(refused[0]) }])).toBe(true)
    expect(await gateway.push([{ phy: frame(1000), time: time(1000) }])).toBe(true)
    expect((await fetch(`${server.urls.http}/health`)).status).toBe(200)
    gateway.close()

    const db = openDatabase(store.path, { readonly: true })
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      const stored = (db.prepare('SELECT fcnt FROM uplinks ORDER BY fcnt').all() as { fcnt: number }[]).map((r) => r.fcnt)
      expect(stored).toEqual([1, ...acked, refused[0], 1000])
      const partial = db.prepare('SELECT uplink_id, count(*) AS n FROM observations GROUP BY uplink_id HAVING n <> 85').all()
      expect(partial).toEqual([])
    } finally {
      db.close()
    }
  }, 60_000)

  it('does the same while the database refuses writes (SQLITE_READONLY), and resumes after', async () => {
    const payload = measurementPayload(ctdRawSamples(store, [{ ageS: 0, temperature_degC: 25, pressure_dbar: 8.3, conductivity_S_m: 5.3 }], T))
    const frame = (fCnt: number) =>
      buildWithLoraPacket({ devAddr: Buffer.from('26011001', 'hex'), fCnt, confirmed: false, adr: false, adrAckReq: false, ack: false, fOpts: Buffer.alloc(0), fPort: 1, payload, nwkSKey: NWK, appSKey: APP })
    const time = (n: number) => new Date(T + n * 3600_000).toISOString()
    const gateway = new TestGateway('aa555a0000000002', server.ports.udp!)
    const count = () => (server.db.prepare('SELECT count(*) AS n FROM uplinks').get() as { n: number }).n
    const before = count()
    // query_only makes SQLite refuse every write with SQLITE_READONLY, as a read-only file would.
    server.db.pragma('query_only = 1')
    expect(await gateway.push([{ phy: frame(5000), time: time(5000) }], 2000)).toBe(false)
    const failed = logLines.filter((l) => l.msg.startsWith('ingest batch failed')).at(-1)
    expect(failed?.err?.message).toMatch(/readonly/i)
    expect((await fetch(`${server.urls.http}/health`)).status).toBe(503)
    server.db.pragma('query_only = 0')
    expect(count()).toBe(before)
    expect(await gateway.push([{ phy: frame(5000), time: time(5000) }])).toBe(true)
    expect(count()).toBe(before + 1)
    expect((await fetch(`${server.urls.http}/health`)).status).toBe(200)
    gateway.close()
  })
})

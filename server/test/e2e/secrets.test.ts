// Device keys never leave the server: not in its logs (even at trace level, even when frames fail
// their checks), not in any API answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildWithLoraPacket } from '../lorawan/lora-packet-frames.js'
import { ctdRawSamples, measurementPayload, provisionedStore, type TestStore } from '../support/fleet.js'
import { TestGateway } from '../support/semtech-gateway.js'
import { startServeProcess, type ServeProcess } from '../support/serve-process.js'

const NWK = '2b7e151628aed2a6abf7158809cf4f3c'
const APP = '000102030405060708090a0b0c0d0e0f'
const T = Date.parse('2026-02-01T00:00:00Z')

let store: TestStore
let server: ServeProcess
beforeAll(async () => {
  store = provisionedStore()
  store.db.close()
  server = await startServeProcess(store.path, ['--log-level', 'trace'])
})
afterAll(async () => {
  server.child.kill('SIGTERM')
  await server.exited
  store.cleanup()
})

describe('device keys', () => {
  it('appear in no log line and no API answer', async () => {
    const payload = measurementPayload(ctdRawSamples(store, [{ ageS: 0, temperature_degC: 25, pressure_dbar: 8, conductivity_S_m: 5.3 }], T))
    const frame = (fCnt: number, nwk: string) =>
      buildWithLoraPacket({ devAddr: Buffer.from('26011001', 'hex'), fCnt, confirmed: false, adr: false, adrAckReq: false, ack: false, fOpts: Buffer.alloc(0), fPort: 1, payload, nwkSKey: Buffer.from(nwk, 'hex'), appSKey: Buffer.from(APP, 'hex') })
    const gw = new TestGateway('aa555a0000000009', server.ports.udp)
    expect(await gw.push([{ phy: frame(1, NWK), time: new Date(T).toISOString() }])).toBe(true)
    expect(await gw.push([{ phy: frame(2, '00'.repeat(16)), time: new Date(T + 600_000).toISOString() }])).toBe(true) // MIC fails
    gw.close()
    const base = `http://127.0.0.1:${server.ports.http}`
    const answers = await Promise.all(
      ['/v1.1/Things?$expand=Datastreams/Sensor,Locations', '/v1.1/Sensors', '/v1.1/Datastreams?$expand=Observations($top=5)', '/metrics', '/health'].map(async (u) => (await fetch(base + u)).text()),
    )
    const everything = [...server.log, ...answers].join('\n').toLowerCase()
    expect(server.log.length).toBeGreaterThan(3)
    for (const key of [NWK, APP]) {
      expect(everything).not.toContain(key)
      expect(everything).not.toContain(Buffer.from(key, 'hex').toString('base64').toLowerCase())
    }
  })
})

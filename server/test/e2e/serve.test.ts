// `reeflink serve` end to end: a frame over Semtech UDP comes out of the SensorThings API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pino } from 'pino'
import { loadConfig } from '../../src/config/config.js'
import { startServer, type RunningServer } from '../../src/server.js'
import { buildWithLoraPacket } from '../lorawan/lora-packet-frames.js'
import { ctdRawSamples, measurementPayload, provisionedStore, type TestStore } from '../support/fleet.js'
import { TestGateway } from '../support/semtech-gateway.js'

let store: TestStore
let server: RunningServer
let gateway: TestGateway
beforeAll(async () => {
  store = provisionedStore()
  store.db.close()
  const config = loadConfig({ env: {}, flags: { database: store.path, http: { port: 0 }, mqtt: { port: 0 }, udp: { port: 0 }, log: { level: 'silent' } } })
  server = await startServer(config, pino({ level: 'silent' }))
  gateway = new TestGateway('aa555a0000000001', server.ports.udp!)
})
afterAll(async () => {
  gateway.close()
  await server.close()
  store.cleanup()
})

const T = Date.parse('2026-03-01T12:00:00Z')

describe('reeflink serve', () => {
  it('acknowledges a PUSH_DATA once stored, and serves the observation with its phenomenonTime and quality', async () => {
    const physical = [
      { ageS: 600, temperature_degC: 26.4, pressure_dbar: 8.1, conductivity_S_m: 5.4 },
      { ageS: 0, temperature_degC: 26.5, pressure_dbar: 8.2, conductivity_S_m: 5.41 },
    ]
    const phy = buildWithLoraPacket({
      devAddr: Buffer.from('26011001', 'hex'),
      fCnt: 1,
      confirmed: false,
      adr: false,
      adrAckReq: false,
      ack: false,
      fOpts: Buffer.alloc(0),
      fPort: 1,
      payload: measurementPayload(ctdRawSamples(store, physical, T)),
      nwkSKey: Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex'),
      appSKey: Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex'),
    })
    expect(await gateway.push([{ phy, time: new Date(T).toISOString() }])).toBe(true)

    const ds = await server.http.inject({ method: 'GET', url: "/v1.1/Datastreams?$filter=properties/station_code eq 'MHXCOK01' and properties/quantity eq 'TEMP'&$select=id" })
    const id = ds.json().value[0]['@iot.id']
    const res = await server.http.inject({ method: 'GET', url: `/v1.1/Datastreams(${id})/Observations?$orderby=phenomenonTime&$select=phenomenonTime,result,resultTime,resultQuality` })
    const values = res.json().value
    expect(values).toHaveLength(2)
    expect(values[0].phenomenonTime).toBe(new Date(T - 600_000).toISOString())
    expect(values[1].resultTime).toBe(new Date(T).toISOString())
    expect(values[0].result).toBeCloseTo(26.4, 3)
    expect(values[1].result).toBeCloseTo(26.5, 3)
    expect(values[0].resultQuality).toMatchObject({ aggregate: 1 })
  })

  it('answers random datagrams with nothing but a counted rejection, and keeps serving', async () => {
    const { createSocket } = await import('node:dgram')
    const s = createSocket('udp4')
    for (const junk of [Buffer.from('hello'), Buffer.alloc(0), Buffer.from([2, 0, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0x7b])]) s.send(junk, server.ports.udp!, '127.0.0.1')
    await new Promise((r) => setTimeout(r, 200))
    s.close()
    expect(server.sourceCounters.rejected({ source: 'semtech-udp' })).toBeGreaterThanOrEqual(2)
    const health = await server.http.inject({ method: 'GET', url: '/health' })
    expect(health.statusCode).toBe(200)
    expect(health.json()).toMatchObject({ status: 'ok', ready: true, database: { status: 'ok' }, broker: 'listening', udp: 'listening' })
  })

  it('exposes Prometheus metrics: uplinks by outcome, rejections by reason, ingest lag, request latencies', async () => {
    const res = await server.http.inject({ method: 'GET', url: '/metrics' })
    expect(res.statusCode).toBe(200)
    const text = res.body
    expect(text).toMatch(/^reeflink_uplinks_total\{outcome="accepted"\} 1$/m)
    expect(text).toMatch(/^reeflink_source_rejections_total\{source="semtech-udp",reason="[a-z_-]+"\} [1-9]/m)
    expect(text).toMatch(/^reeflink_ingest_lag_seconds_count [1-9]/m)
    expect(text).toMatch(/^reeflink_http_request_duration_seconds_count\{[^}]*route="\/health"[^}]*\} [1-9]/m)
  })

  it('sends security headers', async () => {
    const res = await server.http.inject({ method: 'GET', url: '/health' })
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['content-security-policy']).toContain("default-src 'self'")
  })
})

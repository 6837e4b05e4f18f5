// A slow SensorThings read does not hold ingest (issue #10): `reeflink serve` (the precompiled
// bundle when it is fresh, else the sources through tsx) on a file store with enough Observations
// for a $filter to run into a 2.5 s query time limit, while a gateway sends uplinks one after the
// other over UDP; the longest gap between two PUSH_ACKs while the read runs is measured. With the
// read workers (the default) it must stay far below the read's duration; with reads on the event
// loop (http.readWorkers 0) it is about the read's duration — the test shows both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildWithLoraPacket } from '../lorawan/lora-packet-frames.js'
import { ctdRawSamples, measurementPayload, provisionedStore, type TestStore } from '../support/fleet.js'
import { TestGateway } from '../support/semtech-gateway.js'
import { startServeProcess } from '../support/serve-process.js'

const NWK = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex')
const APP = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex')
const T = Date.parse('2026-01-01T00:00:00Z')
const T0 = Date.UTC(2020, 0, 1)
const ROWS = 2_400_000
const LIMIT_MS = 2000
// Every Observation visited, six nested computations each, none matching (about 4 s without a limit).
const SLOW_FILTER = [
  'round(result mul 1.7 add second(phenomenonTime)) eq -1',
  'floor(ceiling(result div 3) mul hour(phenomenonTime)) eq -5',
  'round(result mul minute(phenomenonTime) add 0.5) eq -7',
  'floor(result add day(phenomenonTime) mul 2) eq -9',
  'ceiling(result mul month(phenomenonTime) sub 3) eq -11',
  'round(result div 7 add year(phenomenonTime)) eq -13',
].join(' or ')

let store: TestStore
beforeAll(() => {
  store = provisionedStore()
  const series = (store.db.prepare('SELECT id FROM datastreams ORDER BY id').all() as { id: number }[]).map((r) => r.id)
  const ins = store.db.prepare('INSERT INTO observations (datastream_id, phenomenon_time, result, raw, qc, age_s) VALUES (?, ?, ?, ?, 0, 60)')
  const per = Math.floor(ROWS / series.length)
  store.db.transaction(() => {
    for (const ds of series) for (let k = 0; k < per; k++) ins.run(ds, T0 + k * 600_000, 20 + Math.sin(k / 144), 500_000 + (k % 1000))
  })()
  store.db.close()
}, 120_000)
afterAll(() => store.cleanup())

let fCnt = 0

/** Serves the store with `env`, runs the slow read while uplinks are acked one after the other. */
async function run(env: Record<string, string>): Promise<{ readMs: number; status: number; code: string; longestGap: number; acks: number; log: string[] }> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]))
  Object.assign(process.env, env)
  const server = await startServeProcess(store.path, ['--log-level', 'debug']).finally(() => {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]
    else process.env[k] = v
  })
  const payload = measurementPayload(ctdRawSamples(store, [{ ageS: 0, temperature_degC: 25, pressure_dbar: 8.3, conductivity_S_m: 5.3 }], T))
  const frame = (n: number) =>
    buildWithLoraPacket({ devAddr: Buffer.from('26011001', 'hex'), fCnt: n, confirmed: false, adr: false, adrAckReq: false, ack: false, fOpts: Buffer.alloc(0), fPort: 1, payload, nwkSKey: NWK, appSKey: APP })
  const gateway = new TestGateway('aa555a0000000042', server.ports.udp)
  try {
    // Warm up: ingest acks, and the read path (plans, a worker's first query).
    for (let i = 0; i < 20; i++) expect(await gateway.push([{ phy: frame(++fCnt), time: new Date(T + fCnt * 60_000).toISOString() }])).toBe(true)
    const base = `http://127.0.0.1:${server.ports.http}/v1.1`
    expect((await fetch(`${base}/Observations?$top=1&$filter=${encodeURIComponent('result gt 0')}`)).status).toBe(200)
    // One uplink after the other: each sent when the previous one is acked.
    let running = true
    const ackTimes: number[] = []
    const sender = (async () => {
      while (running) if (await gateway.push([{ phy: frame(++fCnt), time: new Date(T + fCnt * 60_000).toISOString() }], 20_000)) ackTimes.push(Date.now())
    })()
    await new Promise((r) => setTimeout(r, 300))
    const t = Date.now()
    const res = await fetch(`${base}/Observations?$top=10&$filter=${encodeURIComponent(SLOW_FILTER)}`)
    const body = (await res.json()) as { code: string }
    const end = Date.now()
    await new Promise((r) => setTimeout(r, 300))
    running = false
    await sender
    // Gaps ending during the read or just after it (an ack held by the read comes after it).
    let longestGap = 0
    let acks = 0
    for (let i = 1; i < ackTimes.length; i++) {
      if (ackTimes[i] < t || ackTimes[i - 1] > end) continue
      longestGap = Math.max(longestGap, ackTimes[i] - ackTimes[i - 1])
      if (ackTimes[i] <= end) acks++
    }
    return { readMs: end - t, status: res.status, code: body.code, longestGap, acks, log: server.log }
  } finally {
    gateway.close()
    server.child.kill('SIGTERM')
    await server.exited
  }
}

describe('a slow read and ingest', () => {
  it('keeps PUSH_ACKs flowing while a $filter runs into the query time limit in a read worker', async () => {
    const r = await run({ REEFLINK_QUERY_TIMEOUT_MS: String(LIMIT_MS) })
    const viaTsx = r.log.some((l) => l.includes('loading the TypeScript sources through tsx'))
    console.log(`read workers (${viaTsx ? 'tsx' : 'bundle'}): read ${r.readMs} ms (${r.status} ${r.code}), ${r.acks} acks meanwhile, longest gap between acks ${r.longestGap} ms`)
    expect([r.status, r.code]).toEqual([503, 'STA_QUERY_TIMEOUT'])
    expect(r.readMs).toBeGreaterThanOrEqual(LIMIT_MS * 0.9)
    expect(r.acks).toBeGreaterThan(10)
    expect(r.longestGap).toBeLessThan(r.readMs / 4)
  }, 60_000)

  it('(reference) on the event loop (http.readWorkers 0) the same read holds the acks for about its duration', async () => {
    const r = await run({ REEFLINK_QUERY_TIMEOUT_MS: String(LIMIT_MS), REEFLINK_READ_WORKERS: '0' })
    console.log(`event loop: read ${r.readMs} ms (${r.status} ${r.code}), ${r.acks} acks meanwhile, longest gap between acks ${r.longestGap} ms`)
    expect([r.status, r.code]).toEqual([503, 'STA_QUERY_TIMEOUT'])
    expect(r.longestGap).toBeGreaterThan(r.readMs / 2)
  }, 60_000)
})

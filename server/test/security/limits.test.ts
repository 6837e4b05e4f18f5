// Resource limits on a real server (ephemeral ports on 127.0.0.1): HTTP request rate, the
// failed-authentication budget for writes, the broker's connection cap and failed-CONNECT
// budget, and the Semtech UDP per-gateway rate.
import { createSocket } from 'node:dgram'
import { connect as tcpConnect } from 'node:net'
import { PassThrough } from 'node:stream'
import mqtt from 'mqtt'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { startServer, type RunningServer } from '../../src/server.js'
import { guardPacketSize } from '../../src/ops/limits.js'
import { provisionedStore, type TestStore } from '../support/fleet.js'

const ADMIN = 'admin-key-for-limits-tests-0123456789'
let store: TestStore | null = null
let server: RunningServer | null = null
afterEach(async () => {
  await server?.close()
  store?.cleanup()
  server = null
  store = null
})

async function start(flags: Record<string, unknown>): Promise<RunningServer> {
  store = provisionedStore()
  store.db.close()
  const base = { database: store.path, http: { port: 0 }, mqtt: { port: 0 }, udp: { port: 0 }, log: { level: 'silent' } }
  const merged = { ...base, ...flags, http: { ...base.http, ...(flags.http as object) }, mqtt: { ...base.mqtt, ...(flags.mqtt as object) }, udp: { ...base.udp, ...(flags.udp as object) } }
  server = await startServer(loadConfig({ env: {}, flags: merged, cwd: store.dir }), pino({ level: 'silent' }))
  return server
}

function connectMqtt(port: number, opts: mqtt.IClientOptions = {}): Promise<{ client: mqtt.MqttClient | null; code: number | null }> {
  return new Promise((resolve) => {
    const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 5000, ...opts })
    client.once('connect', () => resolve({ client, code: 0 }))
    client.once('error', (err) => {
      client.end(true)
      resolve({ client: null, code: (err as { code?: number }).code ?? -1 })
    })
  })
}

describe('HTTP limits', () => {
  it('answers 429 RATE_LIMITED past the per-client request budget, and /health still answers', async () => {
    const s = await start({ http: { rateLimit: { requestsPerWindow: 5, windowMs: 60_000, failedAuthPerWindow: 20 } } })
    const statuses: number[] = []
    for (let i = 0; i < 8; i++) statuses.push((await fetch(`${s.urls.http}/v1.1/Things`)).status)
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200])
    expect(statuses.slice(5)).toEqual([429, 429, 429])
    const res = await fetch(`${s.urls.http}/v1.1/Things`)
    expect(await res.json()).toMatchObject({ code: 'RATE_LIMITED' })
    expect((await fetch(`${s.urls.http}/health`)).status).toBe(200)
    expect(await (await fetch(`${s.urls.http}/metrics`)).text()).toContain('reeflink_limit_refusals_total{limit="http_rate"} 4')
  })

  it('refuses writes (even with the right key) after too many failed authentications, reads go on', async () => {
    store = provisionedStore()
    store.db.close()
    const config = loadConfig({
      env: { REEFLINK_ADMIN_KEY: ADMIN },
      flags: { database: store.path, http: { port: 0, rateLimit: { requestsPerWindow: 1000, windowMs: 60_000, failedAuthPerWindow: 3 } }, mqtt: { port: 0 }, udp: { port: 0 }, log: { level: 'silent' } },
    })
    server = await startServer(config, pino({ level: 'silent' }))
    const post = (key: string) =>
      fetch(`${server!.urls.http}/v1.1/Things`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', description: 'y' }) })
    expect((await post(ADMIN)).status).toBe(201)
    for (let i = 0; i < 3; i++) expect((await post('wrong-key')).status).toBe(401)
    const blocked = await post(ADMIN)
    expect(blocked.status).toBe(429)
    expect(await blocked.json()).toMatchObject({ code: 'AUTH_RATE_LIMITED' })
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await fetch(`${server.urls.http}/v1.1/Things`)).status).toBe(200)
  })
})

describe('embedded broker limits', () => {
  it('refuses connections past mqtt.maxConnections with CONNACK 3, and accepts again when one leaves', async () => {
    const s = await start({ mqtt: { maxConnections: 2 } })
    const port = s.ports.mqtt!
    const a = await connectMqtt(port)
    const b = await connectMqtt(port)
    expect([a.code, b.code]).toEqual([0, 0])
    const c = await connectMqtt(port)
    expect(c.code).toBe(3)
    expect(await (await fetch(`${s.urls.http}/metrics`)).text()).toContain('reeflink_limit_refusals_total{limit="mqtt_connections"} 1')
    await new Promise<void>((r) => a.client!.end(false, {}, () => r()))
    // aedes counts the client gone once its socket closed: retry a bounded number of times.
    let d: Awaited<ReturnType<typeof connectMqtt>> = { client: null, code: null }
    for (let i = 0; i < 50 && d.code !== 0; i++) {
      d = await connectMqtt(port)
      if (d.code !== 0) await new Promise((r) => setTimeout(r, 20))
    }
    expect(d.code).toBe(0)
    b.client!.end(true)
    d.client!.end(true)
  })

  it('refuses even a right password from an address that failed authentication too often', async () => {
    store = provisionedStore()
    store.db.close()
    const config = loadConfig({
      env: { REEFLINK_ADMIN_KEY: ADMIN },
      flags: { database: store.path, http: { port: 0, rateLimit: { requestsPerWindow: 1000, windowMs: 60_000, failedAuthPerWindow: 3 } }, mqtt: { port: 0 }, udp: { port: 0 }, log: { level: 'silent' } },
    })
    server = await startServer(config, pino({ level: 'silent' }))
    const port = server.ports.mqtt!
    const ok = await connectMqtt(port, { username: 'admin', password: ADMIN })
    expect(ok.code).toBe(0)
    ok.client!.end(true)
    for (let i = 0; i < 3; i++) expect((await connectMqtt(port, { username: 'admin', password: 'nope' })).code).toBe(4)
    expect((await connectMqtt(port, { username: 'admin', password: ADMIN })).code).toBe(4)
  })
})

/** MQTT fixed header: type byte + remaining length as a varint. */
function fixedHeader(type: number, length: number): Buffer {
  const out = [type]
  do {
    let b = length % 128
    length = Math.floor(length / 128)
    if (length > 0) b |= 0x80
    out.push(b)
  } while (length > 0)
  return Buffer.from(out)
}

describe('MQTT packet-size guard', () => {
  it('follows packet boundaries across chunks and refuses the first oversized packet', () => {
    const s = new PassThrough()
    let refused = 0
    guardPacketSize(s, 1000, () => refused++)
    const small = Buffer.concat([fixedHeader(0x30, 900), Buffer.alloc(900, 0x30)])
    // Split everywhere, including inside the length bytes: 3 packets within the limit.
    const stream = Buffer.concat([small, fixedHeader(0x30, 200), Buffer.alloc(200, 0xff), small])
    for (let i = 0; i < stream.length; i += 7) s.write(stream.subarray(i, i + 7))
    expect(refused).toBe(0)
    expect(s.destroyed).toBe(false)
    s.write(fixedHeader(0x30, 1001).subarray(0, 1))
    s.write(fixedHeader(0x30, 1001).subarray(1))
    expect(refused).toBe(1)
    expect(s.destroyed).toBe(true)
    const malformed = new PassThrough()
    guardPacketSize(malformed, 1000, () => refused++)
    malformed.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f]))
    expect(malformed.destroyed).toBe(true)
  })

  it('closes a connection that announces a packet over the limit, before it is sent', async () => {
    const s = await start({})
    const socket = tcpConnect(s.ports.mqtt!, '127.0.0.1')
    await new Promise<void>((r) => socket.once('connect', () => r()))
    const closed = new Promise<boolean>((resolve) => {
      socket.once('close', () => resolve(true))
      setTimeout(() => resolve(false), 5000)
    })
    socket.on('error', () => undefined)
    socket.write(Buffer.concat([fixedHeader(0x10, 200 * 1024 * 1024), Buffer.alloc(1024)]))
    expect(await closed).toBe(true)
    expect(await (await fetch(`${s.urls.http}/metrics`)).text()).toContain('reeflink_limit_refusals_total{limit="mqtt_packet_size"} 1')
    // Normal clients still connect.
    const ok = await connectMqtt(s.ports.mqtt!)
    expect(ok.code).toBe(0)
    ok.client!.end(true)
  })
})

describe('Semtech UDP per-gateway limits', () => {
  it('drops datagrams of a gateway over its rate unanswered, and keeps answering the others', async () => {
    const s = await start({ udp: { maxDatagramsPerSecond: 2 } })
    const socket = createSocket('udp4')
    let pullAcks = 0
    socket.on('message', (m) => {
      if (m.length === 4 && m[3] === 4) pullAcks++ // PULL_ACK
    })
    const pullData = (eui: string, token: number) => {
      const b = Buffer.alloc(12)
      b[0] = 2
      b.writeUInt16BE(token, 1)
      b[3] = 2
      Buffer.from(eui, 'hex').copy(b, 4)
      return b
    }
    const send = (b: Buffer) => new Promise<void>((r) => socket.send(b, s.ports.udp!, '127.0.0.1', () => r()))
    const t0 = Date.now()
    for (let i = 0; i < 20; i++) await send(pullData('aa555a0000000001', i))
    const elapsedS = (Date.now() - t0) / 1000
    // Every answer arrives within a moment on loopback; wait for the quiet gateway's one answer.
    const before = await new Promise<number>((resolve) => setTimeout(() => resolve(pullAcks), 300))
    const allowed = 2 + Math.ceil((elapsedS + 0.3) * 2)
    expect(before).toBeGreaterThanOrEqual(2)
    expect(before).toBeLessThanOrEqual(allowed)
    await send(pullData('aa555a0000000002', 99))
    let after = before
    for (let i = 0; i < 100 && after === before; i++) {
      await new Promise((r) => setTimeout(r, 10))
      after = pullAcks
    }
    expect(after).toBe(before + 1)
    socket.close()
    const metrics = await (await fetch(`${s.urls.http}/metrics`)).text()
    expect(Number(/reeflink_limit_refusals_total\{limit="udp_gateway"\} (\d+)/.exec(metrics)?.[1])).toBe(20 - before)
  })
})

// Downlinks for devices behind ChirpStack v4 / The Things Stack v3, through a real `reeflink serve`
// (in-process startServer) with its embedded aedes broker, and a real mqtt.js client playing the
// network server's MQTT integration: it publishes the uplinks and the downlink events, and
// subscribes to the downlink topics. Enqueued over the HTTP route.
import type { MqttClient } from 'mqtt'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { chirpstackQueueItemId, DownlinkStore } from '../../src/downlink/index.js'
import { startServer, type RunningServer } from '../../src/server.js'
import { openDatabase } from '../../src/store/database.js'
import { fixtureText } from '../ingest/helpers.js'
import { connectClient } from '../ingest/mqttBroker.js'
import { LOGGER_DEVICE, provisionedStore, statusPayload, type TestStore } from '../support/fleet.js'

const ADMIN = 'test-admin-key-ns-0123456789'
const auth = { authorization: `Bearer ${ADMIN}` }
// The ABP device's session keys from docs/fleet.example.yaml: must never appear anywhere.
const ABP_KEYS = ['2b7e151628aed2a6abf7158809cf4f3c', '000102030405060708090a0b0c0d0e0f']
const CS_APP = 'a1b2c3d4-0001-4c5e-8f00-000000000001'
const TTS_APP = 'reeftemps-lagoon'
const TTS_TENANT = 'reeflink'
const TTS_DEVICE = 'logger-dumbea'

let store: TestStore
let server: RunningServer
let ns: MqttClient
const received: { topic: string; payload: string }[] = []
const logLines: string[] = []
let fCnt = 0

beforeAll(async () => {
  store = provisionedStore()
  store.db.close()
  const config = loadConfig({
    env: {},
    flags: { database: store.path, http: { port: 0 }, mqtt: { port: 0 }, udp: { enabled: false }, auth: { adminKey: ADMIN }, log: { level: 'info' } },
  })
  server = await startServer(config, pino({ level: 'info' }, { write: (s: string) => void logLines.push(s) }))
  ns = await connectClient(`mqtt://127.0.0.1:${server.ports.mqtt}`, { clientId: 'network-server', username: 'admin', password: ADMIN })
  ns.on('message', (topic, payload) => received.push({ topic, payload: payload.toString('utf8') }))
  await ns.subscribeAsync(['application/+/device/+/command/down', 'v3/+/devices/+/down/push'], { qos: 1 })
})

afterAll(async () => {
  await ns?.endAsync(true)
  await server?.close()
  store?.cleanup()
})

async function enqueue(body: object) {
  return server.http.inject({ method: 'POST', url: `/api/devices/${LOGGER_DEVICE}/downlinks`, headers: auth, payload: body })
}

async function item(id: number): Promise<any> {
  const r = await server.http.inject({ method: 'GET', url: `/api/devices/${LOGGER_DEVICE}/downlinks`, headers: auth })
  return r.json().items.find((i: any) => i.id === id)
}

async function nextMessage(count: number): Promise<{ topic: string; json: any }> {
  await vi.waitFor(() => expect(received.length).toBeGreaterThanOrEqual(count), { timeout: 5000, interval: 20 })
  const m = received[count - 1]!
  return { topic: m.topic, json: JSON.parse(m.payload) }
}

async function chirpstackUplink(): Promise<void> {
  const up = JSON.parse(fixtureText('chirpstack/app-up-first-uplink.json'))
  up.deviceInfo.devEui = LOGGER_DEVICE
  up.deviceInfo.applicationId = CS_APP
  up.fCnt = ++fCnt
  up.fPort = 2
  up.data = statusPayload().toString('base64')
  await ns.publishAsync(`application/${CS_APP}/device/${LOGGER_DEVICE}/event/up`, JSON.stringify(up), { qos: 1 })
}

async function ttsUplink(): Promise<void> {
  const up = JSON.parse(fixtureText('tts/up-first-uplink.json'))
  up.end_device_ids.dev_eui = LOGGER_DEVICE.toUpperCase()
  up.end_device_ids.device_id = TTS_DEVICE
  up.end_device_ids.application_ids.application_id = TTS_APP
  up.correlation_ids = [`ns:uplink:01HR3Z8Q4X2Y7T0M9P4R6S8U${String(++fCnt).padStart(2, '0')}`]
  up.uplink_message.f_cnt = fCnt
  up.uplink_message.f_port = 2
  up.uplink_message.frm_payload = statusPayload().toString('base64')
  await ns.publishAsync(`v3/${TTS_APP}@${TTS_TENANT}/devices/${TTS_DEVICE}/up`, JSON.stringify(up), { qos: 1 })
}

describe('downlinks to a device behind ChirpStack v4 (MQTT integration on the embedded broker)', () => {
  it('keeps the item pending until an uplink names the application, then publishes the command', async () => {
    const r = await enqueue({ config: { intervalS: 300 } })
    expect(r.statusCode).toBe(201)
    const queued = r.json().item
    expect(queued).toMatchObject({ state: 'pending', fPort: 10, attempts: 0 })
    expect(queued.reason).toMatch(/waiting for an uplink of this device over MQTT/)
    expect(received).toHaveLength(0)

    await chirpstackUplink()
    const m = await nextMessage(1)
    expect(m.topic).toBe(`application/${CS_APP}/device/${LOGGER_DEVICE}/command/down`)
    expect(m.json).toEqual({ id: chirpstackQueueItemId(LOGGER_DEVICE, queued.id, 1), devEui: LOGGER_DEVICE, confirmed: false, fPort: 10, data: Buffer.from(queued.payloadHex, 'hex').toString('base64') })
    expect(Buffer.from(m.json.data, 'base64').toString('hex')).toBe(queued.payloadHex)
    expect(m.json.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    await vi.waitFor(async () => expect(await item(queued.id)).toMatchObject({ state: 'sent', attempts: 1, reason: null }), { timeout: 3000 })
  })

  it('publishes at once when the route is known; txack and ack events move the item on', async () => {
    const r = await enqueue({ fPort: 20, payloadHex: '01ff7e', confirmed: true })
    const queued = r.json().item
    const m = await nextMessage(2)
    expect(m.topic).toBe(`application/${CS_APP}/device/${LOGGER_DEVICE}/command/down`)
    const queueItemId = chirpstackQueueItemId(LOGGER_DEVICE, queued.id, 1)
    expect(m.json).toEqual({ id: queueItemId, devEui: LOGGER_DEVICE, confirmed: true, fPort: 20, data: 'Af9+' })
    await vi.waitFor(async () => expect((await item(queued.id)).state).toBe('sent'), { timeout: 3000 })

    const deviceInfo = { applicationId: CS_APP, devEui: LOGGER_DEVICE }
    // Someone else's queue item (ChirpStack UI): ignored.
    await ns.publishAsync(`application/${CS_APP}/device/${LOGGER_DEVICE}/event/ack`, JSON.stringify({ deviceInfo, queueItemId: '0b4b3f0e-1111-4222-8333-444455556666', acknowledged: true }), { qos: 1 })
    await ns.publishAsync(`application/${CS_APP}/device/${LOGGER_DEVICE}/event/txack`, JSON.stringify({ downlinkId: 7, deviceInfo, queueItemId, fCntDown: 12, gatewayId: 'B827EBFFFE6A1C2D' }), { qos: 1 })
    await vi.waitFor(async () => expect(await item(queued.id)).toMatchObject({ state: 'sent', fCntDown: 12, gatewayId: 'b827ebfffe6a1c2d' }), { timeout: 3000 })
    await ns.publishAsync(`application/${CS_APP}/device/${LOGGER_DEVICE}/event/ack`, JSON.stringify({ deviceInfo, queueItemId, acknowledged: true, fCntDown: 12 }), { qos: 1 })
    await vi.waitFor(async () => expect((await item(queued.id)).state).toBe('acked'), { timeout: 3000 })
  })

  it('a confirmed item ChirpStack gave up on (acknowledged: false) goes again, under a new queue item id', async () => {
    const queued = (await enqueue({ fPort: 21, payloadHex: 'aa', confirmed: true })).json().item
    const first = await nextMessage(3)
    const deviceInfo = { applicationId: CS_APP, devEui: LOGGER_DEVICE }
    await vi.waitFor(async () => expect((await item(queued.id)).state).toBe('sent'), { timeout: 3000 })
    await ns.publishAsync(`application/${CS_APP}/device/${LOGGER_DEVICE}/event/ack`, JSON.stringify({ deviceInfo, queueItemId: first.json.id, fCntDown: 13 }), { qos: 1 })
    await vi.waitFor(async () => expect(await item(queued.id)).toMatchObject({ state: 'pending', reason: 'no ACK from the device (ChirpStack ack event)' }), { timeout: 3000 })
    await chirpstackUplink()
    const again = await nextMessage(4)
    expect(again.json).toMatchObject({ id: chirpstackQueueItemId(LOGGER_DEVICE, queued.id, 2), fPort: 21, data: 'qg==', confirmed: true })
    expect(again.json.id).not.toBe(first.json.id)
    await vi.waitFor(async () => expect(await item(queued.id)).toMatchObject({ state: 'sent', attempts: 2 }), { timeout: 3000 })
  })
})

describe('downlinks to a device behind The Things Stack v3', () => {
  it('follows the device to its TTS application and publishes down/push', async () => {
    await ttsUplink()
    await vi.waitFor(async () => {
      const r = await server.http.inject({ method: 'GET', url: `/api/devices/${LOGGER_DEVICE}/downlinks?state=pending`, headers: auth })
      expect(r.json().items).toHaveLength(0)
    })
    const queued = (await enqueue({ fPort: 15, payloadHex: 'beef', confirmed: true })).json().item
    const m = await nextMessage(5)
    expect(m.topic).toBe(`v3/${TTS_APP}@${TTS_TENANT}/devices/${TTS_DEVICE}/down/push`)
    expect(m.json).toEqual({ downlinks: [{ f_port: 15, frm_payload: 'vu8=', confirmed: true, priority: 'NORMAL', correlation_ids: [`reeflink:downlink:${queued.id}`] }] })
    await vi.waitFor(async () => expect((await item(queued.id)).state).toBe('sent'), { timeout: 3000 })

    const ids = { device_id: TTS_DEVICE, application_ids: { application_id: TTS_APP }, dev_eui: LOGGER_DEVICE.toUpperCase() }
    const down = { f_port: 15, frm_payload: 'vu8=', confirmed: true, priority: 'NORMAL', correlation_ids: [`reeflink:downlink:${queued.id}`, 'as:downlink:01HR'] }
    const base = `v3/${TTS_APP}@${TTS_TENANT}/devices/${TTS_DEVICE}/down`
    await ns.publishAsync(`${base}/sent`, JSON.stringify({ end_device_ids: ids, correlation_ids: down.correlation_ids, downlink_sent: { ...down, f_cnt: 4 } }), { qos: 1 })
    await vi.waitFor(async () => expect(await item(queued.id)).toMatchObject({ state: 'sent', fCntDown: 4 }), { timeout: 3000 })
    await ns.publishAsync(`${base}/nack`, JSON.stringify({ end_device_ids: ids, correlation_ids: down.correlation_ids, downlink_nack: { ...down, f_cnt: 4 } }), { qos: 1 })
    await vi.waitFor(async () => expect(await item(queued.id)).toMatchObject({ state: 'sent', reason: 'not acknowledged by the device: The Things Stack queued it again' }), { timeout: 3000 })
    await ns.publishAsync(`${base}/ack`, JSON.stringify({ end_device_ids: ids, correlation_ids: down.correlation_ids, downlink_ack: { ...down, f_cnt: 5 } }), { qos: 1 })
    await vi.waitFor(async () => expect(await item(queued.id)).toMatchObject({ state: 'acked', reason: null }), { timeout: 3000 })
  })

  it('down/failed puts the item back to pending with the reason', async () => {
    const queued = (await enqueue({ fPort: 16, payloadHex: '00' })).json().item
    const m = await nextMessage(6)
    expect(m.json.downlinks[0]).toMatchObject({ f_port: 16, frm_payload: 'AA==', confirmed: false })
    await vi.waitFor(async () => expect((await item(queued.id)).state).toBe('sent'), { timeout: 3000 })
    const failed = {
      end_device_ids: { device_id: TTS_DEVICE, application_ids: { application_id: TTS_APP }, dev_eui: LOGGER_DEVICE.toUpperCase() },
      downlink_failed: { downlink: { f_port: 16, frm_payload: 'AA==', correlation_ids: [`reeflink:downlink:${queued.id}`] }, error: { namespace: 'pkg/networkserver', name: 'application_downlink_too_long', message_format: 'application downlink too long' } },
    }
    await ns.publishAsync(`v3/${TTS_APP}@${TTS_TENANT}/devices/${TTS_DEVICE}/down/failed`, JSON.stringify(failed), { qos: 1 })
    await vi.waitFor(async () => expect(await item(queued.id)).toMatchObject({ state: 'pending', reason: 'The Things Stack: application downlink too long' }), { timeout: 3000 })
  })

  it('with nobody subscribed to the downlink topic, the item stays pending and says why', async () => {
    await ns.unsubscribeAsync(['application/+/device/+/command/down', 'v3/+/devices/+/down/push'])
    const before = received.length
    const queued = (await enqueue({ fPort: 17, payloadHex: '01' })).json().item
    await vi.waitFor(async () => expect((await item(queued.id)).reason).toMatch(/no client subscribes to v3\/reeftemps-lagoon@reeflink\/devices\/logger-dumbea\/down\/push/), { timeout: 3000 })
    expect((await item(queued.id)).state).toBe('pending')
    expect(received.length).toBe(before)
    await ns.subscribeAsync(['application/+/device/+/command/down', 'v3/+/devices/+/down/push'], { qos: 1 })
  })

  it('counts in reeflink_downlinks_total; no key in any published message or log line', async () => {
    const metrics = (await server.http.inject({ method: 'GET', url: '/metrics', headers: auth })).body
    expect(metrics).toMatch(/^reeflink_downlinks_total\{outcome="sent",detail="mqtt"\} 6$/m)
    expect(metrics).toMatch(/^reeflink_downlinks_total\{outcome="acked",detail=""\} 2$/m)
    expect(metrics).toMatch(/^reeflink_downlinks_total\{outcome="not_sent",detail="no-route"\} 1$/m)
    expect(metrics).toMatch(/^reeflink_downlinks_total\{outcome="not_sent",detail="publish-failed"\} 1$/m)
    const everything = [...received.map((m) => m.payload), ...logLines].join('\n')
    expect(logLines.some((l) => l.includes('handed to the network server'))).toBe(true)
    for (const secret of [ADMIN, ...ABP_KEYS, ...ABP_KEYS.map((k) => Buffer.from(k, 'hex').toString('base64'))]) expect(everything).not.toContain(secret)
  })
})

describe('without an MQTT integration', () => {
  it('answers DOWNLINK_UNSUPPORTED and says that downlinks need the MQTT integration', () => {
    const s = provisionedStore()
    try {
      const db = openDatabase(s.path)
      const r = new DownlinkStore(db).enqueue(LOGGER_DEVICE, { kind: 'raw', fPort: 5, payload: Buffer.from([1]), confirmed: false })
      expect(r).toMatchObject({ ok: false, error: { code: 'DOWNLINK_UNSUPPORTED' } })
      expect(!r.ok && r.error.message).toMatch(/MQTT integration/)
      expect(new DownlinkStore(db, { networkServer: 'mqtt' }).enqueue(LOGGER_DEVICE, { kind: 'raw', fPort: 5, payload: Buffer.from([1]), confirmed: false }).ok).toBe(true)
      db.close()
    } finally {
      s.cleanup()
    }
  })
})

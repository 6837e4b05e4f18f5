// The MQTT ingest's side of network-server downlinks, on an external broker (a real aedes over
// TCP with a password): routes reported from application uplinks, downlink event topics
// subscribed to and handed over (not ingested), QoS 1 publish resolved on the PUBACK.
import type { MqttClient } from 'mqtt'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { NETWORK_SERVER_EVENT_TOPICS } from '../../src/downlink/network-server.js'
import { IngestCounters } from '../../src/ingest/counters.js'
import { ExternalBrokerIngest } from '../../src/ingest/mqtt/externalBroker.js'
import type { ApplicationUplinkRoute } from '../../src/ingest/mqtt/uplinkMessage.js'
import { fixtureText, TestSink } from './helpers.js'
import { connectClient, startBroker, type TestBroker } from './mqttBroker.js'

const CS_TOPIC = 'application/a1b2c3d4-0001-4c5e-8f00-000000000001/device/70b3d57ed0061a2c/event/up'
const TTS_TOPIC = 'v3/reeftemps-lagoon@reeflink/devices/buoy-amedee-01/up'

let broker: TestBroker
let sink: TestSink
let counters: IngestCounters
let ingest: ExternalBrokerIngest
let ns: MqttClient
let routes: ApplicationUplinkRoute[]
let events: { topic: string; payload: string }[]

beforeEach(async () => {
  broker = await startBroker({ authenticate: (_c, username, password, done) => done(null, username === 'reeflink' && password?.toString() === 's3cret') })
  sink = new TestSink()
  counters = new IngestCounters()
  routes = []
  events = []
  ingest = new ExternalBrokerIngest({
    sink,
    counters,
    connection: { url: broker.url, username: 'reeflink', password: 's3cret', clientId: 'reeflink-dl-test', reconnectPeriodMs: 20 },
    onApplicationUplink: (r) => routes.push(r),
    downlinkEvents: { topics: NETWORK_SERVER_EVENT_TOPICS, handle: (topic, payload) => events.push({ topic, payload: payload.toString() }) },
  })
  await ingest.start()
  ns = await connectClient(broker.url, { username: 'reeflink', password: 's3cret', clientId: 'network-server' })
})

afterEach(async () => {
  await ns.endAsync(true)
  await ingest.close()
  await broker.close()
})

describe('external broker: network-server downlinks', () => {
  it('reports the ids of ChirpStack and TTS application uplinks', async () => {
    await ns.publishAsync(CS_TOPIC, fixtureText('chirpstack/app-up-first-uplink.json'), { qos: 1 })
    await ns.publishAsync(TTS_TOPIC, fixtureText('tts/up-first-uplink.json'), { qos: 1 })
    await vi.waitFor(() => expect(sink.durable).toHaveLength(2))
    expect(routes).toEqual([
      { kind: 'chirpstack', devEui: '70b3d57ed0061a2c', applicationId: 'a1b2c3d4-0001-4c5e-8f00-000000000001' },
      { kind: 'tts', devEui: '70b3d57ed0061a2c', applicationId: 'reeftemps-lagoon', tenantId: 'reeflink', deviceId: 'buoy-amedee-01' },
    ])
  })

  it('subscribes to the downlink events and hands them over without ingesting them', async () => {
    await ns.publishAsync('application/a1/device/70b3d57ed0061a2c/event/ack', '{"queueItemId":"x","acknowledged":true}', { qos: 1 })
    await ns.publishAsync('v3/app@t/devices/dev1/down/nack', '{}', { qos: 1 })
    await ns.publishAsync('v3/app/devices/dev1/down/queued', '{}', { qos: 1 }) // not subscribed
    await vi.waitFor(() => expect(events.map((e) => e.topic)).toEqual(['application/a1/device/70b3d57ed0061a2c/event/ack', 'v3/app@t/devices/dev1/down/nack']))
    expect(sink.calls).toHaveLength(0)
    expect(counters.accepted()).toBe(0)
  })

  it('publishes at QoS 1 (resolved on the PUBACK) and refuses while disconnected', async () => {
    const got: { topic: string; payload: string; qos: number }[] = []
    ns.on('message', (topic, payload, packet) => got.push({ topic, payload: payload.toString(), qos: packet.qos }))
    await ns.subscribeAsync('v3/+/devices/+/down/push', { qos: 1 })
    const body = '{"downlinks":[{"f_port":15,"frm_payload":"vu8=","confirmed":false,"priority":"NORMAL"}]}'
    await ingest.publish('v3/app@t/devices/dev1/down/push', Buffer.from(body))
    await vi.waitFor(() => expect(got).toEqual([{ topic: 'v3/app@t/devices/dev1/down/push', payload: body, qos: 1 }]))
    await ingest.close()
    await expect(ingest.publish('v3/app@t/devices/dev1/down/push', Buffer.from(body))).rejects.toThrow(/not connected/)
  })
})

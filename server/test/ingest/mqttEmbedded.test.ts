// Uplinks published to the embedded aedes broker by real mqtt.js clients over TCP: PUBACK only
// once durable, redelivery after a failed submit, bad messages acknowledged and counted.
import fc from 'fast-check'
import type { MqttClient } from 'mqtt'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { IngestCounters } from '../../src/ingest/counters.js'
import { EmbeddedBrokerIngest } from '../../src/ingest/mqtt/embeddedBroker.js'
import { fixtureText, TestSink } from './helpers.js'
import { connectClient, nextEvent, startBroker, type TestBroker } from './mqttBroker.js'

const CS_TOPIC = 'application/a1b2c3d4-0001-4c5e-8f00-000000000001/device/70b3d57ed0061a2c/event/up'
const TTS_TOPIC = 'v3/reeftemps-lagoon@reeflink/devices/buoy-amedee-01/up'
const BRIDGE_TOPIC = 'eu868/gateway/b827ebfffe6a1c2d/event/up'

let broker: TestBroker
let sink: TestSink
let counters: IngestCounters
let ingest: EmbeddedBrokerIngest
const clients: MqttClient[] = []

async function client(clientId: string): Promise<MqttClient> {
  const c = await connectClient(broker.url, { clientId, clean: false })
  clients.push(c)
  return c
}

beforeEach(async () => {
  broker = await startBroker()
  sink = new TestSink()
  counters = new IngestCounters()
  ingest = new EmbeddedBrokerIngest(broker.aedes, { sink, counters, maxMessageBytes: 8 * 1024 })
  ingest.attach()
})

afterEach(async () => {
  for (const c of clients.splice(0)) await c.endAsync(true)
  ingest.detach()
  await broker.close()
})

describe('embedded broker ingest', () => {
  it('turns each topic shape into its record and acknowledges', async () => {
    const chirpstack = await client('chirpstack')
    await chirpstack.publishAsync(CS_TOPIC, fixtureText('chirpstack/app-up-first-uplink.json'), { qos: 1 })
    await chirpstack.publishAsync(TTS_TOPIC, fixtureText('tts/up-first-uplink.json'), { qos: 1 })
    await chirpstack.publishAsync(BRIDGE_TOPIC, fixtureText('chirpstack/bridge-up-v4.json'), { qos: 1 })
    await chirpstack.publishAsync('gateway/b827ebfffe6a1c2d/event/up', fixtureText('chirpstack/bridge-up-v3.json'), { qos: 1 })
    expect(sink.durable.map((u) => [u.kind, u.source])).toEqual([
      ['app', 'chirpstack-application-mqtt'],
      ['app', 'tts-mqtt'],
      ['phy', 'chirpstack-gateway-bridge-mqtt'],
      ['phy', 'chirpstack-gateway-bridge-mqtt'],
    ])
    expect(sink.durable[1]).toMatchObject({ deviceId: 'buoy-amedee-01', fCnt: 0, fPort: 1 })
    expect(counters.accepted()).toBe(4)
  })

  it("takes a reeflink buoy's own PHYPayloads published over Wi-Fi (reeflink/v1/<devEui>/phy/up)", async () => {
    const buoy = await client('buoy')
    const phy = Buffer.from('40011001260000000001aabbccdd11223344', 'hex')
    await buoy.publishAsync('reeflink/v1/70B3D57ED0000101/phy/up', phy, { qos: 1 })
    await buoy.publishAsync('reeflink/v1/70b3d57ed0000101/phy/up', Buffer.alloc(5), { qos: 1 })
    expect(sink.durable).toHaveLength(1)
    expect(sink.durable[0]).toMatchObject({ kind: 'phy', source: 'buoy-mqtt', reception: { gatewayId: 'mqtt:70b3d57ed0000101' } })
    expect((sink.durable[0] as any).phyPayload.equals(phy)).toBe(true)
    expect(counters.rejected({ source: 'buoy-mqtt', reason: 'invalid-field' })).toBe(1)
  })

  it('holds the PUBACK until submit() resolves', async () => {
    sink.mode = 'manual'
    const publisher = await client('bridge')
    let acked = false
    const published = publisher.publishAsync(BRIDGE_TOPIC, fixtureText('chirpstack/bridge-up-v4.json'), { qos: 1 }).then(() => (acked = true))
    await sink.waitForCalls(1)
    // A full QoS 1 round trip on another connection; a premature PUBACK would have come first.
    const other = await client('other')
    await other.publishAsync('reeflink/ping', 'x', { qos: 1 })
    expect(acked).toBe(false)
    sink.resolveNext()
    await published
    expect(sink.durable).toHaveLength(1)
  })

  it('withholds the PUBACK when submit() rejects; the publisher resends after reconnecting', async () => {
    sink.mode = 'reject'
    const publisher = await client('bridge')
    const dropped = nextEvent(publisher, 'close')
    const published = publisher.publishAsync(BRIDGE_TOPIC, fixtureText('chirpstack/bridge-up-v4.json'), { qos: 1 })
    await dropped
    expect(sink.durable).toEqual([])
    expect(counters.rejected({ reason: 'sink-failed' })).toBe(1)
    sink.mode = 'resolve'
    await published
    expect(sink.calls).toHaveLength(2)
    expect(sink.durable).toHaveLength(1)
  })

  it('copes with a publisher that goes away while its submit() is pending', async () => {
    sink.mode = 'manual'
    const gone = await client('flaky')
    void gone.publishAsync(BRIDGE_TOPIC, fixtureText('chirpstack/bridge-up-v4.json'), { qos: 1 }).catch(() => undefined)
    await sink.waitForCalls(1)
    await gone.endAsync(true)
    sink.resolveNext()
    // The broker still serves others.
    const other = await client('other')
    const published = other.publishAsync(BRIDGE_TOPIC, fixtureText('chirpstack/bridge-up-v4.json'), { qos: 1 })
    await sink.waitForCalls(2)
    sink.resolveNext()
    await published
    expect(sink.durable).toHaveLength(2)
  })

  it('acknowledges and counts messages it cannot use, so the broker does not redeliver them forever', async () => {
    const c = await client('messy')
    await c.publishAsync(CS_TOPIC, '{"deviceInfo":', { qos: 1 })
    await c.publishAsync(CS_TOPIC, 'x'.repeat(9 * 1024), { qos: 1 })
    await c.publishAsync('application/x/device/not-an-eui/event/up', '{}', { qos: 1 })
    await c.publishAsync(CS_TOPIC, fixtureText('chirpstack/app-up-docs.json'), { qos: 1 }) // topic names another device
    await c.publishAsync(BRIDGE_TOPIC, fixtureText('chirpstack/bridge-up-bad-crc.json'), { qos: 1 })
    expect(sink.calls).toEqual([])
    expect(counters.rejectionRows().map((r) => [r.source, r.reason])).toEqual([
      ['chirpstack-application-mqtt', 'invalid-json'],
      ['chirpstack-application-mqtt', 'too-large'],
      ['chirpstack-application-mqtt', 'topic-mismatch'],
      ['chirpstack-gateway-bridge-mqtt', 'crc-failed'],
      ['mqtt', 'unknown-topic'],
    ])
  })

  it('leaves other topics alone and still delivers uplinks to other subscribers after the PUBACK', async () => {
    const watcher = await client('watcher')
    await watcher.subscribeAsync('#', { qos: 1 })
    const seen: string[] = []
    watcher.on('message', (topic) => seen.push(topic))
    const c = await client('bridge')
    await c.publishAsync('v1.1/Datastreams(7)/Observations', '{"result":26.1}', { qos: 1 })
    await c.publishAsync(BRIDGE_TOPIC, fixtureText('chirpstack/bridge-up-v4.json'), { qos: 1 })
    await watcher.publishAsync('reeflink/ping', 'x', { qos: 1 })
    await new Promise<void>((resolve) => (seen.includes('reeflink/ping') ? resolve() : watcher.on('message', (t) => t === 'reeflink/ping' && resolve())))
    expect(seen).toEqual(['v1.1/Datastreams(7)/Observations', BRIDGE_TOPIC, 'reeflink/ping'])
    expect(counters.rejected() + counters.accepted()).toBe(1)
  })

  it('does not ingest what the broker refuses to authorise', async () => {
    ingest.detach()
    const allowAll = broker.aedes.authorizePublish
    broker.aedes.authorizePublish = (cl, packet, cb) => (packet.topic.startsWith('eu868/') ? cb(new Error('not allowed')) : allowAll.call(broker.aedes, cl, packet, cb))
    ingest.attach()
    const c = await client('intruder')
    const dropped = nextEvent(c, 'close')
    void c.publishAsync(BRIDGE_TOPIC, fixtureText('chirpstack/bridge-up-v4.json'), { qos: 1 }).catch(() => undefined)
    await dropped
    await c.endAsync(true)
    expect(sink.calls).toEqual([])
  })

  it('survives fuzzed payloads on uplink topics, acknowledging and accounting for each', async () => {
    const c = await client('fuzzer')
    const topic = fc.constantFrom(CS_TOPIC, TTS_TOPIC, BRIDGE_TOPIC, 'gateway/b827ebfffe6a1c2d/event/up')
    const payload = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
      fc.constantFrom('chirpstack/app-up-first-uplink.json', 'tts/up-first-uplink.json', 'chirpstack/bridge-up-v4.json').chain((name) =>
        fc.tuple(fc.nat(), fc.nat(255)).map(([at, byte]) => {
          const b = Buffer.from(fixtureText(name))
          b[at % b.length] = byte
          return b
        }),
      ),
    )
    await fc.assert(
      fc.asyncProperty(topic, payload, async (t, p) => {
        const before = counters.rejected() + counters.accepted()
        await c.publishAsync(t, p, { qos: 1 })
        expect(counters.rejected() + counters.accepted()).toBe(before + 1)
      }),
      { numRuns: 150 },
    )
  })
})

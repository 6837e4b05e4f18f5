// The external-broker subscriber against a real aedes broker over TCP that requires a username
// and password: QoS 1 subscriptions, PUBACK only after durability, redelivery after a failure.
import type { Client } from 'aedes'
import type { MqttClient } from 'mqtt'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { IngestCounters } from '../../src/ingest/counters.js'
import { ExternalBrokerIngest } from '../../src/ingest/mqtt/externalBroker.js'
import { startMqttIngest } from '../../src/ingest/mqtt/startMqttIngest.js'
import { fixtureText, TestSink } from './helpers.js'
import { connectClient, startBroker, type TestBroker } from './mqttBroker.js'

const TTS_TOPIC = 'v3/reeftemps-lagoon@reeflink/devices/buoy-amedee-01/up'
const CLIENT_ID = 'reeflink-ingest-test'

let broker: TestBroker
let sink: TestSink
let counters: IngestCounters
let ingest: ExternalBrokerIngest
let publisher: MqttClient
/** Event log: 'submit', 'durable' (set by the test), 'puback' (the broker got our PUBACK). */
let log: string[]

beforeEach(async () => {
  broker = await startBroker({
    authenticate: (_client, username, password, done) => done(null, username === 'reeflink' && password?.toString() === 's3cret'),
  })
  broker.aedes.on('ack', (_packet: unknown, client: Client) => {
    if (client?.id === CLIENT_ID) log.push('puback')
  })
  sink = new TestSink()
  counters = new IngestCounters()
  log = []
  ingest = new ExternalBrokerIngest({ sink, counters, connection: { url: broker.url, username: 'reeflink', password: 's3cret', clientId: CLIENT_ID, reconnectPeriodMs: 20 } })
  await ingest.start()
  publisher = await connectClient(broker.url, { username: 'reeflink', password: 's3cret', clientId: 'tts' })
})

afterEach(async () => {
  await publisher.endAsync(true)
  await ingest.close()
  await broker.close()
})

function waitForLog(entry: string, count = 1): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (log.filter((e) => e === entry).length >= count ? resolve() : setImmediate(check))
    check()
  })
}

describe('external broker ingest', () => {
  it('refuses to start with wrong credentials', async () => {
    const bad = new ExternalBrokerIngest({ sink, counters, connection: { url: broker.url, username: 'reeflink', password: 'nope', clientId: 'x', reconnectPeriodMs: 0 } })
    await expect(bad.start()).rejects.toThrow()
  })

  it('subscribes at QoS 1 and sends the PUBACK only after submit() resolved', async () => {
    sink.mode = 'manual'
    await publisher.publishAsync(TTS_TOPIC, fixtureText('tts/up-first-uplink.json'), { qos: 1 })
    await sink.waitForCalls(1)
    log.push('submit')
    // A QoS 1 round trip on the publisher's connection: a PUBACK sent on receipt would be in by now.
    await publisher.publishAsync('reeflink/ping', 'x', { qos: 1 })
    log.push('durable')
    sink.resolveNext()
    await waitForLog('puback')
    expect(log).toEqual(['submit', 'durable', 'puback'])
    expect(sink.durable).toMatchObject([{ kind: 'app', source: 'tts-mqtt', deviceId: 'buoy-amedee-01' }])
  })

  it('withholds the PUBACK when submit() rejects, reconnects, and gets the message again', async () => {
    sink.mode = 'reject'
    await publisher.publishAsync(TTS_TOPIC, fixtureText('tts/up-first-uplink.json'), { qos: 1 })
    await sink.waitForCalls(1)
    sink.mode = 'resolve'
    await sink.waitForCalls(2)
    await waitForLog('puback')
    expect(log).toEqual(['puback'])
    expect({ ...sink.calls[1][0], receivedAtMs: 0 }).toEqual({ ...sink.calls[0][0], receivedAtMs: 0 })
    expect(sink.durable).toHaveLength(1)
    expect(counters.rejected({ reason: 'sink-failed' })).toBe(1)
    expect(counters.accepted('tts-mqtt')).toBe(1)
  })

  it('closes cleanly with a submit() pending; the unacknowledged message comes back on the next start', async () => {
    sink.mode = 'manual'
    await publisher.publishAsync(TTS_TOPIC, fixtureText('tts/up-first-uplink.json'), { qos: 1 })
    await sink.waitForCalls(1)
    await ingest.close()
    sink.resolveNext()
    sink.mode = 'resolve'
    ingest = new ExternalBrokerIngest({ sink, counters, connection: { url: broker.url, username: 'reeflink', password: 's3cret', clientId: CLIENT_ID, reconnectPeriodMs: 20 } })
    await ingest.start()
    await sink.waitForCalls(2)
    await waitForLog('puback')
    expect(log).toEqual(['puback'])
  })

  it('startMqttIngest takes a broker URL as well as an aedes instance', async () => {
    await ingest.close()
    const viaUrl = await startMqttIngest({ sink, counters, connection: { url: broker.url, username: 'reeflink', password: 's3cret', clientId: CLIENT_ID } })
    await publisher.publishAsync(TTS_TOPIC, fixtureText('tts/up-first-uplink.json'), { qos: 1 })
    await waitForLog('puback')
    await viaUrl.close()
    const embedded = await startMqttIngest({ sink, counters, aedes: broker.aedes })
    await publisher.publishAsync(TTS_TOPIC, fixtureText('tts/up-first-uplink.json'), { qos: 1 })
    await embedded.close()
    // Once through the subscription, once through the broker's own hook.
    expect(sink.durable.map((u) => u.source)).toEqual(['tts-mqtt', 'tts-mqtt'])
  })

  it('acknowledges and counts a malformed message', async () => {
    await publisher.publishAsync(TTS_TOPIC, '{"end_device_ids":{"device_id":"buoy-amedee-01"},"uplink_message":{"f_port":"one"}}', { qos: 1 })
    await waitForLog('puback')
    expect(sink.calls).toEqual([])
    expect(counters.rejectionRows()).toMatchObject([{ source: 'tts-mqtt', reason: 'missing-field' }])
  })
})

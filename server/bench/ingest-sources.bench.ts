/**
 * Ingest sources: how fast each way in turns its format into records and acknowledges, against
 * the raw limit of the same transport on this machine (JSON.parse of the same bytes, a bare UDP
 * echo, aedes without the ingest hook, fastify's trivial route), so the ratio holds on a noisy
 * box. The sink resolves at once: this measures the sources, not storage.
 */
import { Aedes } from 'aedes'
import Fastify from 'fastify'
import mqtt from 'mqtt'
import dgram from 'node:dgram'
import { readFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { IngestCounters } from '../src/ingest/counters.js'
import { parseChirpstackUplinkEvent } from '../src/ingest/chirpstack/uplinkEvent.js'
import { ingestWebhooks } from '../src/ingest/http/webhooks.js'
import { EmbeddedBrokerIngest } from '../src/ingest/mqtt/embeddedBroker.js'
import { parsePushData } from '../src/ingest/semtech/pushData.js'
import { SemtechUdpServer } from '../src/ingest/semtech/server.js'
import { parseTtsApplicationUp } from '../src/ingest/tts/applicationUp.js'
import type { UplinkSink } from '../src/ingest/types.js'

import type { BenchRow } from './support.js'

const fixtures = new URL('../test/ingest/fixtures/', import.meta.url)
const text = (name: string) => readFileSync(new URL(name, fixtures), 'utf8')
const GW = 'b827ebfffe6a1c2d'
const sink: UplinkSink = { submit: () => Promise.resolve() }

/** Best of 5 runs of `fn` (which does `n` operations), in operations per second. */
async function rate(n: number, fn: () => unknown | Promise<unknown>): Promise<number> {
  let best = Infinity
  for (let rep = 0; rep < 5; rep++) {
    const start = process.hrtime.bigint()
    await fn()
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9)
  }
  return n / best
}

/** Our path and its raw limit, measured alternately so drift on a shared machine hits both alike. */
async function compare(n: number, ours: () => unknown | Promise<unknown>, floor: () => unknown | Promise<unknown>, reps = 3): Promise<[number, number]> {
  let best: [number, number] = [0, 0]
  for (let rep = 0; rep < reps; rep++) {
    best = [Math.max(best[0], await rate(n, ours)), Math.max(best[1], await rate(n, floor))]
  }
  return best
}

function row(name: string, unit: string, value: number, baseline: number): BenchRow {
  return { name, value: Math.round(value), unit, baseline: Math.round(baseline), ratio: value / baseline }
}

/** An 8-rxpk PUSH_DATA (what one concentrator fetch can yield) built from the sx1302 fixture. */
function eightRxpkBody(): Buffer {
  const one = JSON.parse(text('semtech/sx1302-push-data.json')) as { rxpk: unknown[]; stat: unknown }
  return Buffer.from(JSON.stringify({ rxpk: Array.from({ length: 8 }, (_, i) => one.rxpk[i % 2]), stat: one.stat }))
}

async function parsers(): Promise<BenchRow[]> {
  const n = 20_000
  const push = eightRxpkBody()
  const cs = text('chirpstack/app-up-first-uplink.json')
  const tts = text('tts/up-first-uplink.json')
  for (let i = 0; i < 2000; i++) parsePushData(push, GW, 0) // warm up the JIT
  const [pushRate, pushFloor] = await compare(
    n * 8,
    () => {
      for (let i = 0; i < n; i++) parsePushData(push, GW, 0)
    },
    () => {
      for (let i = 0; i < n; i++) JSON.parse(push.toString('utf8'))
    },
  )
  const [csRate, csFloor] = await compare(
    n,
    () => {
      for (let i = 0; i < n; i++) parseChirpstackUplinkEvent(JSON.parse(cs), 'chirpstack-application-mqtt', 0)
    },
    () => {
      for (let i = 0; i < n; i++) JSON.parse(cs)
    },
  )
  const [ttsRate, ttsFloor] = await compare(
    n,
    () => {
      for (let i = 0; i < n; i++) parseTtsApplicationUp(JSON.parse(tts), 'tts-mqtt', 0)
    },
    () => {
      for (let i = 0; i < n; i++) JSON.parse(tts)
    },
  )
  return [
    row('ingest: Semtech PUSH_DATA body → PhyUplinks (8 rxpk + stat) vs JSON.parse', 'rxpk/s', pushRate, pushFloor),
    row('ingest: ChirpStack v4 "up" JSON → AppUplink vs JSON.parse', 'msgs/s', csRate, csFloor),
    row('ingest: The Things Stack uplink JSON → AppUplink vs JSON.parse', 'msgs/s', ttsRate, ttsFloor),
  ]
}

/** Sends `n` datagrams keeping `window` unanswered; resolves when all are answered. */
function pingPong(socket: dgram.Socket, port: number, n: number, window: number, make: (i: number) => Buffer): Promise<void> {
  return new Promise((resolve) => {
    let sent = 0
    let answered = 0
    const sendOne = () => socket.send(make(sent++), port, '127.0.0.1')
    socket.removeAllListeners('message')
    socket.on('message', () => {
      if (++answered === n) resolve()
      else if (sent < n) sendOne()
    })
    for (let i = 0; i < Math.min(window, n); i++) sendOne()
  })
}

async function udp(): Promise<BenchRow[]> {
  const n = 5000
  const window = 16
  const server = new SemtechUdpServer({ sink, counters: new IngestCounters(), host: '127.0.0.1', port: 0 })
  const { port } = await server.start()
  const echo = dgram.createSocket('udp4')
  echo.on('message', (msg, from) => echo.send(msg.subarray(0, 4), from.port, from.address))
  await new Promise<void>((r) => echo.bind(0, '127.0.0.1', r))
  const echoPort = echo.address().port
  const client = dgram.createSocket('udp4')
  await new Promise<void>((r) => client.bind(0, '127.0.0.1', r))
  const body = Buffer.from(text('semtech/sx1302-push-data.json'))
  const datagram = (i: number) => {
    const header = Buffer.from([2, (i >> 8) & 0xff, i & 0xff, 0, ...Buffer.from(GW, 'hex')])
    return Buffer.concat([header, body])
  }
  await pingPong(client, port, 500, window, datagram)
  await pingPong(client, echoPort, 500, window, datagram)
  const [ours, floor] = await compare(
    n,
    () => pingPong(client, port, n, window, datagram),
    () => pingPong(client, echoPort, n, window, datagram),
  )
  client.close()
  echo.close()
  await server.close()
  return [row('ingest: Semtech UDP PUSH_DATA (2 rxpk) → PUSH_ACK, 16 in flight, vs a bare UDP echo', 'datagrams/s', ours, floor)]
}

/** A broker on an ephemeral port (with or without the ingest hook) and a connected publisher. */
async function mqttSetup(withIngest: boolean) {
  const aedes = await Aedes.createBroker()
  if (withIngest) new EmbeddedBrokerIngest(aedes, { sink, counters: new IngestCounters() }).attach()
  const tcp = createServer(aedes.handle)
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r))
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${(tcp.address() as AddressInfo).port}`, { clientId: 'bench' })
  return {
    /** `count` QoS 1 publishes, 32 awaiting their PUBACK at any time. */
    burst: async (count: number, topic: string, payload: string) => {
      let next = 0
      const worker = async () => {
        while (next < count) {
          next++
          await client.publishAsync(topic, payload, { qos: 1 })
        }
      }
      await Promise.all(Array.from({ length: 32 }, worker))
    },
    close: async () => {
      await client.endAsync(true)
      await new Promise<void>((resolve) => aedes.close(() => tcp.close(() => resolve())))
    },
  }
}

async function mqttRows(): Promise<BenchRow[]> {
  const payload = text('chirpstack/bridge-up-v4.json')
  const topic = 'eu868/gateway/b827ebfffe6a1c2d/event/up'
  const n = 3000
  const withIngest = await mqttSetup(true)
  const without = await mqttSetup(false)
  await withIngest.burst(500, topic, payload)
  await without.burst(500, topic, payload)
  const [ours, floor] = await compare(
    n,
    () => withIngest.burst(n, topic, payload),
    () => without.burst(n, topic, payload),
  )
  await withIngest.close()
  await without.close()
  return [row('ingest: MQTT QoS 1 Gateway Bridge uplink → PUBACK, embedded aedes, vs aedes without ingest', 'msgs/s', ours, floor)]
}

async function http(): Promise<BenchRow[]> {
  const app = Fastify()
  await app.register(ingestWebhooks, { prefix: '/api/ingest', sink, counters: new IngestCounters(), secret: 'bench-secret' })
  // The raw limit: the same POST and body, taken as bytes and answered with a constant.
  await app.register(async (trivial) => {
    trivial.removeAllContentTypeParsers()
    trivial.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body))
    trivial.post('/trivial', async () => ({ ok: true }))
  })
  await app.ready()
  const payload = text('tts/up-first-uplink.json')
  const headers = { 'content-type': 'application/json', 'x-reeflink-secret': 'bench-secret' }
  const n = 3000
  const send = (url: string) => async () => {
    for (let i = 0; i < n; i++) await app.inject({ method: 'POST', url, headers, payload })
  }
  await send('/api/ingest/tts/up')()
  await send('/trivial')()
  const [ours, floor] = await compare(n, send('/api/ingest/tts/up'), send('/trivial'), 2)
  await app.close()
  return [row("ingest: The Things Stack webhook (inject) → 200, vs fastify's trivial route taking the same body", 'req/s', ours, floor)]
}

export async function run(): Promise<BenchRow[]> {
  return [...(await parsers()), ...(await udp()), ...(await mqttRows()), ...(await http())]
}

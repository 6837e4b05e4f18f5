// The SensorThings MQTT extension over a real aedes broker on 127.0.0.1 (a free port), on a test
// fixture store, and real mqtt.js clients (closed with the fixture).
import { Aedes } from 'aedes'
import mqtt, { type MqttClient } from 'mqtt'
import { createServer, type AddressInfo } from 'node:net'
import type { EntityEvents } from '../../src/events.js'
import { attachStaMqtt, type StaMqtt } from '../../src/sta/index.js'
import { makeFixture, type Fixture } from './fixture.js'

export interface StaMqttFixture {
  f: Fixture
  sta: StaMqtt
  url: string
  /** Key of a 'write' credential named `writerName`. */
  writerKey: string
  connect(opts?: mqtt.IClientOptions): Promise<MqttClient>
  close(): Promise<void>
}

export async function staMqttFixture(events: EntityEvents, writerName: string): Promise<StaMqttFixture> {
  const f = await makeFixture({ events, mqttEndpoints: ['mqtt://127.0.0.1:1883'] })
  const broker = await Aedes.createBroker()
  const sta = attachStaMqtt({ broker, db: f.db, events, credentials: f.credentials, publicUrl: 'http://localhost:80' })
  const tcp = createServer(broker.handle)
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r))
  const url = `mqtt://127.0.0.1:${(tcp.address() as AddressInfo).port}`
  const writerKey = f.credentials.create(writerName, 'write').key
  const clients: MqttClient[] = []
  return {
    f,
    sta,
    url,
    writerKey,
    async connect(opts = {}) {
      const c = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 3000, ...opts })
      clients.push(c)
      return c
    },
    async close() {
      for (const c of clients) await c.endAsync(true).catch(() => undefined)
      sta.close()
      await new Promise<void>((r) => broker.close(() => tcp.close(() => r())))
      await f.close()
    },
  }
}

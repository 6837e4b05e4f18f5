// SensorThings MQTT extension over a real aedes broker on 127.0.0.1 and real mqtt.js clients:
// req/receive-updates-via-mqtt/receive-updates (ets-sta10 A.8, FROST MqttTests) and
// req/create-observations-via-mqtt/observations-creation (A.7), plus the broker's ACL.
import { Aedes } from 'aedes'
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EntityEvents } from '../../src/events.js'
import { attachStaMqtt, type StaMqtt } from '../../src/sta/index.js'
import { ADMIN_KEY, type Fixture } from './fixture.js'
import { staMqttFixture, type StaMqttFixture } from './mqtt-fixture.js'

let mq: StaMqttFixture
let f: Fixture
let url: string
let sta: StaMqtt
let writerKey: string
const events = new EntityEvents()

beforeAll(async () => {
  mq = await staMqttFixture(events, 'mqtt-writer')
  ;({ f, url, sta, writerKey } = mq)
})
afterAll(() => mq?.close())

const connect = (opts?: mqtt.IClientOptions): Promise<MqttClient> => mq.connect(opts)

/** Messages on a topic, collected from now on. */
function collect(c: MqttClient, topic: string): { messages: any[]; next: (n?: number) => Promise<any[]> } {
  const messages: any[] = []
  c.on('message', (t, payload) => {
    if (t === topic) messages.push(JSON.parse(payload.toString()))
  })
  return {
    messages,
    next: async (n = 1) => {
      const until = Date.now() + 3000
      while (messages.length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 10))
      return messages
    },
  }
}

/** SUBACK return codes (mqtt.js rejects the whole call when one is 128). */
function suback(c: MqttClient, topics: string[]): Promise<number[]> {
  return new Promise((resolve) => {
    const on = (p: mqtt.Packet) => {
      if (p.cmd !== 'suback') return
      c.off('packetreceive', on)
      resolve((p as unknown as { granted: number[] }).granted)
    }
    c.on('packetreceive', on)
    c.subscribe(topics, () => undefined)
  })
}

const settle = () => new Promise((r) => setTimeout(r, 100))
const count = (sql: string, ...a: unknown[]) => (f.db.prepare(sql).get(...a) as { n: number }).n

describe('req/receive-updates-via-mqtt/receive-updates', () => {
  it('service root lists the MQTT classes with their endpoint', async () => {
    const s = (await f.get('/v1.1')).body.serverSettings
    expect(s.conformance).toContain('http://www.opengis.net/spec/iot_sensing/1.1/req/receive-updates-via-mqtt/receive-updates')
    expect(s['http://www.opengis.net/spec/iot_sensing/1.1/req/create-observations-via-mqtt/observations-creation']).toEqual({ endpoints: ['mqtt://127.0.0.1:1883'] })
  })

  it('v1.1/Datastreams(id)/Observations: every Observation created in that Datastream, as the HTTP API serialises it', async () => {
    const c = await connect()
    const topic = `v1.1/Datastreams(${f.ids.temp})/Observations`
    const got = collect(c, topic)
    await c.subscribeAsync(topic)
    await f.send('POST', `/v1.1/Datastreams(${f.ids.loggerTemp})/Observations`, { phenomenonTime: '2025-02-01T00:00:00Z', result: 1 }) // another Datastream
    const r = await f.send('POST', `/v1.1/Datastreams(${f.ids.temp})/Observations`, { phenomenonTime: '2025-02-01T00:00:00Z', result: 21.5 })
    const [m] = await got.next()
    expect(m).toEqual((await f.get(`/v1.1/Observations(${r.body['@iot.id']})`)).body)
    expect(m['@iot.selfLink']).toBe(`http://localhost:80/v1.1/Observations(${r.body['@iot.id']})`)
    await settle()
    expect(got.messages).toHaveLength(1)
  })

  it('observations stored by ingest (EntityEvents create/update) reach subscribers', async () => {
    const c = await connect()
    const topic = `v1.1/Datastreams(${f.ids.temp})/Observations`
    const got = collect(c, topic)
    await c.subscribeAsync(topic)
    const id = Number(f.db.prepare('INSERT INTO observations (datastream_id, phenomenon_time, result, qc, age_s) VALUES (?, ?, ?, 0, 60)').run(f.ids.temp, Date.UTC(2025, 3, 1), 22.25).lastInsertRowid)
    events.emit([{ set: 'Observations', id, kind: 'create' }, { set: 'Observations', id: f.ids.flaggedObs, kind: 'update' }])
    const ms = await got.next(2)
    expect(ms.map((m) => m['@iot.id']).sort()).toEqual([id, f.ids.flaggedObs].sort())
    expect(ms.find((m) => m['@iot.id'] === id)).toMatchObject({ result: 22.25, resultTime: '2025-04-01T00:01:00.000Z', resultQuality: { aggregate: 1 } })
  })

  it('v1.1/Things(id) on update, v1.1/Things on create, v1.1/Things(id)/name only when the name changes', async () => {
    const c = await connect()
    const id = f.ids.logger
    const one = collect(c, `v1.1/Things(${id})`)
    const all = collect(c, 'v1.1/Things')
    const name = collect(c, `v1.1/Things(${id})/name`)
    await c.subscribeAsync([`v1.1/Things(${id})`, 'v1.1/Things', `v1.1/Things(${id})/name`])
    await f.send('PATCH', `/v1.1/Things(${id})`, { description: 'new description' })
    expect((await one.next())[0]).toMatchObject({ '@iot.id': id, description: 'new description' })
    await settle()
    expect(name.messages).toHaveLength(0)
    await f.send('PATCH', `/v1.1/Things(${id})`, { name: 'Renamed logger' })
    expect(await name.next()).toEqual([{ name: 'Renamed logger' }])
    const created = await f.send('POST', '/v1.1/Things', { name: 'mqtt thing', description: 'd' })
    const ms = await all.next(3)
    expect(ms.map((m) => m['@iot.id'])).toContain(created.body['@iot.id'])
  })

  it('$select on a collection topic: only the selected properties', async () => {
    const c = await connect()
    const topic = 'v1.1/Observations?$select=result,phenomenonTime'
    const got = collect(c, topic)
    await c.subscribeAsync(topic)
    await f.send('POST', `/v1.1/Datastreams(${f.ids.temp})/Observations`, { phenomenonTime: '2025-03-01T00:00:00Z', result: 3.5 })
    expect(await got.next()).toEqual([{ result: 3.5, phenomenonTime: '2025-03-01T00:00:00.000Z' }])
  })

  it('publishes only to topics with subscribers, and never in the emitter call', async () => {
    const before = sta.stats().published
    events.emit([{ set: 'Sensors', id: 1, kind: 'update' }]) // nobody subscribed to Sensors
    await settle()
    expect(sta.stats().published).toBe(before)
    const c = await connect()
    await c.subscribeAsync('v1.1/Sensors(1)')
    await settle()
    events.emit([{ set: 'Sensors', id: 1, kind: 'update' }])
    expect(sta.stats().published).toBe(before) // not yet: the emitter does not wait
    await settle()
    expect(sta.stats().published).toBe(before + 1)
    await c.unsubscribeAsync('v1.1/Sensors(1)')
    events.emit([{ set: 'Sensors', id: 1, kind: 'update' }])
    await settle()
    expect(sta.stats().published).toBe(before + 1)
  })
})

describe('relative topics: any resource path through navigation properties (OGC 18-088 §14.2)', () => {
  const e: Record<string, number> = {}
  const post = async (path: string, body: unknown) => {
    const r = await f.send('POST', `/v1.1/${path}`, body)
    expect(r.status, r.text).toBe(201)
    return r.body['@iot.id'] as number
  }
  const ref = (id: number) => ({ '@iot.id': id })
  const ds = (thing: number) => post('Datastreams', { name: 'rel ds', description: 'd', unitOfMeasurement: {}, observationType: 'OM_Measurement', Thing: ref(thing), Sensor: ref(e.sensor), ObservedProperty: ref(e.op) })
  beforeAll(async () => {
    e.thingA = await post('Things', { name: 'rel A', description: 'd' })
    e.thingB = await post('Things', { name: 'rel B', description: 'd' })
    e.sensor = await post('Sensors', { name: 's', description: 'd', encodingType: 'text/plain', metadata: 'm' })
    e.op = await post('ObservedProperties', { name: 'op', definition: 'x', description: 'd' })
    e.a1 = await ds(e.thingA)
    e.a2 = await ds(e.thingA)
    e.b = await ds(e.thingB)
    e.foi = await post('FeaturesOfInterest', { name: 'f', description: 'd', encodingType: 'application/geo+json', feature: { type: 'Point', coordinates: [1, 2] } })
    e.obs = await post('Observations', { result: 1, phenomenonTime: '2025-06-01T00:00:00Z', Datastream: ref(e.a1), FeatureOfInterest: ref(e.foi) })
  })

  it('Datastreams(id)/Thing (to-one): the Thing as GET /Datastreams(id)/Thing returns it, only to the paths that resolve to it; none after unsubscribe', async () => {
    const c = await connect()
    const [ta1, ta2, tb] = [e.a1, e.a2, e.b].map((id) => `v1.1/Datastreams(${id})/Thing`)
    const [ga1, ga2, gb] = [ta1, ta2, tb].map((t) => collect(c, t))
    await c.subscribeAsync([ta1, ta2, tb])
    await f.send('PATCH', `/v1.1/Things(${e.thingA})`, { description: 'changed once' })
    const [m] = await ga1.next()
    expect(m).toEqual((await f.get(`/v1.1/Datastreams(${e.a1})/Thing`)).body)
    expect(m).toMatchObject({ '@iot.id': e.thingA, description: 'changed once' })
    expect(await ga2.next()).toHaveLength(1)
    await settle()
    expect(gb.messages).toHaveLength(0)
    expect(ga1.messages).toHaveLength(1)
    await c.unsubscribeAsync(ta1)
    await f.send('PATCH', `/v1.1/Things(${e.thingA})`, { description: 'changed twice' })
    expect((await ga2.next(2))[1]).toMatchObject({ description: 'changed twice' })
    await settle()
    expect(ga1.messages).toHaveLength(1)
    expect(gb.messages).toHaveLength(0)
  })

  it('membership is the path as it resolves when the entity changes: a Datastream moved to another Thing follows it', async () => {
    const c = await connect()
    const topic = `v1.1/Datastreams(${e.a2})/Thing`
    const got = collect(c, topic)
    await c.subscribeAsync(topic)
    expect((await f.send('PATCH', `/v1.1/Datastreams(${e.a2})`, { Thing: ref(e.thingB) })).status).toBe(200)
    await f.send('PATCH', `/v1.1/Things(${e.thingA})`, { description: 'not for a2 any more' })
    await settle()
    expect(got.messages).toHaveLength(0)
    await f.send('PATCH', `/v1.1/Things(${e.thingB})`, { description: 'B changed' })
    expect(await got.next()).toMatchObject([{ '@iot.id': e.thingB, description: 'B changed' }])
  })

  it('two hops: Observations(id)/Datastream/Thing with $select, and a collection after a to-one hop (Datastreams(id)/Thing/Datastreams)', async () => {
    const c = await connect()
    const named = `v1.1/Observations(${e.obs})/Datastream/Thing?$select=name`
    const siblings = `v1.1/Datastreams(${e.a1})/Thing/Datastreams`
    const gn = collect(c, named)
    const gs = collect(c, siblings)
    await c.subscribeAsync([named, siblings])
    await f.send('PATCH', `/v1.1/Things(${e.thingA})`, { name: 'rel A renamed' })
    expect(await gn.next()).toEqual([{ name: 'rel A renamed' }])
    await ds(e.thingB) // not a Datastream of Thing A
    const mine = await ds(e.thingA)
    const [m] = await gs.next()
    expect(m).toEqual((await f.get(`/v1.1/Datastreams(${mine})`)).body)
    await settle()
    expect(gs.messages).toHaveLength(1)
  })

  it('an id inside the path pins that entity: Things(id)/Datastreams(id)/Observations', async () => {
    const c = await connect()
    const topic = `v1.1/Things(${e.thingA})/Datastreams(${e.a1})/Observations`
    const got = collect(c, topic)
    await c.subscribeAsync(topic)
    await post(`Datastreams(${e.b})/Observations`, { result: 2, FeatureOfInterest: ref(e.foi) })
    const id = await post(`Datastreams(${e.a1})/Observations`, { result: 3, FeatureOfInterest: ref(e.foi) })
    expect((await got.next()).map((m) => m['@iot.id'])).toEqual([id])
    await settle()
    expect(got.messages).toHaveLength(1)
  })

  it('a well-formed path that resolves to nothing is accepted and stays silent; one that is not a resource path is refused', async () => {
    const c = await connect()
    const nowhere = 'v1.1/Observations(999999999)/Datastream/Thing'
    const got = collect(c, nowhere)
    expect(await suback(c, [nowhere])).toEqual([0])
    await f.send('PATCH', `/v1.1/Things(${e.thingA})`, { description: 'nobody on that path' })
    await settle()
    expect(got.messages).toHaveLength(0)
    const bad = [
      'v1.1/Datastreams(1)/Thing(2)', // a to-one navigation takes no id
      'v1.1/Things(1)/Datastreams/Thing', // nothing follows a collection
      'v1.1/Things/Datastreams', // a navigation needs an entity
      'v1.1/Things(1)/Frobs',
      'v1.1/Datastreams(1)/Thing/name', // properties only of an entity addressed directly
      'v1.1/Observations(1)/Datastream/Thing/Datastreams(1)/Thing/Locations', // more than MAX_HOPS
    ]
    expect(await suback(c, bad)).toEqual(bad.map(() => 128))
  })
})

describe('req/create-observations-via-mqtt/observations-creation', () => {
  it('an authenticated client creates an Observation by publishing to v1.1/Datastreams(id)/Observations; subscribers get the entity', async () => {
    const sub = await connect()
    const topic = `v1.1/Datastreams(${f.ids.loggerTemp})/Observations`
    const got = collect(sub, topic)
    await sub.subscribeAsync(topic)
    const pub = await connect({ username: 'mqtt-writer', password: writerKey })
    const before = count('SELECT count(*) AS n FROM observations WHERE datastream_id = ?', f.ids.loggerTemp)
    await pub.publishAsync(topic, JSON.stringify({ phenomenonTime: '2025-05-01T00:00:00Z', result: 18.75 }), { qos: 1 })
    const [m] = await got.next()
    expect(m).toMatchObject({ phenomenonTime: '2025-05-01T00:00:00.000Z', result: 18.75 })
    expect(m['@iot.selfLink']).toMatch(/Observations\(\d+\)$/)
    expect(count('SELECT count(*) AS n FROM observations WHERE datastream_id = ?', f.ids.loggerTemp)).toBe(before + 1)
    // v1.1/Observations with the Datastream in the body; the admin key as admin/<key>.
    const admin = await connect({ username: 'admin', password: ADMIN_KEY })
    await admin.publishAsync('v1.1/Observations', JSON.stringify({ result: 17, Datastream: { '@iot.id': f.ids.loggerTemp } }), { qos: 1 })
    await got.next(2)
    expect(count('SELECT count(*) AS n FROM observations WHERE datastream_id = ?', f.ids.loggerTemp)).toBe(before + 2)
    // A bad body is dropped (logged), the connection stays.
    await pub.publishAsync(topic, 'not json', { qos: 1 })
    await settle()
    expect(pub.connected).toBe(true)
    expect(sta.stats().rejected).toBeGreaterThan(0)
  })
})

describe('broker ACL', () => {
  it('anonymous clients may subscribe to SensorThings topics only, exact ones, and publish nothing', async () => {
    const anon = await connect()
    expect(await suback(anon, ['v1.1/Things', 'v1.0/Things', 'application/+/device/+/event/up', 'v3/app/devices/x/up', 'v1.1/#', 'v1.1/Frobs', '$SYS/#'])).toEqual([0, 0, 128, 128, 128, 128, 128])
    const before = count('SELECT count(*) AS n FROM observations')
    const closed = new Promise<void>((r) => anon.once('close', () => r()))
    anon.publish(`v1.1/Datastreams(${f.ids.temp})/Observations`, JSON.stringify({ result: 1 }), { qos: 1 })
    await closed
    expect(count('SELECT count(*) AS n FROM observations')).toBe(before)
    const anon2 = await connect()
    const closed2 = new Promise<void>((r) => anon2.once('close', () => r()))
    anon2.publish('application/1/device/x/event/up', '{}', { qos: 1 })
    await closed2
  })

  it('ingest topics are for the write role; a wrong password is refused at CONNECT', async () => {
    const w = await connect({ username: 'mqtt-writer', password: writerKey })
    expect(await suback(w, ['application/+/device/+/event/up'])).toEqual([0])
    await w.publishAsync('application/1/device/x/event/up', '{}', { qos: 1 })
    expect(w.connected).toBe(true)
    const reader = f.credentials.create('mqtt-reader', 'read')
    const r = await connect({ username: 'mqtt-reader', password: reader.key })
    expect(await suback(r, ['gateway/+/event/up', 'v1.1/Things'])).toEqual([128, 0])
    await expect(mqtt.connectAsync(url, { username: 'mqtt-writer', password: 'wrong', reconnectPeriod: 0 })).rejects.toThrow(/Bad username or password/i)
  })
})

describe('bounded: a backlog never grows without limit', () => {
  it('drops the oldest changes past maxPendingChanges, counting them', async () => {
    const ev = new EntityEvents()
    const b = await Aedes.createBroker()
    const m = attachStaMqtt({ broker: b, db: f.db, events: ev, credentials: f.credentials, maxPendingChanges: 10 })
    b.emit('subscribe', [{ topic: 'v1.1/Observations', qos: 0 }], { id: 'fake' } as never)
    ev.emit(Array.from({ length: 25 }, (_, i) => ({ set: 'Observations' as const, id: i + 1, kind: 'create' as const })))
    expect(m.stats().droppedChanges).toBe(15)
    await settle()
    expect(m.stats().published).toBe(10)
    m.close()
    await new Promise<void>((r) => b.close(() => r()))
  })
})

// ets-sta10 multiDatastreamExtension/MultiDatastreamTests (OGC 18-088 req/multi-datastream),
// ported with its own entities and checks, in its order (priorities 0–14): two Things, two
// Sensors, two ObservedProperties, two Datastreams with one Observation each, then four
// MultiDatastreams (one ObservedProperty; two; the same two in the opposite order; the same one
// twice) with three Observations each; links, order of ObservedProperties, the two updates that
// must fail, and the delete cascades.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeFixture, type Fixture } from './fixture.js'

const OM = 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement'
const CELSIUS = { name: 'degree celcius', symbol: '°C', definition: 'ucum:T' }
const PERCENT = { name: 'percent', symbol: '%', definition: 'ucum:%' }

let f: Fixture
const things: number[] = []
const sensors: number[] = []
const ops: number[] = []
const datastreams: number[] = []
const mds: number[] = []
const observations: number[] = []

async function create(set: string, body: unknown): Promise<number> {
  const r = await f.send('POST', `/v1.1/${set}`, body)
  expect(r.status, `POST ${set}: ${r.text}`).toBe(201)
  return Number(/\((\d+)\)$/.exec(String(r.headers.location))![1])
}
const ref = (id: number) => ({ '@iot.id': id })
async function ids(url: string): Promise<number[]> {
  const r = await f.get(url)
  expect(r.status, `${url}: ${r.text}`).toBe(200)
  return r.body.value.map((e: { '@iot.id': number }) => e['@iot.id'])
}
/** EntityUtils.resultContains: the listed entities, in any order, and nothing else. */
async function expectSet(url: string, expected: number[]): Promise<void> {
  expect((await ids(url)).sort((a, b) => a - b), url).toEqual([...expected].sort((a, b) => a - b))
}
const pick = <T>(list: T[], ...i: number[]) => i.map((k) => list[k])

beforeAll(async () => {
  // The fixture's own store is provisioned; these tests look only at the entities they create.
  f = await makeFixture()
  // MultiDatastreamTests.createEntities
  const location = await create('Locations', { name: 'Location 1.0', description: 'Location of Thing 1.', encodingType: 'application/vnd.geo+json', location: { type: 'Point', coordinates: [8, 51] } })
  things.push(await create('Things', { name: 'Thing 1', description: 'The first thing.', Locations: [ref(location)] }))
  things.push(await create('Things', { name: 'Thing 2', description: 'The second thing.', Locations: [ref(location)] }))
  sensors.push(await create('Sensors', { name: 'Sensor 1', description: 'The first sensor.', encodingType: 'text', metadata: 'Some metadata.' }))
  sensors.push(await create('Sensors', { name: 'Sensor 2', description: 'The second sensor.', encodingType: 'text', metadata: 'Some metadata.' }))
  ops.push(await create('ObservedProperties', { name: 'ObservedProperty 1', definition: 'http://ucom.org/temperature', description: 'The temperature of the thing.' }))
  ops.push(await create('ObservedProperties', { name: 'ObservedProperty 2', definition: 'http://ucom.org/humidity', description: 'The humidity of the thing.' }))
  for (const n of [0, 1]) {
    datastreams.push(
      await create('Datastreams', {
        name: `Datastream ${n + 1}`,
        description: `The temperature of thing ${n + 1}, sensor ${n + 1}.`,
        observationType: 'someType',
        unitOfMeasurement: CELSIUS,
        Thing: ref(things[n]),
        Sensor: ref(sensors[n]),
        ObservedProperty: ref(ops[0]),
      }),
    )
  }
  // Observation(double... result, Datastream): the SDK sends the varargs array as the result.
  observations.push(await create('Observations', { result: [-1], Datastream: ref(datastreams[0]) }))
  observations.push(await create('Observations', { result: [0], Datastream: ref(datastreams[1]) }))
})
afterAll(() => f.close())

describe('req/multi-datastream (ets-sta10 MultiDatastreamTests)', () => {
  it('testMultiDatastream: four MultiDatastreams (one ObservedProperty; two; two in the opposite order; the same one twice)', async () => {
    const md = (n: number, units: object[], props: number[], sensor: number) => ({
      name: `MultiDatastream ${n}`,
      description: `The ${['first', 'second', 'third', 'fourth'][n - 1]} test MultiDatastream.`,
      unitOfMeasurements: units,
      observationType: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_ComplexObservation',
      multiObservationDataTypes: props.map(() => OM),
      Thing: ref(things[0]),
      Sensor: ref(sensor),
      ObservedProperties: props.map(ref),
    })
    mds.push(await create('MultiDatastreams', md(1, [CELSIUS], [ops[0]], sensors[0])))
    mds.push(await create('MultiDatastreams', md(2, [CELSIUS, PERCENT], [ops[0], ops[1]], sensors[0])))
    mds.push(await create('MultiDatastreams', md(3, [PERCENT, CELSIUS], [ops[1], ops[0]], sensors[0])))
    mds.push(await create('MultiDatastreams', md(4, [CELSIUS, CELSIUS], [ops[0], ops[0]], sensors[1])))
  })

  it('testObservationInMultiDatastream: three Observations in each MultiDatastream, results as arrays', async () => {
    const results = [[[1], [2], [3]], [[4, 1], [5, 2], [6, 3]], [[7, 4], [8, 5], [9, 6]], [[10, 7], [11, 8], [12, 9]]]
    for (const [k, rs] of results.entries()) for (const result of rs) observations.push(await create('Observations', { result, MultiDatastream: ref(mds[k]) }))
    const o = await f.get(`/v1.1/Observations(${observations[6]})`)
    expect(o.body.result).toEqual([5, 2])
  })

  it('testJson: Things, Sensors, ObservedProperties carry MultiDatastreams@iot.navigationLink; Observations one of Datastream/MultiDatastream; MultiDatastreams every property and relation', async () => {
    const hasOneOf = async (set: string, ...keys: string[]) => {
      const r = await f.get(`/v1.1/${set}`)
      expect(r.status).toBe(200)
      for (const e of r.body.value) expect(keys.some((k) => k in e), `${set}(${e['@iot.id']}) has one of ${keys}`).toBe(true)
    }
    await hasOneOf('Things', 'MultiDatastreams@iot.navigationLink')
    await hasOneOf('Sensors', 'MultiDatastreams@iot.navigationLink')
    await hasOneOf('ObservedProperties', 'MultiDatastreams@iot.navigationLink')
    await hasOneOf('Observations', 'MultiDatastream@iot.navigationLink', 'Datastream@iot.navigationLink')
    // EntityTypeMds.MULTI_DATASTREAM: its properties and relations.
    for (const p of ['name', 'description', 'unitOfMeasurements', 'observationType', 'multiObservationDataTypes', 'observedArea', 'phenomenonTime', 'resultTime']) await hasOneOf('MultiDatastreams', p)
    for (const rel of ['Thing', 'Sensor', 'ObservedProperties', 'Observations']) await hasOneOf('MultiDatastreams', `${rel}@iot.navigationLink`)
  })

  it('testMultiDatastreamThings: Thing 1 has Datastream 1 and the four MultiDatastreams', async () => {
    await expectSet(`/v1.1/Things(${things[0]})/Datastreams`, [datastreams[0]])
    await expectSet(`/v1.1/Things(${things[0]})/MultiDatastreams`, mds)
  })

  it('testMultiDatastreamSensors: Sensor 1 has Datastream 1 and MultiDatastreams 1–3', async () => {
    await expectSet(`/v1.1/Sensors(${sensors[0]})/Datastreams`, [datastreams[0]])
    await expectSet(`/v1.1/Sensors(${sensors[0]})/MultiDatastreams`, pick(mds, 0, 1, 2))
  })

  it('testMultiDatastreamObservedProperties1: ObservedProperty 1 has both Datastreams and all four MultiDatastreams', async () => {
    await expectSet(`/v1.1/ObservedProperties(${ops[0]})/Datastreams`, datastreams)
    await expectSet(`/v1.1/ObservedProperties(${ops[0]})/MultiDatastreams`, mds)
  })

  it('testMultiDatastreamObservedProperties2: ObservedProperty 2 has no Datastream, MultiDatastreams 2 and 3', async () => {
    await expectSet(`/v1.1/ObservedProperties(${ops[1]})/Datastreams`, [])
    await expectSet(`/v1.1/ObservedProperties(${ops[1]})/MultiDatastreams`, pick(mds, 1, 2))
  })

  it('testObservationLinks1: the first Observation has a Datastream and no MultiDatastream', async () => {
    expect((await f.get(`/v1.1/Observations(${observations[0]})/Datastream`)).body['@iot.id']).toBe(datastreams[0])
    const md = await f.get(`/v1.1/Observations(${observations[0]})/MultiDatastream`)
    expect([204, 404]).toContain(md.status) // "no entity": FROST answers 204 (no content), others 404
    const e = (await f.get(`/v1.1/Observations(${observations[0]})?$expand=Datastream,MultiDatastream`)).body
    expect(e.Datastream['@iot.id']).toBe(datastreams[0])
    expect(e.MultiDatastream ?? null).toBeNull()
  })

  it('testObservationLinks2: the third Observation has a MultiDatastream and no Datastream', async () => {
    const e = (await f.get(`/v1.1/Observations(${observations[2]})?$expand=Datastream,MultiDatastream`)).body
    expect(e.Datastream ?? null).toBeNull()
    expect(e.MultiDatastream['@iot.id']).toBe(mds[0])
  })

  it('testObservedPropertyOrder: each MultiDatastream lists its ObservedProperties in their order', async () => {
    expect(await ids(`/v1.1/MultiDatastreams(${mds[0]})/ObservedProperties`)).toEqual([ops[0]])
    expect(await ids(`/v1.1/MultiDatastreams(${mds[1]})/ObservedProperties`)).toEqual([ops[0], ops[1]])
    expect(await ids(`/v1.1/MultiDatastreams(${mds[2]})/ObservedProperties`)).toEqual([ops[1], ops[0]])
    expect(await ids(`/v1.1/MultiDatastreams(${mds[3]})/ObservedProperties`)).toEqual([ops[0], ops[0]])
    // The same order (and the duplicate) in $expand, batched over several parents.
    const r = await f.get(`/v1.1/MultiDatastreams?$filter=id ge ${mds[0]}&$orderby=id&$expand=ObservedProperties($select=id)`)
    expect(r.body.value.map((m: any) => m.ObservedProperties.map((o: any) => o['@iot.id']))).toEqual([[ops[0]], [ops[0], ops[1]], [ops[1], ops[0]], [ops[0], ops[0]]])
    expect((await f.get(`/v1.1/MultiDatastreams(${mds[3]})/ObservedProperties?$count=true`)).body['@iot.count']).toBe(2)
  })

  it('testIncorrectObservation: linking Observation 1 to a MultiDatastream while it keeps its Datastream is a 400', async () => {
    const r = await f.send('PATCH', `/v1.1/Observations(${observations[0]})`, { MultiDatastream: ref(mds[0]) })
    expect(r.status, r.text).toBe(400)
    expect((await f.get(`/v1.1/Observations(${observations[0]})/Datastream`)).body['@iot.id']).toBe(datastreams[0])
  })

  it('testIncorrectObservedProperty: adding a MultiDatastream to an ObservedProperty is a 400', async () => {
    const r = await f.send('PATCH', `/v1.1/ObservedProperties(${ops[1]})`, { MultiDatastreams: [ref(mds[0])] })
    expect(r.status, r.text).toBe(400)
    expect(await ids(`/v1.1/MultiDatastreams(${mds[0]})/ObservedProperties`)).toEqual([ops[0]])
  })

  it('testFetchObservationsByMultiDatastream: MultiDatastreams(x)/Observations are its three Observations', async () => {
    for (let k = 0; k < 4; k++) await expectSet(`/v1.1/MultiDatastreams(${mds[k]})/Observations`, observations.slice(2 + 3 * k, 5 + 3 * k))
  })

  it('testObservations: every Observation is there', async () => {
    const all = await ids(`/v1.1/Observations?$top=1000000&$filter=id ge ${observations[0]}`)
    expect(all.sort((a, b) => a - b)).toEqual([...observations].sort((a, b) => a - b))
  })

  // Not in MultiDatastreamTests: the GET body sent back unchanged (ets-sta10 Capability8Test's
  // EntityHelper.putEntity does so for Datastreams): the computed observedArea is ignored in
  // writes, phenomenonTime/resultTime (stored ranges) written back as they are.
  it('a MultiDatastream or Datastream read with GET is accepted back unchanged by PUT and PATCH; observedArea stays computed', async () => {
    for (const path of [`MultiDatastreams(${mds[1]})`, `Datastreams(${datastreams[0]})`]) {
      const before = (await f.get(`/v1.1/${path}`)).body
      expect(before.observedArea, path).toBeTruthy()
      expect(before.phenomenonTime, path).toMatch(/\//)
      const body = Object.fromEntries(Object.entries(before).filter(([k]) => !k.includes('@')))
      for (const method of ['PUT', 'PATCH'] as const) {
        const r = await f.send(method, `/v1.1/${path}`, body)
        expect(r.status, `${method} ${path}: ${r.text}`).toBe(200)
        expect((await f.get(`/v1.1/${path}`)).body, `${method} ${path}`).toEqual(before)
      }
      const r = await f.send('PATCH', `/v1.1/${path}`, { observedArea: { type: 'Point', coordinates: [0, 0] } })
      expect(r.status, r.text).toBe(200)
      expect((await f.get(`/v1.1/${path}`)).body.observedArea).toEqual(before.observedArea)
    }
  })

  it('testDeleteObservedProperty: deleting ObservedProperty 2 deletes MultiDatastreams 2 and 3 and their Observations', async () => {
    expect((await f.send('DELETE', `/v1.1/ObservedProperties(${ops[1]})`)).status).toBe(200)
    await expectSet(`/v1.1/Things(${things[0]})/MultiDatastreams`, pick(mds, 0, 3))
    const left = await ids(`/v1.1/Observations?$top=1000000&$filter=id ge ${observations[0]}`)
    expect(left.sort((a, b) => a - b)).toEqual(pick(observations, 0, 1, 2, 3, 4, 11, 12, 13))
  })

  it('testDeleteSensor: deleting Sensor 2 deletes MultiDatastream 4', async () => {
    expect((await f.send('DELETE', `/v1.1/Sensors(${sensors[1]})`)).status).toBe(200)
    await expectSet(`/v1.1/Things(${things[0]})/MultiDatastreams`, pick(mds, 0))
  })

  it('testDeleteThing: deleting Thing 1 deletes the last MultiDatastream', async () => {
    expect((await f.send('DELETE', `/v1.1/Things(${things[0]})`)).status).toBe(200)
    for (const id of mds) expect((await f.get(`/v1.1/MultiDatastreams(${id})`)).status).toBe(404)
  })
})

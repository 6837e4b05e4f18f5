// ets-sta10 dataArrayExtension/DataArrayTests (OGC 18-088 req/data-array), ported with its own
// entities (two Datastreams of one Thing, two FeaturesOfInterest, four Observations) and checks,
// unmodified: `$resultFormat=dataArray` without $select names all seven Observation properties
// (FROST's default, ours too).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeFixture, type Fixture } from './fixture.js'

const OBSERVATION_PROPERTIES = ['id', 'phenomenonTime', 'result', 'resultTime', 'resultQuality', 'validTime', 'parameters']

let f: Fixture
const ids = { thing: 0, sensors: [] as number[], op: 0, ds: [] as number[], foi: [] as number[], obs: [] as number[] }

async function create(set: string, body: unknown): Promise<number> {
  const r = await f.send('POST', `/v1.1/${set}`, body)
  expect(r.status, r.text).toBe(201)
  return Number(/\((\d+)\)$/.exec(String(r.headers.location))![1])
}

beforeAll(async () => {
  f = await makeFixture()
  // DataArrayTests.createEntities
  ids.thing = await create('Things', { name: 'Thing 1', description: 'The first thing.' })
  await create('Locations', { name: 'Location 1.0', description: 'Location of Thing 1.', encodingType: 'application/vnd.geo+json', location: { type: 'Point', coordinates: [8, 51] }, Things: [{ '@iot.id': ids.thing }] })
  for (const n of [1, 2]) ids.sensors.push(await create('Sensors', { name: `Sensor ${n}`, description: `The ${n === 1 ? 'first' : 'second'} sensor.`, encodingType: 'text', metadata: 'Some metadata.' }))
  ids.op = await create('ObservedProperties', { name: 'Temperature', definition: 'http://ucom.org/temperature', description: 'The temperature of the thing.' })
  for (const n of [1, 2]) {
    ids.ds.push(
      await create('Datastreams', {
        name: `Datastream ${n}`,
        description: `The temperature of thing 1, sensor ${n}.`,
        observationType: 'someType',
        unitOfMeasurement: { name: 'degree celcius', symbol: '°C', definition: 'ucum:T' },
        Thing: { '@iot.id': ids.thing },
        Sensor: { '@iot.id': ids.sensors[n - 1] },
        ObservedProperty: { '@iot.id': ids.op },
      }),
    )
  }
  for (const n of [1, 2]) ids.foi.push(await create('FeaturesOfInterest', { name: `Feature ${n}`, description: `Feature ${n} for thing 1, sensor ${n}`, encodingType: 'application/vnd.geo+json', feature: { type: 'Point', coordinates: [8, 51] } }))
  for (const [result, ds, time, foi] of [
    [1, 0, '2016-01-01T01:01:01.000Z', 0],
    [2, 1, '2016-01-02T01:01:01.000Z', 0],
    [3, 0, '2016-01-03T01:01:01.000Z', 1],
    [4, 1, '2016-01-04T01:01:01.000Z', 1],
  ] as [number, number, string, number][]) {
    ids.obs.push(await create('Observations', { result, phenomenonTime: time, Datastream: { '@iot.id': ids.ds[ds] }, FeatureOfInterest: { '@iot.id': ids.foi[foi] } }))
  }
})
afterAll(() => f.close())

/** DataArrayTests.testGetDataArray's checks of one response; the components it must name. */
function checkDataArray(json: any, wanted: string[]): void {
  expect(typeof json).toBe('object')
  expect(json).toHaveProperty('@iot.count')
  expect(json).toHaveProperty('@iot.nextLink')
  expect(Array.isArray(json.value)).toBe(true)
  for (const item of json.value) {
    expect(typeof item).toBe('object')
    expect('Datastream@iot.navigationLink' in item || 'MultiDatastream@iot.navigationLink' in item).toBe(true)
    const components = item.components
    expect(Array.isArray(components)).toBe(true)
    for (const c of components) expect(typeof c).toBe('string')
    expect(new Set(components).size).toBe(components.length)
    for (const c of wanted) expect(components.includes(c) || (c === 'id' && components.includes('@iot.id')), `components name ${c}`).toBe(true)
    expect(Array.isArray(item.dataArray)).toBe(true)
    expect(item['dataArray@iot.count']).toBe(item.dataArray.length)
    for (const row of item.dataArray) {
      expect(Array.isArray(row)).toBe(true)
      expect(row).toHaveLength(components.length)
    }
  }
}

describe('req/data-array/data-array (ets-sta10 DataArrayTests)', () => {
  it('testGetDataArray: GET Observations?$count=true&$top=3&$resultFormat=dataArray', async () => {
    const r = await f.get('/v1.1/Observations?$count=true&$top=3&$resultFormat=dataArray')
    expect(r.status, r.text).toBe(200)
    checkDataArray(r.body, OBSERVATION_PROPERTIES)
    // FROST's order.
    expect(r.body.value[0].components).toEqual(OBSERVATION_PROPERTIES)
  })

  it('testGetDataArray with the seven properties selected, and with a subset (components as selected)', async () => {
    const r = await f.get(`/v1.1/Observations?$count=true&$top=3&$resultFormat=dataArray&$select=${OBSERVATION_PROPERTIES.join(',')}`)
    expect(r.status, r.text).toBe(200)
    checkDataArray(r.body, OBSERVATION_PROPERTIES)
    const some = await f.get('/v1.1/Observations?$count=true&$top=3&$resultFormat=dataArray&$select=result,id')
    checkDataArray(some.body, ['result', 'id'])
    expect(some.body.value[0].components).toEqual(['id', 'result'])
  })

  it('testGetDataArray on one Datastream: its two rows, one group, the values as created', async () => {
    const r = await f.get(`/v1.1/Datastreams(${ids.ds[0]})/Observations?$count=true&$resultFormat=dataArray&$orderby=phenomenonTime`)
    expect(r.status).toBe(200)
    expect(r.body['@iot.count']).toBe(2)
    expect(r.body.value).toHaveLength(1)
    expect(r.body.value[0]['Datastream@iot.navigationLink']).toMatch(new RegExp(`/Datastreams\\(${ids.ds[0]}\\)$`))
    expect(r.body.value[0].components).toEqual(OBSERVATION_PROPERTIES)
    expect(r.body.value[0].dataArray.map((row: unknown[]) => [row[0], row[1], row[2]])).toEqual([
      [ids.obs[0], '2016-01-01T01:01:01.000Z', 1],
      [ids.obs[2], '2016-01-03T01:01:01.000Z', 3],
    ])
  })

  it('testPostDataArray: POST /CreateObservations, "error" for the row with an invalid FeatureOfInterest id, generated features equal', async () => {
    const body = [
      {
        Datastream: { '@iot.id': ids.ds[0] },
        components: ['phenomenonTime', 'result', 'FeatureOfInterest/id'],
        'dataArray@iot.count': 2,
        dataArray: [
          ['2010-12-23T10:20:00-0700', 20, ids.foi[0]],
          ['2010-12-23T10:21:00-0700', 30, 'probablyNotAValidId'],
        ],
      },
      {
        Datastream: { '@iot.id': ids.ds[1] },
        components: ['phenomenonTime', 'result'],
        'dataArray@iot.count': 2,
        dataArray: [
          ['2010-12-23T10:20:00-0700', 65],
          ['2010-12-23T10:21:00-0700', 60],
        ],
      },
    ]
    const r = await f.send('POST', '/v1.1/CreateObservations', body)
    expect(r.status, r.text).toBe(201)
    expect(Array.isArray(r.body)).toBe(true)
    const created: number[] = []
    r.body.forEach((line: unknown, i: number) => {
      expect(typeof line).toBe('string')
      const error = (line as string).toLowerCase().startsWith('error')
      expect(error, `line ${i + 1}: ${line}`).toBe(i === 1)
      if (!error) created.push(Number((line as string).slice((line as string).lastIndexOf('(') + 1, (line as string).lastIndexOf(')'))))
    })
    for (const id of created) expect((await f.get(`/v1.1/Observations(${id})`)).status).toBe(200)
    // ets-sta10: observations 7 and 8 (the second group) get the same generated feature.
    const foiOf = async (id: number) => (await f.get(`/v1.1/Observations(${id})/FeatureOfInterest`)).body['@iot.id']
    expect(await foiOf(created[1])).toBe(await foiOf(created[2]))
    expect(await foiOf(created[0])).toBe(ids.foi[0])
  })
})

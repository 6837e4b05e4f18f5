// Sensing core, read side: ets-sta10 "conformance class: sensing core" and FROST-Server's
// read tests, as requests to a real fastify app over a provisioned SQLite file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { conformanceOf } from '../../src/sta/index.js'
import { makeFixture, N_TEMP, type Fixture } from './fixture.js'

let f: Fixture
beforeAll(async () => {
  f = await makeFixture()
})
afterAll(async () => {
  await f.close()
})
const B = 'http://localhost:80/v1.1'

const SETS = ['Things', 'Locations', 'HistoricalLocations', 'Sensors', 'ObservedProperties', 'Datastreams', 'MultiDatastreams', 'FeaturesOfInterest', 'Observations']
const PROPS: Record<string, string[]> = {
  Things: ['name', 'description', 'properties'],
  Locations: ['name', 'description', 'encodingType', 'location'],
  HistoricalLocations: ['time'],
  Sensors: ['name', 'description', 'encodingType', 'metadata'],
  ObservedProperties: ['name', 'definition', 'description'],
  Datastreams: ['name', 'description', 'unitOfMeasurement', 'observationType', 'phenomenonTime', 'resultTime'],
  MultiDatastreams: ['name', 'description', 'unitOfMeasurements', 'observationType', 'multiObservationDataTypes'],
  FeaturesOfInterest: ['name', 'description', 'encodingType', 'feature'],
  Observations: ['phenomenonTime', 'result', 'resultTime', 'resultQuality', 'validTime', 'parameters'],
}
const NAVS: Record<string, string[]> = {
  Things: ['Locations', 'HistoricalLocations', 'Datastreams', 'MultiDatastreams'],
  Locations: ['Things', 'HistoricalLocations'],
  HistoricalLocations: ['Thing', 'Locations'],
  Sensors: ['Datastreams', 'MultiDatastreams'],
  ObservedProperties: ['Datastreams', 'MultiDatastreams'],
  Datastreams: ['Thing', 'Sensor', 'ObservedProperty', 'Observations'],
  MultiDatastreams: ['Thing', 'Sensor', 'ObservedProperties', 'Observations'],
  FeaturesOfInterest: ['Observations'],
  Observations: ['Datastream', 'MultiDatastream', 'FeatureOfInterest'],
}

describe('req/resource-path/resource-path-to-entities', () => {
  it('service root lists every entity set and exactly the implemented conformance classes', async () => {
    const r = await f.get('/v1.1')
    expect(r.status).toBe(200)
    expect(r.body.value.map((v: any) => v.name)).toEqual(SETS)
    expect(r.body.value[0]).toEqual({ name: 'Things', url: `${B}/Things` })
    // No MQTT endpoint given to this app: the MQTT classes are not claimed.
    expect(r.body.serverSettings.conformance).toEqual(conformanceOf([]))
    expect(r.body.serverSettings.conformance).toContain('http://www.opengis.net/spec/iot_sensing/1.1/req/create-update-delete')
    expect(r.body.serverSettings.conformance).toContain('http://www.opengis.net/spec/iot_sensing/1.1/req/batch-request/batch-request')
    expect(r.body.serverSettings.conformance.some((c: string) => c.includes('mqtt'))).toBe(false)
  })

  it.each(SETS)('req/datamodel: %s collection has the mandatory properties, ids, self and navigation links', async (set) => {
    const r = await f.get(`/v1.1/${set}`)
    expect(r.status).toBe(200)
    expect(r.body.value.length).toBeGreaterThan(0)
    for (const e of r.body.value.slice(0, 3)) {
      expect(typeof e['@iot.id']).toBe('number')
      expect(e['@iot.selfLink']).toBe(`${B}/${set}(${e['@iot.id']})`)
      for (const p of PROPS[set]) expect(e, `${set}.${p}`).toHaveProperty([p])
      for (const n of NAVS[set]) expect(e[`${n}@iot.navigationLink`]).toBe(`${B}/${set}(${e['@iot.id']})/${n}`)
    }
  })

  it.each(SETS)('%s(id) returns that entity and a missing id is a 404', async (set) => {
    const first = (await f.get(`/v1.1/${set}?$top=1`)).body.value[0]
    const r = await f.get(`/v1.1/${set}(${first['@iot.id']})`)
    expect(r.status).toBe(200)
    expect(r.body).toEqual(first)
    const missing = await f.get(`/v1.1/${set}(987654321)`)
    expect(missing.status).toBe(404)
    expect(missing.body).toMatchObject({ code: 'STA_NOT_FOUND', message: `${set}(987654321) does not exist` })
  })

  it('navigation paths of any depth', async () => {
    const { buoy, temp } = f.ids
    const ds = await f.get(`/v1.1/Things(${buoy})/Datastreams`)
    expect(ds.body.value.map((d: any) => d['@iot.id'])).toContain(temp)
    const obs = await f.get(`/v1.1/Things(${buoy})/Datastreams(${temp})/Observations?$top=5`)
    expect(obs.status).toBe(200)
    expect(obs.body.value).toHaveLength(5)
    const op = await f.get(`/v1.1/Things(${buoy})/Datastreams(${temp})/ObservedProperty`)
    expect(op.body.name).toBe('Sea water temperature')
    const back = await f.get(`/v1.1/Observations(${obs.body.value[0]['@iot.id']})/Datastream/Thing/Locations`)
    expect(back.body.value[0].location).toEqual({ type: 'Point', coordinates: [165.82, -21.85] })
    const hl = await f.get(`/v1.1/Locations(1)/HistoricalLocations(1)/Thing`)
    expect(hl.body['@iot.id']).toBe(buoy)
    // A Datastream that does not belong to that Thing.
    expect((await f.get(`/v1.1/Things(${f.ids.logger})/Datastreams(${temp})`)).status).toBe(404)
    expect((await f.get(`/v1.1/Things(${buoy})/Datastreams(${temp})/Observations(${f.ids.detailObs})`)).status).toBe(404)
  })

  it('property, property/$value, $ref (single and collection)', async () => {
    const { buoy } = f.ids
    expect((await f.get(`/v1.1/Things(${buoy})/name`)).body).toEqual({ name: 'Lagoon station, Ouano (demo)' })
    const v = await f.get(`/v1.1/Things(${buoy})/name/$value`)
    expect(v.text).toBe('Lagoon station, Ouano (demo)')
    expect(v.headers['content-type']).toMatch(/text\/plain/)
    expect((await f.get(`/v1.1/Things(${buoy})/Datastreams/$ref?$top=2`)).body.value).toEqual([
      { '@iot.selfLink': `${B}/Datastreams(1)` },
      { '@iot.selfLink': `${B}/Datastreams(2)` },
    ])
    expect((await f.get(`/v1.1/Datastreams(1)/Thing/$ref`)).body).toEqual({ '@iot.selfLink': `${B}/Things(${buoy})` })
  })

  it('honours X-Forwarded-Proto/Host/Prefix in every link', async () => {
    const r = await f.get('/v1.1/Things?$top=1', { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.org', 'x-forwarded-prefix': '/sta' })
    expect(r.body.value[0]['@iot.selfLink']).toBe('https://api.example.org/sta/v1.1/Things(1)')
    expect(r.body['@iot.nextLink']).toMatch(/^https:\/\/api\.example\.org\/sta\/v1\.1\/Things\?/)
  })

  it.each([
    ['/v1.1/Thingz', 400, 'STA_UNKNOWN_ENTITY_SET', /unknown entity set 'Thingz'/],
    ['/v1.1/Things(1)/Datastream', 400, 'STA_UNKNOWN_PATH_SEGMENT', /'Datastream' is neither a property nor a navigation property of Thing/],
    ['/v1.1/Things(x)', 400, 'STA_BAD_ID', /'x'/],
    ['/v1.1/Things/Datastreams', 400, 'STA_BAD_PATH', /address one entity/],
    ['/v1.1/Things(1)/$value', 400, 'STA_BAD_PATH', /\$value must follow a property/],
    ['/v1.1/Things?$frob=1', 400, 'STA_UNKNOWN_QUERY_OPTION', /unknown query option '\$frob'/],
  ])('%s → %s %s', async (url, status, code, message) => {
    const r = await f.get(url)
    expect(r.status).toBe(status)
    expect(r.body.code).toBe(code)
    expect(r.body.message).toMatch(message)
  })
})

describe('Observation mapping (resultQuality, resultTime, parameters, FeatureOfInterest)', () => {
  it('maps the lean row and its details', async () => {
    const plain = (await f.get(`/v1.1/Datastreams(${f.ids.temp})/Observations?$top=1`)).body.value[0]
    expect(plain).toMatchObject({
      phenomenonTime: '2024-01-01T00:00:00.000Z',
      resultTime: '2024-01-01T00:01:00.000Z', // phenomenon_time + age_s·1000
      result: 25,
      resultQuality: { aggregate: 1, gross_range: 1, climatology: 1, spike: 1, rate_of_change: 1, flat_line: 1 },
      parameters: { raw: 500000, calibration: '37-0101-T-2024', gateways: [{ gatewayId: 'gw-ouano', rssi: -97, snr: 7.5 }] },
    })
    const flagged = (await f.get(`/v1.1/Observations(${f.ids.flaggedObs})/resultQuality`)).body
    expect(flagged).toEqual({ resultQuality: { aggregate: 4, gross_range: 1, spike: 4 } })
    const d = (await f.get(`/v1.1/Observations(${f.ids.detailObs})`)).body
    expect(d).toMatchObject({
      phenomenonTime: '2024-06-01T00:00:00.000Z/2024-06-01T01:00:00.000Z',
      resultTime: '2024-06-02T00:00:00.000Z',
      validTime: '2024-06-01T00:00:00.000Z/2024-07-01T00:00:00.000Z',
      parameters: { method: 'bottle sample', depth_m: 44 },
    })
    const foi = (await f.get(`/v1.1/Observations(${f.ids.detailObs})/FeatureOfInterest`)).body
    expect(foi['@iot.id']).toBe(f.ids.foi) // details.feature_id
    const dsFoi = (await f.get(`/v1.1/Observations(${plain['@iot.id']})/FeatureOfInterest`)).body
    expect(dsFoi['@iot.id']).toBe(f.ids.foi) // the datastream's default feature
    const foiObs = await f.get(`/v1.1/FeaturesOfInterest(${f.ids.foi})/Observations?$count=true&$top=0`)
    expect(foiObs.body['@iot.count']).toBe(N_TEMP + 50 + 1)
  })

  it('req/multi-datastream: MultiDatastream Observations are those with details.multi_datastream_id', async () => {
    const r = await f.get(`/v1.1/MultiDatastreams(${f.ids.md})/Observations`)
    expect(r.body.value).toHaveLength(1)
    expect(r.body.value[0].result).toEqual([25.1, 5.3, 10.2, 35.1, 10.1])
    const ops = await f.get(`/v1.1/MultiDatastreams(${f.ids.md})/ObservedProperties?$select=name`)
    expect(ops.body.value.map((o: any) => o.name)).toHaveLength(5)
    expect((await f.get(`/v1.1/Observations(${f.ids.mdObs})/MultiDatastream`)).body['@iot.id']).toBe(f.ids.md)
    expect((await f.get(`/v1.1/Observations(${f.ids.mdObs})/Datastream`)).status).toBe(404)
  })
})

// No query string or path, however strange, gives a 500 (fast-check), and the result formats:
// dataArray (req/data-array/data-array), FROST's CSV and GeoJSON, large streamed pages.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeFixture, N_TEMP, type Fixture } from './fixture.js'

let f: Fixture
beforeAll(async () => {
  f = await makeFixture({ maxTop: 100_000 })
})
afterAll(async () => {
  await f.close()
})

const words = ['Things', 'Datastreams', 'Observations', 'Locations', 'name', 'result', 'phenomenonTime', 'properties', 'Thing', 'Sensor', '$ref', '$value', '(1)', '(0)', "('x')", 'id', '@iot.id']
const ops = [' eq ', ' ne ', ' gt ', ' and ', ' or ', ' not ', ' add ', ' in ', '(', ')', ',', "'", '/', ';', '=', '$', ' ', '-', "geography'POINT(1 2)'", 'now()', 'geo.distance(', 'st_within(', 'substring(', "duration'P1D'", '2024-01-01T00:00:00Z', '1.5e3', 'null', 'true']
const token = fc.oneof(fc.constantFrom(...words, ...ops), fc.string({ maxLength: 4 }))
const text = fc.array(token, { maxLength: 12 }).map((a) => a.join(''))
const option = fc.constantFrom('$filter', '$select', '$expand', '$orderby', '$top', '$skip', '$count', '$resultFormat', '$skiptoken', '$frob', 'x')

describe('never a 500', () => {
  it('random query options on random paths', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(token, { maxLength: 5 }), fc.array(fc.tuple(option, text), { maxLength: 4 }), async (segs, opts) => {
        const path = '/v1.1/' + segs.map((s) => encodeURIComponent(s).replace(/%28/g, '(').replace(/%29/g, ')')).join('/')
        const qs = opts.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')
        const r = await f.app.inject({ method: 'GET', url: qs ? `${path}?${qs}` : path })
        expect(r.statusCode, `${path}?${qs} → ${r.body}`).toBeLessThan(500)
      }),
      { numRuns: 400 },
    )
  })
  it('random $filter on every entity set', async () => {
    const sets = ['Things', 'Locations', 'HistoricalLocations', 'Sensors', 'ObservedProperties', 'Datastreams', 'MultiDatastreams', 'FeaturesOfInterest', 'Observations']
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...sets), text, async (set, filter) => {
        const r = await f.app.inject({ method: 'GET', url: `/v1.1/${set}?$filter=${encodeURIComponent(filter)}` })
        expect(r.statusCode, `${set} ${filter} → ${r.body}`).toBeLessThan(500)
      }),
      { numRuns: 400 },
    )
  })
  it('raw malformed URLs', async () => {
    for (const url of ['/v1.1/Things?$filter=%', '/v1.1/%E0%A4%A', "/v1.1/Things?$filter=name eq '%ZZ'", '/v1.1/Things?$top=1&$top=2', '/v1.1//Things', '/v1.1/Things(1)//name']) {
      const r = await f.app.inject({ method: 'GET', url })
      expect(r.statusCode, `${url} → ${r.body}`).toBeLessThan(500)
    }
  })
})

describe('result formats', () => {
  it('req/data-array/data-array: dataArray with default and selected components', async () => {
    // Without $select: every Observation property, in FROST's (and ets-sta10's) order.
    const r = await f.get(`/v1.1/Datastreams(${f.ids.temp})/Observations?$resultFormat=dataArray&$top=2`)
    const json = await f.get(`/v1.1/Datastreams(${f.ids.temp})/Observations?$top=2`)
    const components = ['id', 'phenomenonTime', 'result', 'resultTime', 'resultQuality', 'validTime', 'parameters']
    expect(r.body.value).toEqual([
      {
        'Datastream@iot.navigationLink': `http://localhost:80/v1.1/Datastreams(${f.ids.temp})`,
        components,
        dataArray: json.body.value.map((o: Record<string, unknown>) => components.map((c) => o[c === 'id' ? '@iot.id' : c] ?? null)),
        'dataArray@iot.count': 2,
      },
    ])
    expect(r.body.value[0].dataArray.map((row: unknown[]) => row.slice(0, 4))).toEqual([
      [1, '2024-01-01T00:00:00.000Z', 25, '2024-01-01T00:01:00.000Z'],
      [2, '2024-01-01T00:10:00.000Z', 25.01, '2024-01-01T00:11:00.000Z'],
    ])
    expect(r.body['@iot.nextLink']).toMatch(/\$resultFormat=dataArray&\$top=2&\$skiptoken=/)
    // The four components of OGC 18-088's own example, selected.
    const four = await f.get(`/v1.1/Datastreams(${f.ids.temp})/Observations?$resultFormat=dataArray&$top=2&$select=id,phenomenonTime,resultTime,result`)
    expect(four.body.value[0].components).toEqual(['id', 'phenomenonTime', 'resultTime', 'result'])
    expect(four.body.value[0].dataArray).toEqual([
      [1, '2024-01-01T00:00:00.000Z', '2024-01-01T00:01:00.000Z', 25],
      [2, '2024-01-01T00:10:00.000Z', '2024-01-01T00:11:00.000Z', 25.01],
    ])
    const sel = await f.get(`/v1.1/Observations?$resultFormat=DATAARRAY&$select=result,phenomenonTime&$filter=Datastream/@iot.id eq ${f.ids.temp}&$top=1&$count=true`)
    expect(sel.body['@iot.count']).toBe(N_TEMP)
    expect(sel.body.value[0].components).toEqual(['result', 'phenomenonTime'])
    expect((await f.get('/v1.1/Things?$resultFormat=dataArray')).body.code).toBe('STA_BAD_RESULT_FORMAT')
  })
  it('CSV and GeoJSON (case-insensitive names, as FROST)', async () => {
    const csv = await f.get('/v1.1/Things?$resultFormat=csv&$select=id,name')
    expect(csv.headers['content-type']).toMatch(/text\/csv/)
    expect(csv.text.split('\r\n')[0]).toBe('@iot.id,name')
    expect(csv.text.split('\r\n')[1]).toBe('1,"Lagoon station, Ouano (demo)"')
    const gj = await f.get('/v1.1/FeaturesOfInterest?$resultFormat=GeoJSON&$select=name,feature')
    expect(gj.body.type).toBe('FeatureCollection')
    expect(gj.body.features[0]).toMatchObject({ type: 'Feature', geometry: { type: 'Point' }, properties: { name: 'MHXCOK01 water column' } })
    expect((await f.get('/v1.1/Things?$resultFormat=xml')).body.message).toMatch(/unknown format 'xml'/)
  })
  it('a page larger than the streaming threshold is streamed and complete', async () => {
    const r = await f.get(`/v1.1/Observations?$top=50000&$select=id`)
    expect(r.status).toBe(200)
    expect(r.body.value).toHaveLength(372)
    const da = await f.get(`/v1.1/Datastreams(${f.ids.temp})/Observations?$top=50000&$resultFormat=dataArray`)
    expect(da.body.value[0].dataArray).toHaveLength(N_TEMP)
  })
})

describe('isoMs (the fast ISO formatter behind every time in responses)', () => {
  it('equals Date.toISOString for any epoch ms', async () => {
    const { isoMs } = await import('../../src/sta/decode.js')
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }), fc.double({ min: -1e13, max: 1e13, noNaN: true })), (ms) => {
        expect(isoMs(ms)).toBe(new Date(ms).toISOString())
      }),
      { numRuns: 2000 },
    )
  })
})

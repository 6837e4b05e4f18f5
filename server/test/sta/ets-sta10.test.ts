// The OGC conformance suite for SensorThings (opengeospatial/ets-sta10: sensingCore
// Capability1Tests, createUpdateDelete Capability2Tests, filteringExtension Capability3Tests),
// ported as model-driven checks over every entity set. Each test names the requirement class
// of OGC 18-088 it checks and the ets-sta10 test it follows. What other files already cover
// (deep insert, cascades, batch, dataArray, MQTT, geo) is not repeated here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeFixture, type Fixture } from './fixture.js'

// ets-sta10 util/EntityProperties and EntityRelations (SensorThings 1.0/1.1 mandatory properties
// and navigation properties), plus MultiDatastream (its multiDatastreamExtension).
const SETS: Record<string, { properties: string[]; relations: string[] }> = {
  Things: { properties: ['name', 'description'], relations: ['Locations', 'HistoricalLocations', 'Datastreams', 'MultiDatastreams'] },
  Locations: { properties: ['name', 'description', 'encodingType', 'location'], relations: ['Things', 'HistoricalLocations'] },
  HistoricalLocations: { properties: ['time'], relations: ['Thing', 'Locations'] },
  Datastreams: { properties: ['name', 'description', 'unitOfMeasurement', 'observationType'], relations: ['Thing', 'Sensor', 'ObservedProperty', 'Observations'] },
  MultiDatastreams: { properties: ['name', 'description', 'unitOfMeasurements', 'observationType', 'multiObservationDataTypes'], relations: ['Thing', 'Sensor', 'ObservedProperties', 'Observations'] },
  Sensors: { properties: ['name', 'description', 'encodingType', 'metadata'], relations: ['Datastreams', 'MultiDatastreams'] },
  ObservedProperties: { properties: ['name', 'definition', 'description'], relations: ['Datastreams', 'MultiDatastreams'] },
  Observations: { properties: ['phenomenonTime', 'result', 'resultTime'], relations: ['Datastream', 'MultiDatastream', 'FeatureOfInterest'] },
  FeaturesOfInterest: { properties: ['name', 'description', 'encodingType', 'feature'], relations: ['Observations'] },
}
/** Properties whose $value is JSON (ets-sta10: location, feature, unitOfMeasurement are objects;
 * MultiDatastream's are arrays); the others are plain text. */
const JSON_VALUED: Record<string, string> = { location: '{', feature: '{', unitOfMeasurement: '{', unitOfMeasurements: '[', multiObservationDataTypes: '[' }
/** To-one relations an entity may lack (an Observation has a Datastream or a MultiDatastream). */
const OPTIONAL_TO_ONE = new Set(['Datastream', 'MultiDatastream'])
const ONE_PLURAL: Record<string, string> = { Thing: 'Things', Sensor: 'Sensors', ObservedProperty: 'ObservedProperties', Datastream: 'Datastreams', MultiDatastream: 'MultiDatastreams', FeatureOfInterest: 'FeaturesOfInterest' }
const LONG_MAX = '9223372036854775807'

let f: Fixture
let base = ''

beforeAll(async () => {
  f = await makeFixture()
  base = (await f.get('/v1.1')).body.value[0].url.replace(/\/Things$/, '')
  // A HistoricalLocation, so that every set has an entity (ets-sta10 creates its own data).
  const locs = await f.get(`/v1.1/Things(${f.ids.buoy})/Locations?$select=id`)
  expect((await f.send('PATCH', `/v1.1/Things(${f.ids.buoy})`, { Locations: locs.body.value.map((l: { '@iot.id': number }) => ({ '@iot.id': l['@iot.id'] })) })).status).toBe(200)
  if ((await f.get('/v1.1/HistoricalLocations?$top=1')).body.value.length === 0) {
    expect((await f.send('POST', '/v1.1/HistoricalLocations', { time: '2024-01-01T00:00:00Z', Thing: { '@iot.id': f.ids.buoy } })).status).toBe(201)
  }
})
afterAll(() => f.close())

/** Control information and mandatory properties of an entity (ets checkEntityAllAspectsForResponse). */
function checkEntity(set: string, e: Record<string, unknown>): void {
  expect(typeof e['@iot.id'], `${set} @iot.id`).toBe('number')
  expect(e['@iot.selfLink'], `${set} @iot.selfLink`).toBe(`${base}/${set}(${e['@iot.id']})`)
  for (const p of SETS[set].properties) expect(Object.keys(e), `${set}(${e['@iot.id']}) must have '${p}'`).toContain(p)
  for (const r of SETS[set].relations) expect(e[`${r}@iot.navigationLink`], `${set} ${r}@iot.navigationLink`).toBe(`${base}/${set}(${e['@iot.id']})/${r}`)
}

describe('req/resource-path/resource-path-to-entities, req/datamodel (ets-sta10 sensingCore)', () => {
  it('readEntitiesAndCheckResponse: every collection, every entity with its control information, mandatory properties and navigation links', async () => {
    for (const set of Object.keys(SETS)) {
      const r = await f.get(`/v1.1/${set}`)
      expect(r.status, set).toBe(200)
      expect(r.body.value.length, `${set} is empty`).toBeGreaterThan(0)
      for (const e of r.body.value) checkEntity(set, e)
    }
  })
  it(`readNonexistentEntity: GET ${LONG_MAX} (Long.MAX_VALUE) of every set is a 404`, async () => {
    for (const set of Object.keys(SETS)) {
      const r = await f.get(`/v1.1/${set}(${LONG_MAX})`)
      expect(r.status, set).toBe(404)
      expect(r.body.code).toBe('STA_NOT_FOUND')
    }
  })
  it('readEntityAndCheckResponse: GET of one entity of every set', async () => {
    for (const set of Object.keys(SETS)) {
      const id = (await f.get(`/v1.1/${set}?$top=1`)).body.value[0]['@iot.id']
      const r = await f.get(`/v1.1/${set}(${id})`)
      expect(r.status).toBe(200)
      checkEntity(set, r.body)
    }
  })
  it('readPropertyOfEntityAndCheckResponse (req/request-data/property, property-value): each mandatory property alone, and its $value', async () => {
    for (const [set, { properties }] of Object.entries(SETS)) {
      const one = (await f.get(`/v1.1/${set}?$top=1&$filter=${encodeURIComponent(set === 'Observations' ? 'resultTime ne null and result ne null' : 'true')}`)).body.value[0]
      for (const p of properties) {
        const r = await f.get(`/v1.1/${set}(${one['@iot.id']})/${p}`)
        expect(r.status, `${set}/${p}`).toBe(200)
        expect(Object.keys(r.body), `${set}/${p} returns only that property`).toEqual([p])
        expect(r.body[p]).toEqual(one[p])
        const v = await f.get(`/v1.1/${set}(${one['@iot.id']})/${p}/$value`)
        expect(v.status, `${set}/${p}/$value`).toBe(200)
        if (JSON_VALUED[p]) expect(v.text[0], `${set}/${p}/$value is JSON`).toBe(JSON_VALUED[p])
        // Sensor metadata may be a JSON object (then its $value is JSON) or a string.
        else if (typeof one[p] !== 'object') expect(v.text[0] === '{' || v.text[0] === '[', `${set}/${p}/$value is plain text`).toBe(false)
      }
    }
  })
  it('checkResourcePaths: navigation to level 3 from every set answers 200; $ref lists hold self-links only', async () => {
    const visit = async (path: string, depth: number, set: string): Promise<void> => {
      const r = await f.get(`/v1.1${path}`)
      if (r.status === 404 && OPTIONAL_TO_ONE.has(path.split('/').pop()!) && path.includes('/Observations(')) return
      // The fixture's MultiDatastream Observation is stored (by SQL) without a FeatureOfInterest,
      // which no write path allows: its /FeatureOfInterest is a 404.
      if (r.status === 404 && path.includes(`/Observations(${f.ids.mdObs})/FeatureOfInterest`)) return
      expect(r.status, path).toBe(200)
      const many = Array.isArray(r.body.value)
      const ref = await f.get(`/v1.1${path}/$ref`)
      expect(ref.status, `${path}/$ref`).toBe(200)
      for (const x of many ? ref.body.value : [ref.body]) expect(Object.keys(x), `${path}/$ref`).toEqual(['@iot.selfLink'])
      if (depth === 3) return
      const first = many ? r.body.value[0] : r.body
      if (!first) return
      const here = many ? `${path}(${first['@iot.id']})` : path
      for (const rel of SETS[set].relations) {
        const target = SETS[rel] ? rel : ONE_PLURAL[rel]
        await visit(`${here}/${rel}`, depth + 1, target)
      }
    }
    for (const set of Object.keys(SETS)) await visit(`/${set}`, 1, set)
  })
  it('checkServiceRootUri: the root lists each set by name with a URL that answers', async () => {
    const root = await f.get('/v1.1')
    const listed = new Map(root.body.value.map((x: { name: string; url: string }) => [x.name, x.url]))
    for (const set of Object.keys(SETS)) {
      expect(listed.get(set), set).toBe(`${base}/${set}`)
      expect((await f.get(new URL(listed.get(set) as string).pathname)).status).toBe(200)
    }
  })
})

describe('req/create-update-delete (ets-sta10 createUpdateDelete)', () => {
  const VALID: Record<string, () => Record<string, unknown>> = {
    Things: () => ({ name: 'ets thing', description: 'x' }),
    Locations: () => ({ name: 'ets loc', description: 'x', encodingType: 'application/geo+json', location: { type: 'Point', coordinates: [166.4, -22.2] } }),
    Sensors: () => ({ name: 'ets sensor', description: 'x', encodingType: 'application/pdf', metadata: 'http://example.org/sensor.pdf' }),
    ObservedProperties: () => ({ name: 'ets op', definition: 'http://example.org/op', description: 'x' }),
    FeaturesOfInterest: () => ({ name: 'ets foi', description: 'x', encodingType: 'application/geo+json', feature: { type: 'Point', coordinates: [166.4, -22.2] } }),
  }
  it('createInvalidEntities (req/create-update-delete/create-entity): each mandatory property missing is a 400 naming it, and nothing is stored', async () => {
    for (const [set, make] of Object.entries(VALID)) {
      const before = (await f.get(`/v1.1/${set}?$count=true&$top=0`)).body['@iot.count']
      for (const p of Object.keys(make())) {
        const body = make()
        delete body[p]
        const r = await f.send('POST', `/v1.1/${set}`, body)
        expect(r.status, `${set} without ${p}`).toBe(400)
        expect(r.body.message).toContain(p)
      }
      expect((await f.get(`/v1.1/${set}?$count=true&$top=0`)).body['@iot.count']).toBe(before)
    }
  })
  it('createEntities then GET returns what was posted (req/create-update-delete/create-entity)', async () => {
    for (const [set, make] of Object.entries(VALID)) {
      const r = await f.send('POST', `/v1.1/${set}`, make())
      expect(r.status, set).toBe(201)
      expect(r.headers.location).toBe(r.body['@iot.selfLink'])
      const back = await f.get(new URL(r.body['@iot.selfLink']).pathname)
      for (const [k, v] of Object.entries(make())) expect(back.body[k], `${set}.${k}`).toEqual(v)
    }
  })
  it('deleteNonexistentEntities, patch/put of a missing entity (req/create-update-delete/delete-entity, update-entity): 404 on every set', async () => {
    for (const set of Object.keys(SETS)) {
      expect((await f.send('DELETE', `/v1.1/${set}(${LONG_MAX})`)).status, `DELETE ${set}`).toBe(404)
      expect((await f.send('DELETE', `/v1.1/${set}(99999999)`)).status, `DELETE ${set}`).toBe(404)
      expect((await f.send('PATCH', `/v1.1/${set}(99999999)`, { name: 'x' })).status, `PATCH ${set}`).toBe(404)
    }
  })
  it('deleteEntities: a deleted entity is gone (404) from its set and from navigation', async () => {
    for (const [set, make] of Object.entries(VALID)) {
      const r = await f.send('POST', `/v1.1/${set}`, make())
      const path = new URL(r.body['@iot.selfLink']).pathname
      expect((await f.send('DELETE', path)).status).toBe(200)
      expect((await f.get(path)).status, `${set} after DELETE`).toBe(404)
    }
  })
  it('historicalLocationEntityChecks (req/create-update-delete/historical-location-auto-creation): a Thing created with a Location gets one HistoricalLocation with it', async () => {
    const r = await f.send('POST', '/v1.1/Things', { ...VALID.Things(), Locations: [VALID.Locations()] })
    const id = r.body['@iot.id']
    const hl = await f.get(`/v1.1/Things(${id})/HistoricalLocations?$expand=Locations`)
    expect(hl.body.value).toHaveLength(1)
    const loc = await f.get(`/v1.1/Things(${id})/Locations`)
    expect(hl.body.value[0].Locations.map((l: { '@iot.id': number }) => l['@iot.id'])).toEqual(loc.body.value.map((l: { '@iot.id': number }) => l['@iot.id']))
  })
})

describe('req/create-update-delete/create-entity: result types (ets-sta10 createUpdateDelete ResultTypesTests)', () => {
  it('number, integer, string, boolean, object, array and null results come back as sent, and filter by type', async () => {
    const results: unknown[] = [1.5, 42, 'text result', true, false, { a: 1, b: [2, 3] }, [1, 'two', { three: 3 }], null]
    // A Datastream of their own (deleted at the end), so that the other checks see numbers only.
    const template = (await f.get(`/v1.1/Datastreams(${f.ids.psal})?$select=name,description,unitOfMeasurement,observationType&$expand=Thing($select=id),Sensor($select=id),ObservedProperty($select=id)`)).body
    const created = await f.send('POST', '/v1.1/Datastreams', { ...template, name: 'result types' })
    expect(created.status).toBe(201)
    const ds = created.body['@iot.id']
    const ids: number[] = []
    for (const result of results) {
      const r = await f.send('POST', `/v1.1/Datastreams(${ds})/Observations`, { phenomenonTime: '2030-01-01T00:00:00Z', result })
      expect(r.status, JSON.stringify(result)).toBe(201)
      ids.push(r.body['@iot.id'])
    }
    for (let k = 0; k < results.length; k++) {
      const back = await f.get(`/v1.1/Observations(${ids[k]})`)
      expect(back.body.result, JSON.stringify(results[k])).toEqual(results[k])
    }
    const only = async (filter: string) =>
      (await f.get(`/v1.1/Datastreams(${ds})/Observations?$select=id&$filter=${encodeURIComponent(filter)}`)).body.value.map((o: { '@iot.id': number }) => o['@iot.id'])
    expect(await only("result eq 'text result'")).toEqual([ids[2]])
    expect(await only('result eq 42')).toEqual([ids[1]])
    expect(await only('result gt 1 and result lt 2')).toEqual([ids[0]])
    expect(await only('result eq true')).toEqual([ids[3]])
    // Known gap (docs/sensorthings.md, Limits): object and array results read as NULL in $filter,
    // so `result eq null` matches them as well as the null result.
    expect(await only('result eq null')).toEqual([ids[5], ids[6], ids[7]])
    expect((await f.send('DELETE', `/v1.1/Datastreams(${ds})`)).status).toBe(200)
  })
})

describe('req/request-data (ets-sta10 filteringExtension Capability3Tests)', () => {
  it('readEntitiesWithSelectQO (req/request-data/select): each mandatory property alone, and all of them, on every set', async () => {
    for (const [set, { properties }] of Object.entries(SETS)) {
      for (const sel of [...properties.map((p) => [p]), properties]) {
        const r = await f.get(`/v1.1/${set}?$top=3&$select=${sel.join(',')}`)
        expect(r.status).toBe(200)
        for (const e of r.body.value) expect(Object.keys(e).sort(), `${set} $select=${sel}`).toEqual([...sel].sort())
      }
    }
  })
  it('checkExpandedEntities (req/request-data/expand): each navigation property of every set, expanded', async () => {
    for (const [set, { relations }] of Object.entries(SETS)) {
      for (const rel of relations) {
        const r = await f.get(`/v1.1/${set}?$top=2&$expand=${rel}`)
        expect(r.status, `${set} $expand=${rel}`).toBe(200)
        for (const e of r.body.value) {
          const linked = await f.get(`/v1.1/${set}(${e['@iot.id']})/${rel}`)
          if (linked.status === 404) expect(e[rel], `${set}(${e['@iot.id']}) ${rel}`).toBeUndefined()
          else if (Array.isArray(linked.body.value)) expect(e[rel].map((x: { '@iot.id': number }) => x['@iot.id'])).toEqual(linked.body.value.map((x: { '@iot.id': number }) => x['@iot.id']))
          else expect(e[rel]['@iot.id']).toBe(linked.body['@iot.id'])
        }
      }
    }
  })
  it('checkQueriesWithTop, Skip and Count (req/request-data/top, skip, count): pages partition the collection; @iot.count is its size', async () => {
    for (const set of Object.keys(SETS)) {
      const all = (await f.get(`/v1.1/${set}?$top=1000&$select=id&$count=true`)).body
      const ids = all.value.map((e: { '@iot.id': number }) => e['@iot.id'])
      expect(all['@iot.count'], set).toBe(ids.length)
      for (const top of [1, 2, 3]) {
        const page = (await f.get(`/v1.1/${set}?$top=${top}&$skip=1&$select=id&$count=true`)).body
        expect(page.value.map((e: { '@iot.id': number }) => e['@iot.id']), `${set} $top=${top}&$skip=1`).toEqual(ids.slice(1, 1 + top))
        expect(page['@iot.count']).toBe(ids.length)
        expect(page['@iot.nextLink'] !== undefined, `${set} nextLink`).toBe(ids.length > 1 + top)
      }
    }
  })
  it('checkQueriesWithOrderby (req/request-data/orderby): every orderable mandatory property, asc and desc', async () => {
    const ORDERABLE = new Set(['name', 'description', 'encodingType', 'definition', 'observationType', 'time', 'phenomenonTime', 'resultTime', 'result'])
    for (const [set, { properties }] of Object.entries(SETS)) {
      for (const p of properties.filter((x) => ORDERABLE.has(x))) {
        for (const dir of ['asc', 'desc']) {
          const r = await f.get(`/v1.1/${set}?$top=1000&$select=${p}&$orderby=${p} ${dir}`)
          expect(r.status, `${set} $orderby=${p} ${dir}`).toBe(200)
          const values = r.body.value.map((e: Record<string, unknown>) => e[p]).filter((v: unknown) => v !== null && typeof v !== 'object')
          const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
          expect(values, `${set} $orderby=${p} ${dir}`).toEqual(dir === 'asc' ? sorted : sorted.reverse())
        }
      }
    }
  })
  it('checkQueriesWithFilter (req/request-data/filter): lt le eq ne ge gt on result and phenomenonTime agree with the values', async () => {
    const all = (await f.get(`/v1.1/Datastreams(${f.ids.psal})/Observations?$top=1000&$select=id,result,phenomenonTime`)).body.value as { '@iot.id': number; result: number; phenomenonTime: string }[]
    const mid = all[Math.floor(all.length / 2)]
    const ops: Record<string, (a: number, b: number) => boolean> = { lt: (a, b) => a < b, le: (a, b) => a <= b, eq: (a, b) => a === b, ne: (a, b) => a !== b, ge: (a, b) => a >= b, gt: (a, b) => a > b }
    for (const [op, test] of Object.entries(ops)) {
      for (const [prop, value, lit] of [['result', (o: typeof mid) => o.result, String(mid.result)], ['phenomenonTime', (o: typeof mid) => Date.parse(o.phenomenonTime), mid.phenomenonTime]] as const) {
        const r = await f.get(`/v1.1/Datastreams(${f.ids.psal})/Observations?$top=1000&$select=id&$filter=${encodeURIComponent(`${prop} ${op} ${lit}`)}`)
        const want = all.filter((o) => test(value(o), value(mid))).map((o) => o['@iot.id'])
        expect(r.body.value.map((o: { '@iot.id': number }) => o['@iot.id']), `${prop} ${op} ${lit}`).toEqual(want)
      }
    }
    const both = await f.get(`/v1.1/Datastreams(${f.ids.psal})/Observations?$top=1000&$select=id&$filter=${encodeURIComponent(`result gt ${all[5].result} and not (result ge ${all[10].result}) or result eq ${all[40].result}`)}`)
    expect(both.body.value.map((o: { '@iot.id': number }) => o['@iot.id'])).toEqual([...all.slice(6, 10), all[40]].map((o) => o['@iot.id']))
  })
})

// Conformance class create-update-delete (OGC 18-088 A.2, ets-sta10 CreateUpdateDeleteTests,
// FROST-Server's EntityCrudTests/DeepInsertTests): create with mandatory properties, deep
// insert, links by @iot.id, PATCH / PUT / JSON Patch, DELETE with the spec's cascades, and the
// store layout of written Observations.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EntityEvents, type EntityChange } from '../../src/events.js'
import { makeFixture, type Fixture } from './fixture.js'

let f: Fixture
const events = new EntityEvents()
const seen: EntityChange[][] = []
events.on((c) => seen.push(c))
beforeAll(async () => {
  f = await makeFixture({ events })
})
afterAll(async () => {
  await f.close()
})
const B = 'http://localhost:80/v1.1'
const count = (sql: string, ...a: unknown[]) => (f.db.prepare(sql).get(...a) as { n: number }).n

const sensor = { name: 'SBE 37', description: 'CTD', encodingType: 'application/pdf', metadata: 'https://example.org/sbe37.pdf' }
const op = { name: 'Temperature', definition: 'http://vocab.nerc.ac.uk/collection/P07/current/CFSN0335/', description: 'sea water temperature' }
const uom = { name: 'degree Celsius', symbol: '°C', definition: 'http://qudt.org/vocab/unit/DEG_C' }
const OM = 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement'
const point = (x: number, y: number) => ({ type: 'Point', coordinates: [x, y] })

function deepThing(name: string) {
  return {
    name,
    description: 'a buoy',
    properties: { owner: 'IRD' },
    Locations: [{ name: `${name} mooring`, description: 'mooring', encodingType: 'application/geo+json', location: point(166.1, -22.2) }],
    Datastreams: [{ name: `${name} temperature`, description: 'T', unitOfMeasurement: uom, observationType: OM, Sensor: sensor, ObservedProperty: op, Observations: [{ phenomenonTime: '2024-03-01T00:00:00Z', result: 24.5 }] }],
  }
}

describe('req/create-update-delete/create-entity', () => {
  it.each([
    ['Things', { name: 'T', description: 'd' }],
    ['Locations', { name: 'L', description: 'd', encodingType: 'application/geo+json', location: point(1, 2) }],
    ['Sensors', sensor],
    ['ObservedProperties', op],
    ['FeaturesOfInterest', { name: 'F', description: 'd', encodingType: 'application/geo+json', feature: point(3, 4) }],
  ])('POST /%s creates the entity: 201, Location header, the entity in the body', async (set, body) => {
    const r = await f.send('POST', `/v1.1/${set}`, body)
    expect(r.status, r.text).toBe(201)
    const id = r.body['@iot.id']
    expect(r.headers.location).toBe(`${B}/${set}(${id})`)
    expect(r.body).toMatchObject(body)
    expect((await f.get(`/v1.1/${set}(${id})`)).body).toEqual(r.body)
  })

  it.each([
    ['Things', { description: 'no name' }, 'name'],
    ['Locations', { name: 'L', description: 'd', encodingType: 'application/geo+json' }, 'location'],
    ['Sensors', { name: 'S', description: 'd', encodingType: 'x' }, 'metadata'],
    ['Datastreams', { name: 'D', description: 'd', unitOfMeasurement: uom, observationType: OM, Thing: { '@iot.id': 1 }, Sensor: { '@iot.id': 1 } }, 'ObservedProperty'],
    ['Observations', { phenomenonTime: '2024-01-01T00:00:00Z', Datastream: { '@iot.id': 1 } }, 'result'],
  ])('a %s without its mandatory %s is a 400 that names it', async (set, body, missing) => {
    const r = await f.send('POST', `/v1.1/${set}`, body)
    expect(r.status).toBe(400)
    expect(r.body.code).toBe('STA_MISSING_PROPERTY')
    expect(r.body.message).toContain(`'${missing}'`)
  })

  it('rejects unknown properties, wrong types, bad times and client-chosen ids, naming them', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ name: 'T', description: 'd', colour: 'red' }, 'STA_BAD_ENTITY', /'colour' is not a property of Thing/],
      [{ name: 7, description: 'd' }, 'STA_BAD_VALUE', /Thing\.name: expected a string/],
      [{ name: 'T', description: 'd', properties: [1] }, 'STA_BAD_VALUE', /Thing\.properties: expected an object/],
      [{ '@iot.id': 99, name: 'T', description: 'd' }, 'STA_BAD_ENTITY', /chosen by the server/],
      [[1, 2], 'STA_BAD_ENTITY', /expected a JSON object/],
    ]
    for (const [body, code, message] of cases) {
      const r = await f.send('POST', '/v1.1/Things', body)
      expect(r.status, JSON.stringify(body)).toBe(400)
      expect(r.body.code).toBe(code)
      expect(r.body.message).toMatch(message)
    }
    const t = await f.send('POST', `/v1.1/Datastreams(${f.ids.temp})/Observations`, { phenomenonTime: '2024-13-01', result: 1 })
    expect(t.body).toMatchObject({ code: 'STA_BAD_VALUE' })
    expect(t.body.message).toMatch(/phenomenonTime/)
  })
})

describe('req/create-update-delete/deep-insert and link-to-existing-entities', () => {
  it('a Thing with Location, Datastream, Sensor, ObservedProperty and Observation in one request', async () => {
    const r = await f.send('POST', '/v1.1/Things', deepThing('Deep'))
    expect(r.status, r.text).toBe(201)
    const id = r.body['@iot.id']
    const got = (await f.get(`/v1.1/Things(${id})?$expand=Locations,HistoricalLocations($expand=Locations),Datastreams($expand=Sensor,ObservedProperty,Observations)`)).body
    expect(got.Locations).toHaveLength(1)
    expect(got.Locations[0].location).toEqual(point(166.1, -22.2))
    // req/create-update-delete/historical-location-auto-creation
    expect(got.HistoricalLocations).toHaveLength(1)
    expect(got.HistoricalLocations[0].Locations[0]['@iot.id']).toBe(got.Locations[0]['@iot.id'])
    const ds = got.Datastreams[0]
    expect(ds.Sensor.name).toBe('SBE 37')
    expect(ds.ObservedProperty.name).toBe('Temperature')
    expect(ds.Observations).toHaveLength(1)
    expect(ds.Observations[0]).toMatchObject({ phenomenonTime: '2024-03-01T00:00:00.000Z', result: 24.5 })
    expect(ds.phenomenonTime).toBe('2024-03-01T00:00:00.000Z/2024-03-01T00:00:00.000Z')
  })

  it('links by @iot.id; a link to a missing entity is a 400 and nothing of the request is stored', async () => {
    const things = count('SELECT count(*) AS n FROM things')
    const sensors = count('SELECT count(*) AS n FROM sensors')
    const r = await f.send('POST', '/v1.1/Things', { name: 'X', description: 'd', Datastreams: [{ name: 'D', description: 'd', unitOfMeasurement: uom, observationType: OM, Sensor: sensor, ObservedProperty: { '@iot.id': 987654 } }] })
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({ code: 'STA_LINK_NOT_FOUND' })
    expect(r.body.message).toContain('ObservedProperties(987654) does not exist')
    expect(count('SELECT count(*) AS n FROM things')).toBe(things)
    expect(count('SELECT count(*) AS n FROM sensors')).toBe(sensors)
    const ok = await f.send('POST', '/v1.1/Datastreams', { name: 'linked', description: 'd', unitOfMeasurement: uom, observationType: OM, Thing: { '@iot.id': f.ids.buoy }, Sensor: { '@iot.id': 1 }, ObservedProperty: { '@iot.id': 1 } })
    expect(ok.status, ok.text).toBe(201)
    expect((await f.get(`/v1.1/Datastreams(${ok.body['@iot.id']})/Thing`)).body['@iot.id']).toBe(f.ids.buoy)
  })

  it('POST through a navigation path links the new entity to the parent', async () => {
    const r = await f.send('POST', `/v1.1/Datastreams(${f.ids.loggerTemp})/Observations`, { phenomenonTime: '2025-01-01T00:00:00Z', result: 19.25 })
    expect(r.status, r.text).toBe(201)
    expect((await f.get(`/v1.1/Observations(${r.body['@iot.id']})/Datastream`)).body['@iot.id']).toBe(f.ids.loggerTemp)
    const loc = await f.send('POST', `/v1.1/Things(${f.ids.logger})/Locations`, { name: 'moved', description: 'd', encodingType: 'application/geo+json', location: point(166.3, -22.4) })
    expect(loc.status, loc.text).toBe(201)
    const thing = (await f.get(`/v1.1/Things(${f.ids.logger})?$expand=Locations,HistoricalLocations($orderby=id desc;$top=1;$expand=Locations)`)).body
    expect(thing.Locations.map((l: any) => l['@iot.id'])).toEqual([loc.body['@iot.id']])
    expect(thing.HistoricalLocations[0].Locations[0]['@iot.id']).toBe(loc.body['@iot.id'])
  })

  it('req/multi-datastream/constraints: a MultiDatastream with its ObservedProperties, and its Observations as arrays', async () => {
    const md = await f.send('POST', '/v1.1/MultiDatastreams', {
      name: 'CTD',
      description: 'T and S',
      observationType: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_ComplexObservation',
      unitOfMeasurements: [uom, { name: 'PSU', symbol: '', definition: 'x' }],
      multiObservationDataTypes: [OM, OM],
      Thing: { '@iot.id': f.ids.buoy },
      Sensor: { '@iot.id': 1 },
      ObservedProperties: [{ '@iot.id': 1 }, op],
    })
    expect(md.status, md.text).toBe(201)
    const id = md.body['@iot.id']
    expect((await f.get(`/v1.1/MultiDatastreams(${id})/ObservedProperties`)).body.value).toHaveLength(2)
    const obs = await f.send('POST', `/v1.1/MultiDatastreams(${id})/Observations`, { phenomenonTime: '2024-05-01T00:00:00Z', result: [24.1, 35.2] })
    expect(obs.status, obs.text).toBe(201)
    expect(obs.body.result).toEqual([24.1, 35.2])
    const wrong = await f.send('POST', `/v1.1/MultiDatastreams(${id})/Observations`, { result: [1] })
    expect(wrong.body.code).toBe('STA_BAD_VALUE')
    const mismatch = await f.send('POST', '/v1.1/MultiDatastreams', { ...md.body, '@iot.id': undefined, '@iot.selfLink': undefined, ObservedProperties: [{ '@iot.id': 1 }], Thing: { '@iot.id': 1 }, Sensor: { '@iot.id': 1 } })
    expect(mismatch.body.code).toBe('STA_BAD_VALUE')
  })
})

describe('Observations written through the API: lean rows, details only when needed, FeatureOfInterest', () => {
  it('a numeric Observation without FeatureOfInterest is one lean row; its FeatureOfInterest comes from the Location', async () => {
    const t = await f.send('POST', '/v1.1/Things', deepThing('FoiBuoy'))
    const ds = (await f.get(`/v1.1/Things(${t.body['@iot.id']})/Datastreams`)).body.value[0]['@iot.id']
    const a = await f.send('POST', `/v1.1/Datastreams(${ds})/Observations`, { phenomenonTime: '2024-03-02T00:00:00Z', result: 25 })
    const b = await f.send('POST', `/v1.1/Datastreams(${ds})/Observations`, { phenomenonTime: '2024-03-03T00:00:00Z', result: 26 })
    expect(count('SELECT count(*) AS n FROM observation_details WHERE observation_id IN (?, ?)', a.body['@iot.id'], b.body['@iot.id'])).toBe(0)
    const fa = (await f.get(`/v1.1/Observations(${a.body['@iot.id']})/FeatureOfInterest`)).body
    expect(fa.feature).toEqual(point(166.1, -22.2))
    expect((await f.get(`/v1.1/Observations(${b.body['@iot.id']})/FeatureOfInterest`)).body['@iot.id']).toBe(fa['@iot.id'])
    // The Thing moves: new Observations get a FeatureOfInterest at the new place, old ones keep theirs.
    await f.send('PATCH', `/v1.1/Things(${t.body['@iot.id']})`, { Locations: [{ '@iot.id': (await f.send('POST', '/v1.1/Locations', { name: 'n', description: 'd', encodingType: 'application/geo+json', location: point(167, -23) })).body['@iot.id'] }] })
    const c = await f.send('POST', `/v1.1/Datastreams(${ds})/Observations`, { phenomenonTime: '2024-03-04T00:00:00Z', result: 27 })
    expect((await f.get(`/v1.1/Observations(${c.body['@iot.id']})/FeatureOfInterest`)).body.feature).toEqual(point(167, -23))
    expect((await f.get(`/v1.1/Observations(${a.body['@iot.id']})/FeatureOfInterest`)).body['@iot.id']).toBe(fa['@iot.id'])
  })

  it('non-numeric results, resultTime, validTime, parameters, resultQuality go to observation_details', async () => {
    const r = await f.send('POST', `/v1.1/Datastreams(${f.ids.temp})/Observations`, {
      phenomenonTime: '2024-02-01T00:00:00Z/2024-02-01T01:00:00Z',
      resultTime: '2024-02-02T00:00:00Z',
      validTime: '2024-02-01T00:00:00Z/2024-03-01T00:00:00Z',
      result: 'cloudy',
      parameters: { method: 'visual' },
      resultQuality: { grade: 'A' },
      FeatureOfInterest: { '@iot.id': f.ids.foi },
    })
    expect(r.status, r.text).toBe(201)
    expect(r.body).toMatchObject({ phenomenonTime: '2024-02-01T00:00:00.000Z/2024-02-01T01:00:00.000Z', resultTime: '2024-02-02T00:00:00.000Z', result: 'cloudy', parameters: { method: 'visual' }, resultQuality: { grade: 'A' } })
    const row = f.db.prepare('SELECT o.result, d.result_json, d.feature_id FROM observations o JOIN observation_details d ON d.observation_id = o.id WHERE o.id = ?').get(r.body['@iot.id']) as any
    // The explicit feature is the Datastream's default: not repeated in the details.
    expect(row).toEqual({ result: null, result_json: '"cloudy"', feature_id: null })
  })

  it('a Thing without Location and an Observation without FeatureOfInterest: 400 STA_NO_FEATURE_OF_INTEREST', async () => {
    const t = await f.send('POST', '/v1.1/Things', { name: 'nowhere', description: 'd', Datastreams: [{ name: 'D', description: 'd', unitOfMeasurement: uom, observationType: OM, Sensor: { '@iot.id': 1 }, ObservedProperty: { '@iot.id': 1 } }] })
    const ds = (await f.get(`/v1.1/Things(${t.body['@iot.id']})/Datastreams`)).body.value[0]['@iot.id']
    const r = await f.send('POST', `/v1.1/Datastreams(${ds})/Observations`, { result: 1 })
    expect(r.body.code).toBe('STA_NO_FEATURE_OF_INTEREST')
  })
})

describe('req/create-update-delete/update-entity', () => {
  it('PATCH changes only the given properties; PUT replaces (optional properties cleared)', async () => {
    const t = (await f.send('POST', '/v1.1/Things', { name: 'P', description: 'd', properties: { a: 1 } })).body
    const p = await f.send('PATCH', `/v1.1/Things(${t['@iot.id']})`, { description: 'patched' })
    expect(p.status).toBe(200)
    expect(p.body).toMatchObject({ name: 'P', description: 'patched', properties: { a: 1 } })
    const put = await f.send('PUT', `/v1.1/Things(${t['@iot.id']})`, { name: 'Q', description: 'put' })
    expect(put.status).toBe(200)
    expect(put.body).toMatchObject({ name: 'Q', description: 'put', properties: null })
    expect((await f.send('PUT', `/v1.1/Things(${t['@iot.id']})`, { name: 'no description' })).body.code).toBe('STA_MISSING_PROPERTY')
    expect((await f.send('PATCH', `/v1.1/Things(${t['@iot.id']})`, { '@iot.id': 5 })).body.code).toBe('STA_BAD_ENTITY')
    expect((await f.send('PATCH', '/v1.1/Things(987654)', { name: 'x' })).status).toBe(404)
  })

  it('PATCH of an Observation keeps the ingested raw reading and calibration in parameters', async () => {
    const id = f.ids.flaggedObs
    const r = await f.send('PATCH', `/v1.1/Observations(${id})`, { result: 30.5, parameters: { note: 'checked' } })
    expect(r.status, r.text).toBe(200)
    expect(r.body.result).toBe(30.5)
    expect(r.body.parameters).toMatchObject({ raw: 500150, calibration: '37-0101-T-2024', note: 'checked' })
    expect(r.body.resultQuality.aggregate).toBe(4)
  })

  it('JSON Patch (application/json-patch+json, RFC 6902)', async () => {
    const t = (await f.send('POST', '/v1.1/Things', { name: 'J', description: 'd', properties: { a: 1, b: [1, 2] } })).body
    const url = `/v1.1/Things(${t['@iot.id']})`
    const ops = [
      { op: 'replace', path: '/name', value: 'J2' },
      { op: 'add', path: '/properties/c', value: 'x' },
      { op: 'remove', path: '/properties/a' },
      { op: 'add', path: '/properties/b/-', value: 3 },
      { op: 'test', path: '/description', value: 'd' },
    ]
    const r = await f.send('PATCH', url, JSON.stringify(ops), { ...{ authorization: 'Bearer test-admin-key-0123456789' }, 'content-type': 'application/json-patch+json' })
    expect(r.status, r.text).toBe(200)
    expect(r.body).toMatchObject({ name: 'J2', properties: { b: [1, 2, 3], c: 'x' } })
    expect(r.body.properties.a).toBeUndefined()
    const failed = await f.send('PATCH', url, JSON.stringify([{ op: 'test', path: '/name', value: 'nope' }, { op: 'replace', path: '/name', value: 'Z' }]), { authorization: 'Bearer test-admin-key-0123456789', 'content-type': 'application/json-patch+json' })
    expect(failed.status).toBe(409)
    expect((await f.get(url)).body.name).toBe('J2')
    const badOp = await f.send('PATCH', url, JSON.stringify([{ op: 'frob', path: '/name' }]), { authorization: 'Bearer test-admin-key-0123456789', 'content-type': 'application/json-patch+json' })
    expect(badOp.body.code).toBe('STA_BAD_PATCH')
  })
})

describe('req/create-update-delete/delete-entity (cascades)', () => {
  it('deleting a Thing deletes its Datastreams, their Observations and its HistoricalLocations; Locations stay', async () => {
    const t = (await f.send('POST', '/v1.1/Things', deepThing('Doomed'))).body['@iot.id']
    const ds = (await f.get(`/v1.1/Things(${t})/Datastreams`)).body.value[0]['@iot.id']
    const loc = (await f.get(`/v1.1/Things(${t})/Locations`)).body.value[0]['@iot.id']
    const d = await f.send('DELETE', `/v1.1/Things(${t})`)
    expect(d.status).toBe(200)
    expect((await f.get(`/v1.1/Things(${t})`)).status).toBe(404)
    expect((await f.get(`/v1.1/Datastreams(${ds})`)).status).toBe(404)
    expect(count('SELECT count(*) AS n FROM observations WHERE datastream_id = ?', ds)).toBe(0)
    expect(count('SELECT count(*) AS n FROM historical_locations WHERE thing_id = ?', t)).toBe(0)
    expect((await f.get(`/v1.1/Locations(${loc})`)).status).toBe(200)
  })

  it('deleting a MultiDatastream deletes its Observations (linked through observation_details only)', async () => {
    const before = count('SELECT count(*) AS n FROM observations')
    const d = await f.send('DELETE', `/v1.1/MultiDatastreams(${f.ids.md})`)
    expect(d.status).toBe(200)
    expect((await f.get(`/v1.1/Observations(${f.ids.mdObs})`)).status).toBe(404)
    expect(count('SELECT count(*) AS n FROM observations')).toBe(before - 1)
    expect(count('SELECT count(*) AS n FROM observations o WHERE o.datastream_id IS NULL AND NOT EXISTS (SELECT 1 FROM observation_details d WHERE d.observation_id = o.id)')).toBe(0)
  })

  it('deleting a FeatureOfInterest deletes its Observations; deleting a Datastream its Observations', async () => {
    const foi = (await f.send('POST', '/v1.1/FeaturesOfInterest', { name: 'F', description: 'd', encodingType: 'application/geo+json', feature: point(5, 5) })).body['@iot.id']
    const o = (await f.send('POST', `/v1.1/Datastreams(${f.ids.psal})/Observations`, { result: 1, FeatureOfInterest: { '@iot.id': foi } })).body['@iot.id']
    expect((await f.send('DELETE', `/v1.1/FeaturesOfInterest(${foi})`)).status).toBe(200)
    expect((await f.get(`/v1.1/Observations(${o})`)).status).toBe(404)
    expect((await f.send('DELETE', `/v1.1/Datastreams(${f.ids.psal})`)).status).toBe(200)
    expect(count('SELECT count(*) AS n FROM observations WHERE datastream_id = ?', f.ids.psal)).toBe(0)
  })

  it('a Sensor a provisioned device still uses is a 409 STA_CONFLICT, not a 500', async () => {
    const used = (f.db.prepare('SELECT sensor_id AS id FROM device_channels LIMIT 1').get() as { id: number }).id
    const r = await f.send('DELETE', `/v1.1/Sensors(${used})`)
    expect(r.status).toBe(409)
    expect(r.body.code).toBe('STA_CONFLICT')
    expect((await f.get(`/v1.1/Sensors(${used})`)).status).toBe(200)
  })

  it('DELETE on a collection is a 405', async () => {
    expect((await f.send('DELETE', '/v1.1/Things')).status).toBe(405)
  })
})

describe('entity change events', () => {
  it('are emitted once per committed write, with every created entity, and never for a failed write', async () => {
    seen.length = 0
    await f.send('POST', '/v1.1/Things', deepThing('Evented'))
    expect(seen).toHaveLength(1)
    const sets = seen[0].map((c) => `${c.set}:${c.kind}`)
    for (const s of ['Things:create', 'Locations:create', 'HistoricalLocations:create', 'Datastreams:create', 'Sensors:create', 'ObservedProperties:create', 'Observations:create']) expect(sets).toContain(s)
    seen.length = 0
    await f.send('POST', '/v1.1/Things', { name: 'bad', description: 'd', Datastreams: [{ name: 'x' }] })
    expect(seen).toHaveLength(0)
  })
})

describe('never a 500 on writes', () => {
  const sets = ['Things', 'Locations', 'HistoricalLocations', 'Sensors', 'ObservedProperties', 'Datastreams', 'MultiDatastreams', 'FeaturesOfInterest', 'Observations']
  const keys = ['name', 'description', 'encodingType', 'location', 'feature', 'result', 'phenomenonTime', 'resultTime', 'validTime', 'parameters', 'properties', 'unitOfMeasurement', 'unitOfMeasurements', 'observationType', 'multiObservationDataTypes', 'metadata', 'definition', 'time', 'Thing', 'Datastream', 'Sensor', 'ObservedProperty', 'ObservedProperties', 'FeatureOfInterest', 'Locations', 'Things', 'Datastreams', 'Observations', '@iot.id']
  const leaf = fc.oneof(fc.constant(null), fc.boolean(), fc.integer({ min: -2, max: 5 }), fc.double(), fc.constantFrom('2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z/2024-01-02T00:00:00Z', 'x', ''), fc.constant({ '@iot.id': 1 }), fc.constant({ type: 'Point', coordinates: [1, 2] }))
  const value = fc.letrec((tie) => ({ v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 2 }), fc.dictionary(fc.constantFrom(...keys), tie('v'), { maxKeys: 4 })) })).v
  it('random bodies for POST, PATCH and PUT on every set', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('POST', 'PATCH', 'PUT'), fc.constantFrom(...sets), fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 6 }), async (method, set, body) => {
        const url = method === 'POST' ? `/v1.1/${set}` : `/v1.1/${set}(1)`
        const r = await f.send(method as 'POST', url, body)
        expect(r.status, `${method} ${url} ${JSON.stringify(body)} → ${r.text}`).toBeLessThan(500)
      }),
      { numRuns: 300 },
    )
  })
})

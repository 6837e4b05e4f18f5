// req/request-data: $select, $expand, $orderby, $top, $skip, $count, $filter (every operator and
// function class), nextLink paging (offset and keyset) — ported from ets-sta10 and FROST's tests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeFixture, N_TEMP, T0, STEP, type Fixture } from './fixture.js'

let f: Fixture
beforeAll(async () => {
  f = await makeFixture({ maxTop: 5000 })
})
afterAll(async () => {
  await f.close()
})
const ids = (r: any) => r.body.value.map((e: any) => e['@iot.id'])
const obs = () => `/v1.1/Datastreams(${f.ids.temp})/Observations`

describe('req/request-data/select', () => {
  it('returns only the selected properties; id means @iot.id', async () => {
    const r = await f.get('/v1.1/Things?$select=id,name')
    expect(Object.keys(r.body.value[0]).sort()).toEqual(['@iot.id', '@iot.selfLink', 'name'])
    const n = await f.get('/v1.1/Things?$select=name,Datastreams')
    expect(Object.keys(n.body.value[0]).sort()).toEqual(['Datastreams@iot.navigationLink', 'name'])
  })
  it('deep select into JSON properties', async () => {
    const r = await f.get('/v1.1/Things?$select=properties/network_name,properties/depth_m')
    expect(r.body.value[0]).toEqual({ properties: { network_name: 'ReefTEMPS-demo', depth_m: 8 } })
  })
  it('FROST distinct: select', async () => {
    const r = await f.get('/v1.1/Datastreams?$select=distinct:observationType')
    expect(r.body.value).toEqual([{ observationType: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement' }])
  })
  it('unknown property → 400 naming it', async () => {
    const r = await f.get('/v1.1/Things?$select=nme')
    expect(r.status).toBe(400)
    expect(r.body.message).toMatch(/unknown property 'nme' on entity type Thing/)
  })
})

describe('req/request-data/expand', () => {
  it('expands to several levels with nested $select;$filter;$orderby;$top;$skip;$count', async () => {
    const url = `/v1.1/Things(${f.ids.buoy})?$expand=Datastreams($select=name;$filter=properties/quantity ne 'BATT';$orderby=name desc;$top=2;$skip=1;$count=true;$expand=ObservedProperty($select=name),Observations($top=1;$orderby=phenomenonTime desc))`
    const r = await f.get(url)
    expect(r.status).toBe(200)
    const ds = r.body.Datastreams
    expect(r.body['Datastreams@iot.count']).toBe(5)
    expect(ds).toHaveLength(2)
    expect(ds[0].name > ds[1].name).toBe(true)
    expect(ds[0].ObservedProperty).toEqual({ name: expect.any(String) })
    expect(r.body['Datastreams@iot.nextLink']).toMatch(/\/Things\(\d+\)\/Datastreams\?.*\$top=2&\$skip=3/)
    const temp = (await f.get(`/v1.1/Things(${f.ids.buoy})?$expand=Datastreams($filter=properties/quantity eq 'TEMP';$expand=Observations($top=1;$orderby=phenomenonTime desc))`)).body
    expect(temp.Datastreams[0].Observations[0].phenomenonTime).toBe(new Date(T0 + (N_TEMP - 1) * STEP).toISOString())
  })
  it('path form Datastreams/Sensor and to-one expansion', async () => {
    const r = await f.get('/v1.1/Things?$expand=Datastreams/Sensor,Locations')
    expect(r.body.value[0].Datastreams[0].Sensor.name).toMatch(/SBE37|reeflink-buoy/)
    expect(r.body.value[0].Locations[0].location.type).toBe('Point')
    const o = await f.get(`/v1.1/Observations(${f.ids.detailObs})?$expand=Datastream($select=name),FeatureOfInterest`)
    expect(o.body.Datastream).toEqual({ name: expect.stringContaining('NCSLOPE1') })
    expect(o.body.FeatureOfInterest['@iot.id']).toBe(f.ids.foi)
  })
  it('unknown expand path → 400 naming it', async () => {
    const r = await f.get('/v1.1/Things?$expand=Datastreams/Sensr')
    expect(r.body.message).toBe("$expand: unknown path 'Sensr' on entity type Datastream")
  })
})

describe('req/request-data/orderby, top, skip, count', () => {
  it('orders on several keys', async () => {
    const r = await f.get('/v1.1/Datastreams?$orderby=Thing/name desc,name asc&$select=name')
    const names = r.body.value.map((d: any) => d.name)
    expect(names[0]).toMatch(/^NCSLOPE1/)
    expect(names.slice(2)).toEqual([...names.slice(2)].sort())
  })
  it('$top, $skip, $count and nextLink with $skip', async () => {
    const r = await f.get('/v1.1/Datastreams?$top=3&$skip=2&$count=true&$orderby=id')
    expect(r.body['@iot.count']).toBe(8)
    expect(ids(r)).toEqual([3, 4, 5])
    expect(r.body['@iot.nextLink']).toBe('http://localhost:80/v1.1/Datastreams?$count=true&$orderby=id&$top=3&$skiptoken=' + Buffer.from('[5]').toString('base64url'))
    const last = await f.get('/v1.1/Datastreams?$top=3&$skip=6&$orderby=id')
    expect(last.body['@iot.nextLink']).toBeUndefined()
    expect((await f.get('/v1.1/Datastreams?$top=-1')).status).toBe(400)
  })
  it('default top is 100, capped by maxTop', async () => {
    const r = await f.get(obs())
    expect(r.body.value).toHaveLength(100)
    expect((await f.get(`${obs()}?$top=999999`)).body.value).toHaveLength(N_TEMP)
  })
  it('keyset paging: following nextLinks on phenomenonTime order visits every row once', async () => {
    let url: string | undefined = `${obs()}?$orderby=phenomenonTime desc&$top=70&$select=id`
    const seen: number[] = []
    while (url) {
      const r = await f.get(url.replace('http://localhost:80', ''))
      expect(r.status).toBe(200)
      seen.push(...ids(r))
      url = r.body['@iot.nextLink']
      if (url) expect(url).toMatch(/\$skiptoken=/)
    }
    expect(seen).toHaveLength(N_TEMP)
    expect(new Set(seen).size).toBe(N_TEMP)
    expect(seen).toEqual([...seen].sort((a, b) => b - a))
  })
  it('a forged $skiptoken is a 400', async () => {
    expect((await f.get(`${obs()}?$skiptoken=bm9wZQ`)).body.code).toBe('STA_BAD_QUERY_OPTION')
  })
})

describe('req/request-data/filter', () => {
  const count = async (set: string, filter: string) => {
    const r = await f.get(`/v1.1/${set}?$count=true&$top=0&$filter=${encodeURIComponent(filter)}`)
    expect(r.status, `${filter}: ${r.text}`).toBe(200)
    return r.body['@iot.count'] as number
  }
  const T = (k: number) => new Date(T0 + k * STEP).toISOString()
  it.each([
    // comparison and logical operators
    ['Observations', `Datastream/@iot.id eq ${0} or result eq 25`, 1],
    ['Observations', 'result gt 27.98 and result lt 30', 1],
    ['Observations', 'result ge 27.975 and result lt 27.985', 1],
    ['Observations', 'result le 25.01 and Datastream/ObservedProperty/name eq \'Sea water temperature\'', 23],
    ['Observations', "result ne 25 and Datastream/properties/quantity eq 'TEMP' and Datastream/Thing/properties/station_code eq 'MHXCOK01'", N_TEMP - 1],
    // SQL three-valued logic, as FROST on PostgreSQL: the MultiDatastream row (no Datastream) is excluded.
    ['Observations', "not (Datastream/properties/quantity eq 'TEMP')", 50],
    ['Observations', 'result in (25, 25.01, 35)', 3],
    // arithmetic, with precedence
    ['Observations', 'result sub 25 mul 2 lt -24.905 and result lt 30', 31],
    ['Observations', 'result add 1 gt 29 and result lt 30', 0],
    ['Observations', 'result div 2 gt 13.99 and result lt 30', 1],
    ['Observations', 'parameters/raw mod 100 eq 0', 4],
    // times, intervals and date functions
    ['Observations', `phenomenonTime ge ${T(10)} and phenomenonTime lt ${T(20)} and Datastream/properties/quantity eq 'TEMP'`, 12],
    ['Observations', 'phenomenonTime gt 2024-06-01T00:30:00Z', 0],
    ['Observations', 'phenomenonTime lt 2024-06-01T00:30:00Z and phenomenonTime ge 2024-05-01T00:00:00Z', 0],
    ['Observations', 'phenomenonTime eq 2024-06-01T00:00:00Z/2024-06-01T01:00:00Z'.split('/')[0], 0],
    ['Observations', 'resultTime sub phenomenonTime eq duration\'PT1M\'', N_TEMP],
    ['Observations', 'year(phenomenonTime) eq 2024 and month(phenomenonTime) eq 6 and day(phenomenonTime) eq 1', 1],
    ['Observations', "hour(phenomenonTime) eq 1 and minute(phenomenonTime) eq 30 and second(phenomenonTime) eq 0 and Datastream/properties/quantity eq 'TEMP'", 3],
    ['Observations', 'date(phenomenonTime) eq 2024-01-02', 144 + 1],
    ['Observations', "time(phenomenonTime) eq 12:00:00 and Datastream/properties/quantity eq 'TEMP'", 3],
    ['Observations', 'fractionalseconds(phenomenonTime) eq 0 and totaloffsetminutes(phenomenonTime) eq 0 and phenomenonTime lt now()', 372],
    ['Observations', 'mindatetime(validTime) eq 2024-06-01T00:00:00Z and maxdatetime(validTime) eq 2024-07-01T00:00:00Z', 1],
    ['Datastreams', 'phenomenonTime gt 2023-12-31T00:00:00Z', 1],
    ['Datastreams', 'phenomenonTime lt 2024-01-02T00:00:00Z', 0],
    // math
    ['Observations', 'round(result) eq 28 and Datastream/properties/quantity eq \'TEMP\'', 50],
    ['Observations', 'floor(result) eq 27 and Datastream/properties/quantity eq \'TEMP\'', 100],
    ['Observations', 'ceiling(result) eq 26 and Datastream/properties/quantity eq \'TEMP\'', 100],
    // strings
    ['Things', "substringof('Ouano', name)", 1],
    ['Things', "contains(name, 'reef')", 1],
    ['Things', "startswith(name, 'Lagoon')", 1],
    ['Things', "endswith(name, '(demo)')", 2],
    ['Things', 'length(description) eq 31', 2],
    ['Things', "indexof(name, 'station') eq 7", 1],
    ['Things', "substring(name, 7) eq 'station, Ouano (demo)' and substring(name, 0, 6) eq 'Lagoon'", 1],
    ['Things', "tolower(name) eq 'lagoon station, ouano (demo)' and toupper(name) eq 'LAGOON STATION, OUANO (DEMO)'", 1],
    ['Things', "trim(concat(' x', name)) eq 'xLagoon station, Ouano (demo)'", 1],
    // paths into JSON and across relations
    ['Things', 'properties/depth_m gt 10', 1],
    ['Things', "Datastreams/ObservedProperty/name eq 'Sea water practical salinity'", 1],
    ['Things', "Locations/name eq 'NCSLOPE1 position'", 1],
    ['ObservedProperties', 'Datastreams/Thing/@iot.id eq 2', 2],
    ['Observations', 'resultQuality/aggregate eq 4', 1],
    ['Observations', "parameters/gateways/0/gatewayId eq 'gw-ouano'", N_TEMP],
    ['Observations', "parameters/method eq 'bottle sample'", 1],
    // geospatial
    ['Locations', "geo.intersects(location, geography'POLYGON((165 -22, 166 -22, 166 -21, 165 -21, 165 -22))')", 1],
    ['Locations', "geo.distance(location, geography'POINT(165.82 -21.85)') lt 0.1", 1],
    ['Locations', "st_within(location, geography'POLYGON((160 -25, 170 -25, 170 -20, 160 -20, 160 -25))')", 2],
    ['FeaturesOfInterest', "st_contains(geography'POLYGON((166 -23, 167 -23, 167 -22, 166 -22, 166 -23))', feature)", 1],
    ['Things', "st_disjoint(Locations/location, geography'POINT(0 0)')", 2],
    ['Locations', "st_equals(location, geography'POINT(166.25 -22.37)')", 1],
    ['Locations', "st_touches(location, geography'LINESTRING(166.25 -23, 166.25 -22.37)')", 1],
    ['Locations', "st_crosses(geography'LINESTRING(165 -21.85, 166 -21.85)', location)", 0],
    ['Locations', "st_overlaps(location, geography'POINT(166.25 -22.37)')", 0],
    ['Locations', "st_intersects(location, geography'LINESTRING(165 -21.85, 166 -21.85)')", 1],
    ['Locations', "st_relate(location, geography'POLYGON((160 -25, 170 -25, 170 -20, 160 -20, 160 -25))', 'T*F**F***')", 2],
    ['Locations', "geo.length(geography'LINESTRING(0 0, 3 4)') eq 5", 2],
  ])('%s?$filter=%s → %d', async (set, filter, expected) => {
    expect(await count(set, filter)).toBe(expected)
  })

  it.each([
    ["Things?$filter=nme eq 'x'", 'STA_UNKNOWN_PROPERTY', "$filter: unknown property 'nme' on entity type Thing (path 'nme')"],
    ["Things?$filter=frob(name) eq 'x'", 'STA_UNKNOWN_FUNCTION', "$filter: unknown function 'frob'"],
    ["Things?$filter=name eq 'x' and", 'STA_FILTER_SYNTAX', '$filter: expected a value but found end of input'],
  ])('%s → 400 %s', async (url, code, message) => {
    const r = await f.get(`/v1.1/${url}`)
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({ code, message })
  })

  it('every literal is a bound parameter (quotes and SQL in strings are data)', async () => {
    expect(await count('Things', "name eq 'x'' OR 1=1 --'")).toBe(0)
  })
})

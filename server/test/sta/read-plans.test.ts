// Read plans and reeflink additions: the details-free Observation plan, batched $expand,
// Datastream observedArea and the download links.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeFixture, N_TEMP, STEP, T0, type Fixture } from './fixture.js'

let f: Fixture

beforeAll(async () => {
  f = await makeFixture()
})
afterAll(async () => {
  await f.close()
})

describe('Observations without the observation_details join', () => {
  it('lists which Datastreams have details (migration 3 and its triggers)', () => {
    const listed = (f.db.prepare('SELECT datastream_id AS id FROM datastreams_with_details ORDER BY 1').all() as { id: number }[]).map((r) => r.id)
    expect(listed).toEqual([f.ids.loggerTemp])
  })

  it('reads a Datastream with details through the join, one without it lean, with the same values', async () => {
    const withDetails = await f.get(`/v1.1/Datastreams(${f.ids.loggerTemp})/Observations?$filter=id eq ${f.ids.detailObs}&$select=id,phenomenonTime,resultTime,validTime`)
    expect(withDetails.body.value).toMatchObject([
      { '@iot.id': f.ids.detailObs, phenomenonTime: '2024-06-01T00:00:00.000Z/2024-06-01T01:00:00.000Z', resultTime: '2024-06-02T00:00:00.000Z', validTime: '2024-06-01T00:00:00.000Z/2024-07-01T00:00:00.000Z' },
    ])
    const lean = await f.get(`/v1.1/Datastreams(${f.ids.temp})/Observations?$top=1&$select=id,phenomenonTime,resultTime,validTime,result`)
    expect(lean.body.value[0]).toMatchObject({ phenomenonTime: new Date(T0).toISOString(), resultTime: new Date(T0 + 60_000).toISOString(), validTime: null, result: 25 })
  })

  it('takes the joined plan again once a details row is added', async () => {
    const url = `/v1.1/Datastreams(${f.ids.temp})/Observations?$top=1&$select=id,resultTime`
    const before = await f.get(url)
    const id = before.body.value[0]['@iot.id']
    expect(before.body.value[0].resultTime).toBe(new Date(T0 + 60_000).toISOString())
    f.db.prepare('INSERT INTO observation_details (observation_id, result_time) VALUES (?, ?)').run(id, T0 + 5_000)
    const after = await f.get(url)
    expect(after.body.value[0].resultTime).toBe(new Date(T0 + 5_000).toISOString())
    f.db.prepare('DELETE FROM observation_details WHERE observation_id = ?').run(id)
  })

  it('$count and dataArray read the lean plan too', async () => {
    const c = await f.get(`/v1.1/Datastreams(${f.ids.temp})/Observations?$count=true&$top=0`)
    expect(c.body['@iot.count']).toBe(N_TEMP)
    const a = await f.get(`/v1.1/Datastreams(${f.ids.temp})/Observations?$resultFormat=dataArray&$top=2&$select=id,phenomenonTime,resultTime,result`)
    expect(a.body.value[0].dataArray[1]).toEqual([expect.any(Number), new Date(T0 + STEP).toISOString(), new Date(T0 + STEP + 60_000).toISOString(), 25.01])
    // The default components (every Observation property) from the lean rows too.
    const all = await f.get(`/v1.1/Datastreams(${f.ids.temp})/Observations?$resultFormat=dataArray&$top=2`)
    const one = await f.get(`/v1.1/Observations(${a.body.value[0].dataArray[1][0]})`)
    expect(all.body.value[0].dataArray[1]).toEqual(['@iot.id', 'phenomenonTime', 'result', 'resultTime', 'resultQuality', 'validTime', 'parameters'].map((k) => one.body[k] ?? null))
  })
})

describe('Observation resultTime (read as stored time, phenomenonTime and age)', () => {
  it('is the stored time, else phenomenonTime + age, in JSON, dataArray and $filter alike; distinct: gives each value once', async () => {
    const ds = f.ids.loggerTemp
    const t = Date.UTC(2030, 0, 1)
    const ins = f.db.prepare('INSERT INTO observations (datastream_id, phenomenon_time, result, raw, qc, age_s) VALUES (?, ?, ?, NULL, 0, ?)')
    // Two rows whose resultTime is the same instant by different columns; one with a REAL age.
    const a = Number(ins.run(ds, t, 1, 120).lastInsertRowid)
    const b = Number(ins.run(ds, t + 60_000, 2, 60).lastInsertRowid)
    const c = Number(ins.run(ds, t + 120_000, 3, 2.5).lastInsertRowid)
    try {
      const when = new Date(t + 120_000).toISOString()
      const filter = encodeURIComponent(`phenomenonTime ge ${new Date(t).toISOString()}`)
      const json = await f.get(`/v1.1/Datastreams(${ds})/Observations?$filter=${filter}&$select=id,resultTime`)
      expect(json.body.value).toEqual([
        { '@iot.selfLink': expect.any(String), '@iot.id': a, resultTime: when },
        { '@iot.selfLink': expect.any(String), '@iot.id': b, resultTime: when },
        { '@iot.selfLink': expect.any(String), '@iot.id': c, resultTime: new Date(t + 122_500).toISOString() },
      ])
      const arr = await f.get(`/v1.1/Datastreams(${ds})/Observations?$filter=${filter}&$resultFormat=dataArray&$select=id,resultTime`)
      expect(arr.body.value[0].dataArray).toEqual(json.body.value.map((o: { '@iot.id': number; resultTime: string }) => [o['@iot.id'], o.resultTime]))
      const byResultTime = await f.get(`/v1.1/Datastreams(${ds})/Observations?$filter=${encodeURIComponent(`resultTime eq ${when}`)}&$select=id`)
      expect(byResultTime.body.value.map((o: { '@iot.id': number }) => o['@iot.id'])).toEqual([a, b])
      const distinct = await f.get(`/v1.1/Datastreams(${ds})/Observations?$filter=${filter}&$select=distinct:resultTime`)
      expect(distinct.body.value.map((o: { resultTime: string }) => o.resultTime).sort()).toEqual([when, new Date(t + 122_500).toISOString()])
    } finally {
      f.db.prepare('DELETE FROM observations WHERE id IN (?, ?, ?)').run(a, b, c)
    }
  })
})

describe('batched $expand', () => {
  it('pages each parent on its own: $top, $count and nextLink per parent', async () => {
    const r = await f.get('/v1.1/Things?$expand=Datastreams($top=1;$count=true;$orderby=id desc;$select=id)')
    expect(r.status).toBe(200)
    for (const t of r.body.value) {
      const all = (f.db.prepare('SELECT id FROM datastreams WHERE thing_id = ? ORDER BY id DESC').all(t['@iot.id']) as { id: number }[]).map((x) => x.id)
      expect(t['Datastreams@iot.count']).toBe(all.length)
      expect(t.Datastreams).toMatchObject(all.length ? [{ '@iot.id': all[0] }] : [])
      if (all.length > 1) expect(t['Datastreams@iot.nextLink']).toContain(`/Things(${t['@iot.id']})/Datastreams?`)
    }
  })

  it('expands through link tables and to-one navigation, nested', async () => {
    const r = await f.get('/v1.1/Locations?$expand=Things($select=id;$expand=Datastreams($select=id;$top=2;$skip=1;$expand=ObservedProperty($select=name)))')
    expect(r.status).toBe(200)
    for (const l of r.body.value) {
      const things = (f.db.prepare('SELECT thing_id AS id FROM thing_locations WHERE location_id = ? ORDER BY 1').all(l['@iot.id']) as { id: number }[]).map((x) => x.id)
      expect(l.Things.map((t: { '@iot.id': number }) => t['@iot.id'])).toEqual(things)
      expect(things.length).toBeGreaterThan(0)
      for (const t of l.Things) {
        const ds = f.db.prepare('SELECT d.id, o.name FROM datastreams d JOIN observed_properties o ON o.id = d.observed_property_id WHERE thing_id = ? ORDER BY d.id LIMIT 2 OFFSET 1').all(t['@iot.id']) as { id: number; name: string }[]
        expect(t.Datastreams).toMatchObject(ds.map((d) => ({ '@iot.id': d.id, ObservedProperty: { name: d.name } })))
        expect(t.Datastreams.length).toBe(ds.length)
      }
    }
  })
})

describe('Datastream observedArea', () => {
  const feature = (id: number) => JSON.parse((f.db.prepare('SELECT feature FROM features_of_interest WHERE id = ?').get(id) as { feature: string }).feature)

  it('is the point of a fixed station', async () => {
    const r = await f.get(`/v1.1/Datastreams(${f.ids.temp})?$select=observedArea`)
    expect(r.body.observedArea).toEqual({ type: 'Point', coordinates: feature(f.ids.foi).coordinates })
  })

  it('is the envelope of every feature of the Observations', async () => {
    const r = await f.get(`/v1.1/Datastreams(${f.ids.loggerTemp})`)
    const own = (f.db.prepare('SELECT feature_id AS id FROM datastreams WHERE id = ?').get(f.ids.loggerTemp) as { id: number }).id
    const [a, b] = [feature(own).coordinates, feature(f.ids.foi).coordinates]
    const [x0, x1] = [Math.min(a[0], b[0]), Math.max(a[0], b[0])]
    const [y0, y1] = [Math.min(a[1], b[1]), Math.max(a[1], b[1])]
    expect(r.body.observedArea).toEqual({ type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] })
  })

  it('can be filtered on', async () => {
    const [x, y] = feature(f.ids.foi).coordinates
    const poly = `POLYGON((${x - 0.01} ${y - 0.01}, ${x + 0.01} ${y - 0.01}, ${x + 0.01} ${y + 0.01}, ${x - 0.01} ${y + 0.01}, ${x - 0.01} ${y - 0.01}))`
    const r = await f.get(`/v1.1/Datastreams?$filter=st_within(observedArea, geography'${poly}')&$select=id`)
    const ids = r.body.value.map((d: { '@iot.id': number }) => d['@iot.id'])
    expect(ids).toContain(f.ids.temp)
    expect(ids).not.toContain(f.ids.loggerTemp)
  })

  it('is served for MultiDatastreams (from their Thing when no feature is known)', async () => {
    const r = await f.get(`/v1.1/MultiDatastreams(${f.ids.md})?$select=observedArea`)
    expect(r.body.observedArea?.type).toBe('Point')
  })
})

describe('reeflink download links on Datastreams', () => {
  it('points to the CSV, NetCDF and chart downloads, absolute behind a proxy', async () => {
    const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'data.example.org', 'x-forwarded-prefix': '/reef' }
    for (const url of [`/v1.1/Datastreams(${f.ids.temp})`, `/v1.1/Datastreams?$filter=id eq ${f.ids.temp}`]) {
      const r = await f.get(url, headers)
      const d = url.includes('?') ? r.body.value[0] : r.body
      expect(d['reeflink:csv']).toBe(`https://data.example.org/reef/api/download/datastreams/${f.ids.temp}.csv`)
      expect(d['reeflink:nc']).toBe(`https://data.example.org/reef/api/download/datastreams/${f.ids.temp}.nc`)
      expect(d['reeflink:chart']).toBe(`https://data.example.org/reef/api/chart/${f.ids.temp}.png`)
    }
  })

  it('offers NetCDF only for OceanSITES quantities, and nothing under $select', async () => {
    const batt = (f.db.prepare("SELECT id FROM datastreams WHERE quantity = 'BATT' LIMIT 1").get() as { id: number }).id
    const r = await f.get(`/v1.1/Datastreams(${batt})`)
    expect(r.body['reeflink:csv']).toMatch(/\/api\/download\/datastreams\/\d+\.csv$/)
    expect(r.body['reeflink:nc']).toBeUndefined()
    const s = await f.get(`/v1.1/Datastreams(${batt})?$select=name`)
    expect(Object.keys(s.body)).toEqual(['name'])
  })
})

describe('JSON text writer', () => {
  it('writes collections exactly as the object serialisation of each entity', async () => {
    let compared = 0
    for (const set of ['Things', 'Locations', 'HistoricalLocations', 'Sensors', 'ObservedProperties', 'Datastreams', 'MultiDatastreams', 'FeaturesOfInterest', 'Observations']) {
      for (const q of ['', '$select=id,name', '$select=properties,id']) {
        const list = await f.get(`/v1.1/${set}?$top=400&$orderby=id desc&${q}`)
        if (list.status !== 200) continue
        for (const v of list.body.value.slice(0, 40).concat(list.body.value.filter((x: { '@iot.id': number }) => x['@iot.id'] === f.ids.detailObs || x['@iot.id'] === f.ids.mdObs))) {
          const one = await f.get(`/v1.1/${set}(${v['@iot.id']})${q ? `?${q}` : ''}`)
          expect(JSON.stringify(v), `${set} ${q}`).toBe(one.text)
          compared++
        }
      }
    }
    expect(compared).toBeGreaterThan(100)
  })

  it('writes expansions exactly as the object serialisation', async () => {
    const cases: [string, string][] = [
      ['Things', '$expand=Datastreams($top=2;$count=true;$expand=ObservedProperty,Observations($top=2)),Locations'],
      ['Datastreams', '$expand=Thing($select=id),Observations($top=3;$select=result)'],
      ['Observations', '$expand=Datastream($select=name),FeatureOfInterest,MultiDatastream&$select=id'],
      ['Locations', '$expand=Things($select=properties/station_code,id)'],
      ['Things', '$select=Datastreams&$expand=Datastreams($select=id)'],
      ['MultiDatastreams', '$expand=ObservedProperties($select=name),Observations'],
    ]
    for (const [set, q] of cases) {
      const list = await f.get(`/v1.1/${set}?${q}&$top=20`)
      expect(list.status, list.text).toBe(200)
      const ids = (await f.get(`/v1.1/${set}?$select=id&$top=20`)).body.value.map((x: { '@iot.id': number }) => x['@iot.id'])
      expect(ids.length).toBe(list.body.value.length)
      for (const [i, v] of list.body.value.entries()) {
        const id = ids[i]
        const one = await f.get(`/v1.1/${set}(${id})?${q}`)
        expect(JSON.stringify(v), `${set}?${q}`).toBe(one.text)
      }
    }
  })
})

describe('$filter lambda operators (any, all)', () => {
  const ids = async (url: string) => {
    const r = await f.get(url)
    expect(r.status, r.text).toBe(200)
    return r.body.value.map((x: { '@iot.id': number }) => x['@iot.id']).sort((a: number, b: number) => a - b)
  }
  const sql = (q: string, ...a: unknown[]) => (f.db.prepare(q).all(...a) as { id: number }[]).map((r) => r.id)

  it('any(v: …) is "some related entity meets the condition"; any() is "has some"', async () => {
    expect(await ids("/v1.1/Things?$filter=Datastreams/any(d: d/ObservedProperty/name eq 'Sea water practical salinity')")).toEqual(
      sql("SELECT DISTINCT d.thing_id AS id FROM datastreams d JOIN observed_properties o ON o.id = d.observed_property_id WHERE o.name = 'Sea water practical salinity' ORDER BY 1"),
    )
    expect(await ids('/v1.1/Things?$filter=MultiDatastreams/any()')).toEqual(sql('SELECT DISTINCT thing_id AS id FROM multi_datastreams ORDER BY 1'))
    expect(await ids(`/v1.1/Datastreams?$filter=Observations/any(o:o/result gt 27)`)).toEqual(sql('SELECT DISTINCT datastream_id AS id FROM observations WHERE result > 27 ORDER BY 1'))
  })

  it('all(v: …) holds when every related entity meets it (and on an empty collection)', async () => {
    expect(await ids(`/v1.1/Datastreams?$filter=Observations/all(o: o/result lt 26) and Thing/@iot.id eq ${f.ids.buoy}`)).toEqual(
      sql('SELECT id FROM datastreams d WHERE thing_id = ? AND NOT EXISTS (SELECT 1 FROM observations o WHERE o.datastream_id = d.id AND NOT (o.result < 26)) ORDER BY 1', f.ids.buoy),
    )
  })

  it('nests, and names bad input', async () => {
    const nested = await ids("/v1.1/Things?$filter=Datastreams/any(d: d/Observations/any(o: o/result gt 27) and d/name ne 'x')")
    expect(nested).toEqual(sql('SELECT DISTINCT d.thing_id AS id FROM datastreams d JOIN observations o ON o.datastream_id = d.id WHERE o.result > 27 ORDER BY 1'))
    expect((await f.get("/v1.1/Things?$filter=Datastreams/any(d: name eq 'x')")).body.code).toBe('STA_UNKNOWN_PROPERTY')
    expect((await f.get('/v1.1/Things?$filter=Frobs/any()')).body.code).toBe('STA_UNKNOWN_NAVIGATION')
    expect((await f.get('/v1.1/Datastreams?$filter=Thing/any()')).body.code).toBe('STA_FILTER_TYPE')
    expect((await f.get('/v1.1/Things?$filter=Datastreams/all()')).body.code).toBe('STA_FILTER_SYNTAX')
  })
})

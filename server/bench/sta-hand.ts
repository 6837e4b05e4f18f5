/**
 * The hand-written baseline of sta.bench.ts and sta-cpu.ts: the bench's five queries answered by
 * fastify routes over better-sqlite3, written as a competent one-off route for this schema would
 * be (prepared statements, plain objects, fastify's JSON.stringify; no reeflink SensorThings
 * code), giving the same JSON value as reeflink's answer to the same query. `sameAnswer`
 * compares the two (the benches check every pair once before measuring).
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import { isDeepStrictEqual } from 'node:util'
import { isOceanSitesParameter } from '../src/export/oceansites-variables.js'
import type { Db } from '../src/store/database.js'

type R = Record<string, any>

const iso = (ms: number) => new Date(ms).toISOString()
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms))
const interval = (a: number | null, b: number | null) => (a === null ? null : `${iso(a)}/${iso(b ?? a)}`)
const json = (text: string | null) => (text === null ? null : JSON.parse(text))

/** The bounding box of GeoJSON geometries (points, lines, polygons' outer rings): a Point, a
 * LineString when flat, else a Polygon; null without coordinates. */
function envelope(geometries: string[]): R | null {
  let x0 = Infinity
  let y0 = Infinity
  let x1 = -Infinity
  let y1 = -Infinity
  const see = (p: number[]) => {
    x0 = Math.min(x0, p[0])
    x1 = Math.max(x1, p[0])
    y0 = Math.min(y0, p[1])
    y1 = Math.max(y1, p[1])
  }
  const walk = (g: R | null): void => {
    if (!g) return
    const c = g.coordinates
    if (g.type === 'Feature') walk(g.geometry)
    else if (g.type === 'GeometryCollection') g.geometries.forEach(walk)
    else if (g.type === 'Point') see(c)
    else if (g.type === 'MultiPoint' || g.type === 'LineString') c.forEach(see)
    else if (g.type === 'MultiLineString') c.forEach((l: number[][]) => l.forEach(see))
    else if (g.type === 'Polygon') c[0]?.forEach(see)
    else if (g.type === 'MultiPolygon') c.forEach((p: number[][][]) => p[0]?.forEach(see))
  }
  for (const g of geometries) walk(JSON.parse(g))
  if (x0 > x1) return null
  if (x0 === x1 && y0 === y1) return { type: 'Point', coordinates: [x0, y0] }
  if (x0 === x1 || y0 === y1) return { type: 'LineString', coordinates: [[x0, y0], [x1, y1]] }
  return { type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] }
}

export function handWritten(db: Db): FastifyInstance {
  const app = Fastify()
  const base = (req: FastifyRequest) => `${req.protocol}://${req.headers.host}`
  const latest = db.prepare('SELECT id, phenomenon_time, result, age_s FROM observations WHERE datastream_id = ? ORDER BY phenomenon_time DESC LIMIT ?')
  const range = db.prepare('SELECT id, phenomenon_time, result, age_s FROM observations WHERE datastream_id = ? AND phenomenon_time >= ? AND phenomenon_time < ? ORDER BY phenomenon_time')
  const cnt = db.prepare('SELECT count(*) AS n FROM observations WHERE datastream_id = ?')
  const obsJson = (root: string, r: R) => ({ '@iot.selfLink': `${root}/v1.1/Observations(${r.id})`, '@iot.id': r.id, phenomenonTime: iso(r.phenomenon_time), result: r.result, resultTime: iso(r.phenomenon_time + r.age_s * 1000) })

  // The latest 100, and a nextLink when there are more (as the same $top would give).
  app.get('/latest/:ds', async (req) => {
    const ds = Number((req.params as R).ds)
    const rows = latest.all(ds, 101) as R[]
    const root = base(req)
    const body: R = { value: rows.slice(0, 100).map((r) => obsJson(root, r)) }
    if (rows.length > 100) body['@iot.nextLink'] = `${root}/v1.1/Datastreams(${ds})/Observations?$orderby=phenomenonTime%20desc&$top=100&$skip=100`
    return body
  })
  app.get('/range/:ds/:a/:b', async (req) => {
    const p = req.params as R
    const root = base(req)
    return { value: (range.all(Number(p.ds), Number(p.a), Number(p.b)) as R[]).map((r) => obsJson(root, r)) }
  })
  app.get('/array/:ds/:a/:b', async (req, reply) => {
    const p = req.params as R
    const rows = (range.raw(true).all(Number(p.ds), Number(p.a), Number(p.b)) as any[]).map((r) => [r[0], iso(r[1]), iso(r[1] + r[3] * 1000), r[2]])
    range.raw(false)
    const group = { 'Datastream@iot.navigationLink': `${base(req)}/v1.1/Datastreams(${p.ds})`, components: ['id', 'phenomenonTime', 'resultTime', 'result'], dataArray: rows, 'dataArray@iot.count': rows.length }
    return reply.type('application/json').send(JSON.stringify({ value: rows.length ? [group] : [] }))
  })
  app.get('/count/:ds', async (req) => ({ '@iot.count': (cnt.get(Number((req.params as R).ds)) as R).n, value: [] }))

  // Things with their Datastreams and each one's ObservedProperty: every property and link of the
  // SensorThings entities (navigation links, a Datastream's time ranges and observedArea, the
  // download links), one statement for the Things and one per Thing for its Datastreams joined to
  // their ObservedProperty and default feature.
  const things = db.prepare('SELECT id, name, description, properties FROM things ORDER BY id LIMIT 100')
  const dss = db.prepare(
    `SELECT d.id, d.name, d.description, d.unit_of_measurement, d.observation_type, d.phenomenon_time_start, d.phenomenon_time_end,
       d.result_time_start, d.result_time_end, d.properties, d.quantity, d.feature_id, f.feature,
       EXISTS (SELECT 1 FROM datastreams_with_details w WHERE w.datastream_id = d.id) AS details,
       o.id AS op_id, o.name AS op_name, o.definition AS op_definition, o.description AS op_description, o.properties AS op_properties
     FROM datastreams d JOIN observed_properties o ON o.id = d.observed_property_id LEFT JOIN features_of_interest f ON f.id = d.feature_id
     WHERE d.thing_id = ? ORDER BY d.id`,
  )
  // observedArea: the features of the Datastream's Observations (those stored apart from its
  // default feature are listed in observation_details), else its Thing's Locations.
  const otherFeatures = db.prepare(
    `SELECT feature FROM features_of_interest WHERE id IN (SELECT od.feature_id FROM observation_details od JOIN observations o ON o.id = od.observation_id WHERE o.datastream_id = ? AND od.feature_id IS NOT NULL) AND id IS NOT ?`,
  ).pluck()
  const locations = db.prepare('SELECT l.location FROM thing_locations tl JOIN locations l ON l.id = tl.location_id WHERE tl.thing_id = ?').pluck()
  app.get('/things', async (req) => {
    const root = base(req)
    const v = `${root}/v1.1`
    return {
      value: (things.all() as R[]).map((t) => {
        const self = `${v}/Things(${t.id})`
        let thingArea: string[] | null = null
        return {
          '@iot.selfLink': self,
          '@iot.id': t.id,
          name: t.name,
          description: t.description,
          properties: json(t.properties),
          'Locations@iot.navigationLink': `${self}/Locations`,
          'HistoricalLocations@iot.navigationLink': `${self}/HistoricalLocations`,
          'Datastreams@iot.navigationLink': `${self}/Datastreams`,
          'MultiDatastreams@iot.navigationLink': `${self}/MultiDatastreams`,
          Datastreams: (dss.all(t.id) as R[]).map((d) => {
            const ds = `${v}/Datastreams(${d.id})`
            const op = `${v}/ObservedProperties(${d.op_id})`
            let features: string[] = d.feature === null ? [] : [d.feature]
            if (d.details) features = features.concat(otherFeatures.all(d.id, d.feature_id ?? null) as string[])
            if (!features.length) features = thingArea ??= locations.all(t.id) as string[]
            const links: R = { 'reeflink:csv': `${root}/api/download/datastreams/${d.id}.csv` }
            if (isOceanSitesParameter(d.quantity)) links['reeflink:nc'] = `${root}/api/download/datastreams/${d.id}.nc`
            links['reeflink:chart'] = `${root}/api/chart/${d.id}.png`
            return {
              '@iot.selfLink': ds,
              '@iot.id': d.id,
              name: d.name,
              description: d.description,
              unitOfMeasurement: json(d.unit_of_measurement),
              observationType: d.observation_type,
              observedArea: envelope(features),
              phenomenonTime: interval(d.phenomenon_time_start, d.phenomenon_time_end),
              resultTime: interval(d.result_time_start, d.result_time_end),
              properties: json(d.properties),
              'Thing@iot.navigationLink': `${ds}/Thing`,
              'Sensor@iot.navigationLink': `${ds}/Sensor`,
              'ObservedProperty@iot.navigationLink': `${ds}/ObservedProperty`,
              'Observations@iot.navigationLink': `${ds}/Observations`,
              ...links,
              ObservedProperty: {
                '@iot.selfLink': op,
                '@iot.id': d.op_id,
                name: d.op_name,
                definition: d.op_definition,
                description: d.op_description,
                properties: json(d.op_properties),
                'Datastreams@iot.navigationLink': `${op}/Datastreams`,
                'MultiDatastreams@iot.navigationLink': `${op}/MultiDatastreams`,
              },
            }
          }),
        }
      }),
    }
  })
  return app
}

/** Throws unless the two bodies are the same JSON value (object key order aside). A nextLink is
 * compared by presence: reeflink's carries its own $skiptoken, the hand-written one a $skip. */
export function sameAnswer(what: string, ours: string, theirs: string): void {
  const strip = (body: string) => {
    const v = JSON.parse(body)
    if (v && typeof v === 'object' && '@iot.nextLink' in v) v['@iot.nextLink'] = true
    return v
  }
  const a = strip(ours)
  const b = strip(theirs)
  if (!isDeepStrictEqual(a, b)) {
    throw new Error(`${what}: the hand-written route does not give the same answer\n ours:   ${JSON.stringify(a).slice(0, 600)}\n theirs: ${JSON.stringify(b).slice(0, 600)}`)
  }
}

// Conformance class batch-request (OGC 18-088 A.4, req/batch-request/batch-request; FROST
// BatchTests) in OData multipart/mixed and JSON batch form, and the create-observations
// extension (POST /CreateObservations with dataArray, req/data-array/data-array; ets-sta10
// DataArrayTests.checkCreateObservations).
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AUTH, makeFixture, type Fixture } from './fixture.js'

let f: Fixture
beforeAll(async () => {
  f = await makeFixture()
})
afterAll(async () => {
  await f.close()
})
const count = (sql: string, ...a: unknown[]) => (f.db.prepare(sql).get(...a) as { n: number }).n

function multipart(boundary: string, parts: string[]): string {
  return parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('') + `--${boundary}--\r\n`
}
const http = (line: string, body?: unknown, contentId?: string) =>
  `Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n${contentId ? `Content-ID: ${contentId}\r\n` : ''}\r\n${line} HTTP/1.1\r\nHost: localhost\r\n${body === undefined ? '' : `Content-Type: application/json\r\n\r\n${JSON.stringify(body)}`}`
const changeset = (boundary: string, parts: string[]) => `Content-Type: multipart/mixed; boundary=${boundary}\r\n\r\n${multipart(boundary, parts)}`

async function batch(body: string, contentType: string, headers: Record<string, string> = AUTH) {
  const r = await f.app.inject({ method: 'POST', url: '/v1.1/$batch', headers: { 'content-type': contentType, ...headers }, payload: body })
  return r
}

/** Status lines and JSON bodies of a multipart response, in order (changeset parts flattened). */
function responses(text: string): { status: number; body: any; location?: string }[] {
  const out: { status: number; body: any; location?: string }[] = []
  for (const m of text.matchAll(/HTTP\/1\.1 (\d{3})[^\r\n]*\r\n((?:[^\r\n]+\r\n)*)\r\n([^\r\n]*)/g)) {
    const loc = /Location: (\S+)/.exec(m[2])
    let body: unknown = null
    try {
      body = JSON.parse(m[3])
    } catch {
      body = null
    }
    out.push({ status: Number(m[1]), body, location: loc?.[1] })
  }
  return out
}

describe('req/batch-request/batch-request (multipart/mixed)', () => {
  it('a GET, then a changeset creating a Thing and a Datastream referring to it as $1', async () => {
    const body = multipart('batch_1', [
      http(`GET Things(${f.ids.buoy})?$select=name`),
      changeset('changeset_1', [
        http('POST Things', { name: 'batched', description: 'd' }, '1'),
        http('POST $1/Datastreams', { name: 'batched ds', description: 'd', unitOfMeasurement: {}, observationType: 'x', Sensor: { '@iot.id': 1 }, ObservedProperty: { '@iot.id': 1 } }, '2'),
      ]),
      http('GET /v1.1/Things?$filter=name%20eq%20%27batched%27&$expand=Datastreams'),
    ])
    const r = await batch(body, 'multipart/mixed; boundary=batch_1')
    expect(r.statusCode, r.body).toBe(200)
    expect(r.headers['content-type']).toMatch(/^multipart\/mixed; boundary=batch_/)
    expect(r.body).toMatch(/Content-ID: 1\r\n/)
    const [get, thing, ds, after] = responses(r.body)
    expect(get).toMatchObject({ status: 200, body: { name: 'Lagoon station, Ouano (demo)' } })
    expect(thing.status).toBe(201)
    expect(thing.location).toBe(`http://localhost:80/v1.1/Things(${thing.body['@iot.id']})`)
    expect(ds.status).toBe(201)
    expect(after.body.value[0].Datastreams.map((d: any) => d['@iot.id'])).toEqual([ds.body['@iot.id']])
  })

  it('a failing request rolls back its whole changeset and answers it with one error; the batch goes on', async () => {
    const things = count('SELECT count(*) AS n FROM things')
    const body = multipart('b', [
      changeset('c', [http('POST Things', { name: 'rolled back', description: 'd' }, '1'), http('POST Things', { description: 'no name' }, '2')]),
      http('POST Things', { name: 'outside', description: 'd' }),
    ])
    const r = await batch(body, 'multipart/mixed; boundary="b"')
    const [failed, outside] = responses(r.body)
    expect(failed.status).toBe(400)
    expect(failed.body.code).toBe('STA_MISSING_PROPERTY')
    expect(outside.status).toBe(201)
    expect(count('SELECT count(*) AS n FROM things')).toBe(things + 1)
    expect(count("SELECT count(*) AS n FROM things WHERE name = 'rolled back'")).toBe(0)
  })

  it('reads need no credential; writes in a batch need the write role; malformed batches are 400s', async () => {
    const reads = await batch(multipart('b', [http('GET Things(1)')]), 'multipart/mixed; boundary=b', {})
    expect(reads.statusCode).toBe(200)
    const writes = await batch(multipart('b', [http('POST Things', { name: 'x', description: 'd' })]), 'multipart/mixed; boundary=b', {})
    expect(writes.statusCode).toBe(401)
    for (const [text, type] of [
      ['garbage', 'multipart/mixed; boundary=b'],
      ['--b\r\nContent-Type: application/http\r\n\r\nGET Things(1) HTTP/1.1\r\n', 'multipart/mixed; boundary=b'],
      [multipart('b', [http('GET Things(1)')]), 'multipart/mixed'],
      [multipart('b', ['Content-Type: text/plain\r\n\r\nhello']), 'multipart/mixed; boundary=b'],
      ['{}', 'text/plain'],
    ]) {
      const r = await batch(text, type)
      expect(r.statusCode, `${type}: ${text}`).toBeGreaterThanOrEqual(400)
      expect(r.statusCode).toBeLessThan(500)
    }
  })
})

describe('JSON batch (OData 4.01 JSON format, FROST JsonBatchRequest)', () => {
  it('atomicityGroup as a changeset, $id references, one response per request', async () => {
    const r = await f.send('POST', '/v1.1/$batch', {
      requests: [
        { id: 't', atomicityGroup: 'g', method: 'post', url: 'Things', body: { name: 'json batch', description: 'd' } },
        { id: 'l', atomicityGroup: 'g', method: 'post', url: '$t/Locations', body: { name: 'L', description: 'd', encodingType: 'application/geo+json', location: { type: 'Point', coordinates: [1, 2] } } },
        { id: 'g1', method: 'get', url: '$t?$expand=Locations,HistoricalLocations' },
        { id: 'p', method: 'patch', url: '$t', body: { description: 'patched in batch' } },
        { id: 'x', method: 'delete', url: 'Things(987654)' },
      ],
    })
    expect(r.status, r.text).toBe(200)
    const byId = Object.fromEntries(r.body.responses.map((x: any) => [x.id, x]))
    expect(byId.t.status).toBe(201)
    expect(byId.t.headers.location).toMatch(/\/v1\.1\/Things\(\d+\)$/)
    expect(byId.g1.body.Locations).toHaveLength(1)
    expect(byId.g1.body.HistoricalLocations).toHaveLength(1)
    expect(byId.p.body.description).toBe('patched in batch')
    expect(byId.x.status).toBe(404)
  })
})

describe('req/data-array/data-array: POST /CreateObservations', () => {
  it('creates one Observation per dataArray row and answers with their selfLinks, "error" for bad rows', async () => {
    const before = count('SELECT count(*) AS n FROM observations WHERE datastream_id = ?', f.ids.temp)
    const r = await f.send('POST', '/v1.1/CreateObservations', [
      {
        Datastream: { '@iot.id': f.ids.temp },
        components: ['phenomenonTime', 'result', 'FeatureOfInterest/id'],
        'dataArray@iot.count': 3,
        dataArray: [
          ['2026-01-01T00:00:00Z', 20.5, f.ids.foi],
          ['2026-01-01T00:10:00Z', 20.6, f.ids.foi],
          ['not a time', 20.7, f.ids.foi],
        ],
      },
      { Datastream: { '@iot.id': f.ids.loggerTemp }, components: ['result', 'phenomenonTime', 'resultTime'], dataArray: [[1.5, '2026-01-01T00:00:00Z', '2026-01-01T00:05:00Z']] },
    ])
    expect(r.status, r.text).toBe(201)
    expect(r.body).toHaveLength(4)
    expect(r.body[2]).toBe('error')
    expect(r.body[0]).toMatch(/^http:\/\/localhost:80\/v1\.1\/Observations\(\d+\)$/)
    expect(count('SELECT count(*) AS n FROM observations WHERE datastream_id = ?', f.ids.temp)).toBe(before + 2)
    const id = Number(/\((\d+)\)$/.exec(r.body[0])![1])
    // Plain numeric rows whose feature is the Datastream's default stay lean.
    expect(count('SELECT count(*) AS n FROM observation_details WHERE observation_id = ?', id)).toBe(0)
    expect((await f.get(`/v1.1/Observations(${id})`)).body).toMatchObject({ phenomenonTime: '2026-01-01T00:00:00.000Z', result: 20.5 })
    const last = Number(/\((\d+)\)$/.exec(r.body[3])![1])
    expect((await f.get(`/v1.1/Observations(${last})`)).body.resultTime).toBe('2026-01-01T00:05:00.000Z')
  })

  it('rejects malformed groups as a whole with a 400 naming the problem', async () => {
    for (const [body, re] of [
      [{}, /array of/],
      [[{ components: ['result'], dataArray: [] }], /Datastream or MultiDatastream/],
      [[{ Datastream: { '@iot.id': 1 }, components: ['frob'], dataArray: [] }], /components/],
      [[{ Datastream: { '@iot.id': 1 }, components: ['phenomenonTime'], dataArray: [] }], /'result' is mandatory/],
    ] as [unknown, RegExp][]) {
      const r = await f.send('POST', '/v1.1/CreateObservations', body)
      expect(r.status).toBe(400)
      expect(r.body.message).toMatch(re)
    }
  })
})

describe('never a 500 on batches and CreateObservations', () => {
  const line = fc.constantFrom('GET Things(1) HTTP/1.1', 'POST Things HTTP/1.1', 'POST $1/Datastreams HTTP/1.1', 'PATCH Things(1) HTTP/1.1', 'DELETE Things(x) HTTP/1.1', 'FROB / HTTP/1.1', '')
  const header = fc.constantFrom('Content-Type: application/http', 'Content-Type: multipart/mixed; boundary=c', 'Content-ID: 1', 'Content-Type: application/json', '')
  const text = fc.array(fc.oneof(line, header, fc.constantFrom('--b', '--b--', '--c', '--c--', '{"name":"x"}', '{', '\r\n'), fc.string({ maxLength: 6 })), { maxLength: 14 }).map((a) => a.join('\r\n'))
  it('random multipart bodies', async () => {
    await fc.assert(
      fc.asyncProperty(text, async (body) => {
        const r = await batch(body, 'multipart/mixed; boundary=b')
        expect(r.statusCode, body).toBeLessThan(500)
      }),
      { numRuns: 200 },
    )
  })
  it('random JSON batch and CreateObservations bodies', async () => {
    const v = fc.oneof(fc.constant(null), fc.integer(), fc.constantFrom('Things', '$1', 'post', 'get', 'Observations', '2024-01-01T00:00:00Z'), fc.constant({ '@iot.id': 1 }))
    const req = fc.record({ id: fc.option(fc.constantFrom('1', '2')), method: fc.oneof(fc.constantFrom('get', 'post', 'patch', 'delete'), v), url: fc.oneof(fc.constantFrom('Things', '$1/Datastreams', 'Things(1)', '/v1.1/Observations', 'http://x/v1.1/Things'), v), body: fc.option(fc.dictionary(fc.constantFrom('name', 'description', 'result', 'Datastream'), v)), atomicityGroup: fc.option(fc.constantFrom('g', 'h')) }, { requiredKeys: [] })
    await fc.assert(
      fc.asyncProperty(fc.array(req, { maxLength: 4 }), async (requests) => {
        const r = await f.send('POST', '/v1.1/$batch', { requests })
        expect(r.status, JSON.stringify(requests)).toBeLessThan(500)
      }),
      { numRuns: 150 },
    )
    const group = fc.record({ Datastream: fc.oneof(v, fc.constant({ '@iot.id': 1 })), components: fc.array(fc.constantFrom('result', 'phenomenonTime', 'resultTime', 'FeatureOfInterest/id', 'x'), { maxLength: 3 }), dataArray: fc.array(fc.array(v, { maxLength: 3 }), { maxLength: 3 }) }, { requiredKeys: [] })
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.array(group, { maxLength: 2 }), v), async (body) => {
        const r = await f.send('POST', '/v1.1/CreateObservations', body)
        expect(r.status, JSON.stringify(body)).toBeLessThan(500)
      }),
      { numRuns: 150 },
    )
  })
})

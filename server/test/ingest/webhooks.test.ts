// The HTTP webhooks plugin in a real fastify app: inject for the cases, a real port for one
// end-to-end request, and a fuzzer over bodies and headers.
import fc from 'fast-check'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { IngestCounters } from '../../src/ingest/counters.js'
import { ingestWebhooks } from '../../src/ingest/http/webhooks.js'
import { fixtureText, TestSink } from './helpers.js'

const SECRET = 'correct horse battery staple'
const AUTH = { 'x-reeflink-secret': SECRET, 'content-type': 'application/json' }

let app: FastifyInstance
let sink: TestSink
let counters: IngestCounters

beforeEach(async () => {
  sink = new TestSink()
  counters = new IngestCounters()
  app = Fastify()
  await app.register(ingestWebhooks, { prefix: '/api/ingest', sink, counters, secret: SECRET, secretHeader: 'X-TTS-Token', bodyLimitBytes: 16 * 1024 })
  await app.ready()
})

afterEach(async () => {
  await app.close()
})

const tts = (payload: string, headers: Record<string, string> = AUTH) => app.inject({ method: 'POST', url: '/api/ingest/tts/up', headers, payload })
const chirpstack = (event: string | undefined, payload: string, headers: Record<string, string> = AUTH) =>
  app.inject({ method: 'POST', url: event === undefined ? '/api/ingest/chirpstack' : `/api/ingest/chirpstack?event=${event}`, headers, payload })

describe('ingest webhooks', () => {
  it('takes a The Things Stack uplink and answers 200 once durable', async () => {
    const res = await tts(fixtureText('tts/up-first-uplink.json'))
    expect([res.statusCode, res.json()]).toEqual([200, { accepted: 1 }])
    expect(sink.durable).toMatchObject([{ kind: 'app', source: 'tts-webhook', devEui: '70b3d57ed0061a2c', fCnt: 0 }])
  })

  it('takes a ChirpStack ?event=up with Authorization: Bearer, and ignores other events with 200', async () => {
    const bearer = { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' }
    expect((await chirpstack('up', fixtureText('chirpstack/app-up-docs.json'), bearer)).statusCode).toBe(200)
    const join = await chirpstack('join', '{"deviceInfo":{"devEui":"0101010101010101"},"devAddr":"00189440"}', bearer)
    expect([join.statusCode, join.json()]).toEqual([200, { accepted: 0, ignored: 'event=join' }])
    expect(sink.durable).toMatchObject([{ source: 'chirpstack-application-http', devEui: '0101010101010101' }])
    expect(counters.rejected({ source: 'chirpstack-application-http', reason: 'not-an-uplink' })).toBe(1)
  })

  it('accepts the secret in the configured extra header', async () => {
    expect((await tts(fixtureText('tts/up-docs.json'), { 'x-tts-token': SECRET, 'content-type': 'application/json' })).statusCode).toBe(200)
  })

  it.each([
    ['no secret', { 'content-type': 'application/json' }],
    ['a wrong secret', { 'x-reeflink-secret': SECRET + 'x', 'content-type': 'application/json' }],
    ['a prefix of the secret', { authorization: `Bearer ${SECRET.slice(0, 10)}` }],
    ['the secret without "Bearer"', { authorization: SECRET }],
  ])('answers 401 to %s, before reading the body', async (_, headers) => {
    const res = await tts(fixtureText('tts/up-docs.json'), headers)
    expect([res.statusCode, res.json().error.code]).toEqual([401, 'unauthorized'])
    expect(sink.calls).toEqual([])
    expect(counters.rejected({ source: 'http', reason: 'unauthorized' })).toBe(1)
  })

  it('answers 400 naming the problem', async () => {
    expect((await tts('{"end_device_ids":')).json()).toMatchObject({ error: { code: 'invalid-json' } })
    const missing = await tts('{"end_device_ids":{"device_id":"d"},"uplink_message":{}}')
    expect([missing.statusCode, missing.json()]).toEqual([400, { error: { code: 'missing-field', message: 'up.end_device_ids.dev_eui is missing (an ABP device registered without a DevEUI?)' } }])
    expect((await chirpstack(undefined, fixtureText('chirpstack/app-up-docs.json'))).json()).toMatchObject({ error: { code: 'missing-field' } })
    expect((await tts('')).statusCode).toBe(400)
    const twice = await app.inject({ method: 'POST', url: '/api/ingest/chirpstack?event=up&event=join', headers: AUTH, payload: '{}' })
    expect([twice.statusCode, twice.json().error.code]).toEqual([400, 'invalid-field'])
  })

  it('answers 200 without storing a The Things Stack message that is not an uplink', async () => {
    const res = await tts(fixtureText('tts/join-accept.json'))
    expect([res.statusCode, res.json()]).toEqual([200, { accepted: 0, ignored: 'no uplink_message (message carries join_accept)' }])
    expect(sink.calls).toEqual([])
  })

  it('answers 413 over the body limit and 415 to Protobuf', async () => {
    const big = await tts(JSON.stringify({ pad: 'x'.repeat(17 * 1024) }))
    expect([big.statusCode, big.json().error.code]).toEqual([413, 'too-large'])
    const proto = await chirpstack('up', '\x0a\x24abc', { ...AUTH, 'content-type': 'application/octet-stream' })
    expect([proto.statusCode, proto.json().error.code]).toEqual([415, 'unsupported-media-type'])
    expect(counters.rejectionRows().map((r) => [r.source, r.reason])).toEqual([
      ['chirpstack-application-http', 'unsupported-media-type'],
      ['tts-webhook', 'too-large'],
    ])
  })

  it('answers 503 when submit() rejects', async () => {
    sink.mode = 'reject'
    const res = await tts(fixtureText('tts/up-first-uplink.json'))
    expect([res.statusCode, res.json().error.code]).toEqual([503, 'sink-failed'])
    expect(counters.accepted()).toBe(0)
  })

  it('does not answer before submit() resolves', async () => {
    sink.mode = 'manual'
    let answered = false
    const pending = tts(fixtureText('tts/up-first-uplink.json')).then((r) => ((answered = true), r))
    await sink.waitForCalls(1)
    // Another request completes meanwhile; the first is still waiting on the sink.
    expect((await tts('{}', {})).statusCode).toBe(401)
    expect(answered).toBe(false)
    sink.resolveNext()
    expect((await pending).statusCode).toBe(200)
  })

  it('works over a real socket', async () => {
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const res = await fetch(`${address}/api/ingest/chirpstack?event=up`, { method: 'POST', headers: AUTH, body: fixtureText('chirpstack/app-up-first-uplink.json') })
    expect([res.status, await res.json()]).toEqual([200, { accepted: 1 }])
    expect(sink.durable).toHaveLength(1)
  })

  it('survives fuzzed requests: a 2xx/4xx answer and one count each, never a 500', async () => {
    const body = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.constantFrom('tts/up-first-uplink.json', 'chirpstack/app-up-first-uplink.json').chain((name) =>
        fc.tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 3 })).map(([at, s]) => {
          const text = fixtureText(name)
          const i = at % text.length
          return text.slice(0, i) + s + text.slice(i + 1)
        }),
      ),
    )
    const route = fc.constantFrom('/api/ingest/tts/up', '/api/ingest/chirpstack?event=up', '/api/ingest/chirpstack?event=status', '/api/ingest/chirpstack')
    const contentType = fc.constantFrom('application/json', 'text/plain', 'application/octet-stream', 'application/json; charset=utf-8')
    const withSecret = fc.boolean()
    await fc.assert(
      fc.asyncProperty(route, body, contentType, withSecret, async (url, payload, type, authorised) => {
        const before = counters.rejected() + counters.accepted()
        const headers: Record<string, string> = { 'content-type': type }
        if (authorised) headers['x-reeflink-secret'] = SECRET
        const res = await app.inject({ method: 'POST', url, headers, payload })
        expect([200, 400, 401, 413, 415]).toContain(res.statusCode)
        expect(counters.rejected() + counters.accepted()).toBe(before + 1)
      }),
      { numRuns: 300 },
    )
  })
})

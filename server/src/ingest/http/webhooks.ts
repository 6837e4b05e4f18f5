// Uplinks pushed over HTTP, as a fastify plugin (register it under a prefix such as /api/ingest):
//   POST {prefix}/tts/up                 The Things Stack webhook, uplink message (ApplicationUp JSON)
//   POST {prefix}/chirpstack?event=up    ChirpStack HTTP integration, JSON marshaler
//                                        (chirpstack/chirpstack chirpstack/src/integration/http.rs:
//                                        POST with ?event=<type>, Content-Type application/json or
//                                        application/octet-stream for Protobuf)
// 200 only once submit() resolved; 503 if it rejected (nothing stored; neither network server
// retries, see docs/ingest.md); 401 without the shared secret (checked before the body is read);
// 400 names the bad field; 413 over the body limit; 415 for Protobuf. Not wrapped in
// fastify-plugin on purpose: its body parser and error handler stay inside this scope.
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { IngestCounters, IngestCounterSource } from '../counters.js'
import { parseChirpstackUplinkEvent } from '../chirpstack/uplinkEvent.js'
import { parseJsonObject } from '../fields.js'
import type { Parsed, Rejection } from '../rejections.js'
import { submitDurably, type IngestLogger } from '../submit.js'
import { parseTtsApplicationUp } from '../tts/applicationUp.js'
import type { ReceivedUplink, UplinkSink } from '../types.js'
import { SharedSecret } from './sharedSecret.js'

export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024

export interface IngestWebhookOptions {
  sink: UplinkSink
  counters: IngestCounters
  /** The shared secret both network servers are configured to send. */
  secret: string
  /** One more header that may carry the secret as its whole value (besides Authorization: Bearer and X-Reeflink-Secret). */
  secretHeader?: string
  /** Default 64 KiB. */
  bodyLimitBytes?: number
  now?: () => number
  logger?: IngestLogger
}

const errorSchema = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } },
}
const okSchema = { type: 'object', properties: { accepted: { type: 'integer' }, ignored: { type: 'string' } } }
const responses = { 200: okSchema, 400: errorSchema, 401: errorSchema, 413: errorSchema, 415: errorSchema, 503: errorSchema }

const PROTOBUF_TYPES = ['application/octet-stream', 'application/protobuf', 'application/x-protobuf']

export const ingestWebhooks: FastifyPluginAsync<IngestWebhookOptions> = async (app, options) => {
  const secret = new SharedSecret(options.secret, options.secretHeader)
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES
  const now = options.now ?? Date.now
  const counters = options.counters

  // Bodies arrive as bytes whatever their type, so every bad body becomes our own counted 400.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body))

  app.addHook('onRequest', async (request, reply) => {
    if (secret.matches(request.headers)) return
    const rejection: Rejection = { reason: 'unauthorized', detail: `${request.method} ${request.url} without the shared secret` }
    counters.reject('http', rejection)
    return reply.code(401).send(errorBody(rejection))
  })

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const source = sourceOfRoute(request)
    if (error.statusCode === 413) return refuse(reply, source, 413, { reason: 'too-large', detail: `body over ${bodyLimit} bytes` })
    if (error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') return refuse(reply, source, 400, { reason: 'truncated', detail: error.message })
    if (error.validation) return refuse(reply, source, 400, { reason: 'invalid-field', detail: error.message })
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return refuse(reply, source, 400, { reason: 'invalid-json', detail: error.message })
    }
    options.logger?.warn({ source, err: error.message }, 'ingest: webhook failed')
    return reply.code(500).send({ error: { code: 'internal', message: 'internal error' } })
  })

  function refuse(reply: FastifyReply, source: IngestCounterSource, status: number, rejection: Rejection) {
    counters.reject(source, rejection)
    return reply.code(status).send(errorBody(rejection))
  }

  async function ingest(request: FastifyRequest, reply: FastifyReply, source: IngestCounterSource, parse: (json: Record<string, unknown>, receivedAtMs: number) => Parsed<ReceivedUplink>) {
    const receivedAtMs = now()
    const contentType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
    if (PROTOBUF_TYPES.includes(contentType)) {
      return refuse(reply, source, 415, { reason: 'unsupported-media-type', detail: `${contentType}: set the integration's marshaler to JSON` })
    }
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
    const json = parseJsonObject(body, 'body')
    const parsed = json.ok ? parse(json.value, receivedAtMs) : json
    if (!parsed.ok) {
      if (parsed.rejection.reason === 'not-an-uplink') {
        // A valid event we do not store (join, ack, status…): success, or the sender would flag us unhealthy.
        counters.reject(source, parsed.rejection)
        return reply.code(200).send({ accepted: 0, ignored: parsed.rejection.detail })
      }
      return refuse(reply, source, 400, parsed.rejection)
    }
    const durable = await submitDurably(options.sink, [parsed.value], counters, source, options.logger)
    if (!durable) return reply.code(503).send(errorBody({ reason: 'sink-failed', detail: 'the uplink could not be stored; nothing was kept' }))
    return reply.code(200).send({ accepted: 1 })
  }

  app.post('/tts/up', { bodyLimit, schema: { response: responses } }, (request, reply) =>
    ingest(request, reply, 'tts-webhook', (json, at) => parseTtsApplicationUp(json, 'tts-webhook', at)),
  )

  app.post(
    '/chirpstack',
    { bodyLimit, schema: { querystring: { type: 'object', properties: { event: { type: 'string' } } }, response: responses } },
    (request, reply) =>
      ingest(request, reply, 'chirpstack-application-http', (json, at) => {
        const event = (request.query as { event?: string }).event
        if (event === undefined) return { ok: false, rejection: { reason: 'missing-field', detail: 'query parameter event is missing (ChirpStack posts ?event=up)' } }
        if (event !== 'up') return { ok: false, rejection: { reason: 'not-an-uplink', detail: `event=${event}` } }
        return parseChirpstackUplinkEvent(json, 'chirpstack-application-http', at)
      }),
  )
}

function sourceOfRoute(request: FastifyRequest): IngestCounterSource {
  const url = request.routeOptions.url ?? ''
  if (url.endsWith('/tts/up')) return 'tts-webhook'
  if (url.endsWith('/chirpstack')) return 'chirpstack-application-http'
  return 'http'
}

function errorBody(rejection: Rejection) {
  return { error: { code: rejection.reason, message: rejection.detail } }
}

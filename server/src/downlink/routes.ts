// The downlink admin API (docs/downlinks.md):
//   POST   /api/devices/{devEui}/downlinks        queue a downlink (write role)       201 {item}
//   GET    /api/devices/{devEui}/downlinks        the device's queue (read role)      200 {items}
//   DELETE /api/devices/{devEui}/downlinks/{id}   cancel a pending item (write role)  200 {item}
// Errors: {statusCode, code, error, message[, field]} with the codes of DOWNLINK_ERRORS.
import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { principalOf, requireRole } from '../auth/http.js'
import type { CredentialStore } from '../auth/credentials.js'
import type { DownlinkState, DownlinkStore } from './queue.js'
import { parseDownlinkRequest } from './request.js'

export const DOWNLINK_ERRORS = {
  DOWNLINK_INVALID: 400,
  DEVICE_NOT_FOUND: 404,
  DOWNLINK_NOT_FOUND: 404,
  DOWNLINK_UNSUPPORTED: 409,
  DOWNLINK_NOT_PENDING: 409,
} as const
export type DownlinkErrorCode = keyof typeof DOWNLINK_ERRORS

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 404: 'Not Found', 409: 'Conflict' }

function sendError(reply: FastifyReply, code: DownlinkErrorCode, message: string, field?: string) {
  const statusCode = DOWNLINK_ERRORS[code]
  return reply.code(statusCode).send({ statusCode, code, error: STATUS_TEXT[statusCode], message, ...(field ? { field } : {}) })
}

export interface DownlinkRoutesOptions {
  store: DownlinkStore
  credentials: CredentialStore
  /**
   * Called once an item is queued (devices behind a network server: publish it now,
   * ./network-server.ts). What it decides synchronously (the item's reason) is in the answer.
   */
  onQueued?: (devEui: string) => void
}

const devEuiParams = {
  type: 'object',
  required: ['devEui'],
  properties: { devEui: { type: 'string', pattern: '^[0-9a-fA-F]{16}$' } },
} as const

const STATES = ['pending', 'sent', 'acked', 'failed']

export const downlinkRoutes: FastifyPluginAsync<DownlinkRoutesOptions> = async (app, opts) => {
  const { store, credentials } = opts
  // Route schemas only constrain the path; the body is checked by parseDownlinkRequest so errors
  // name the field with our codes.
  // Credentials first (before any validation): reads need `read`, changes `write`.
  app.addHook('onRequest', requireRole(credentials, (req) => (req.method === 'GET' || req.method === 'HEAD' ? 'read' : 'write')))
  app.setErrorHandler((err: { validation?: unknown; message: string; statusCode?: number }, _req, reply) => {
    if (err.validation) return sendError(reply, 'DOWNLINK_INVALID', err.message)
    return reply.send(err)
  })

  app.post<{ Params: { devEui: string }; Body: unknown }>('/devices/:devEui/downlinks', { schema: { params: devEuiParams } }, async (req, reply) => {
    const parsed = parseDownlinkRequest(req.body)
    if (!parsed.ok) return sendError(reply, parsed.error.code, parsed.error.message, parsed.error.field)
    const r = store.enqueue(req.params.devEui, parsed.value, { createdBy: principalOf(req)?.name ?? null })
    if (!r.ok) return sendError(reply, r.error.code, r.error.message, 'field' in r.error ? r.error.field : undefined)
    req.log.info({ devEui: r.item.devEui, item: r.item.id, fPort: r.item.fPort, bytes: r.item.payloadHex.length / 2 }, 'downlink queued')
    opts.onQueued?.(r.item.devEui)
    const item = store.item(r.item.id) ?? r.item
    return reply.code(201).header('location', `/api/devices/${item.devEui}/downlinks/${item.id}`).send({ item })
  })

  app.get<{ Params: { devEui: string }; Querystring: { state?: DownlinkState; limit?: number } }>(
    '/devices/:devEui/downlinks',
    {
      schema: {
        params: devEuiParams,
        querystring: { type: 'object', additionalProperties: false, properties: { state: { enum: STATES }, limit: { type: 'integer', minimum: 1, maximum: 1000 } } },
      },
    },
    async (req, reply) => {
      const items = store.list(req.params.devEui, { ...(req.query.state ? { state: req.query.state } : {}), ...(req.query.limit ? { limit: req.query.limit } : {}) })
      if (items === null) return sendError(reply, 'DEVICE_NOT_FOUND', `no device with DevEUI ${req.params.devEui}`)
      return { items }
    },
  )

  app.delete<{ Params: { devEui: string; id: number } }>(
    '/devices/:devEui/downlinks/:id',
    { schema: { params: { type: 'object', required: ['devEui', 'id'], properties: { ...devEuiParams.properties, id: { type: 'integer', minimum: 1 } } } } },
    async (req, reply) => {
        const r = store.cancel(req.params.devEui, req.params.id)
      if (!r.ok) return sendError(reply, r.code, r.code === 'DOWNLINK_NOT_FOUND' ? `no downlink ${req.params.id} for device ${req.params.devEui}` : `downlink ${req.params.id} is no longer pending`)
      return { item: r.item }
    },
  )
}

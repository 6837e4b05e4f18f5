// Resource limits of the ways in that are not the ingest path itself:
//  - HTTP: a generous per-client request rate (@fastify/rate-limit), and a much stricter budget
//    for failed authentication on writes (401/403 answers to POST/PATCH/PUT/DELETE): past it, the
//    client's writes get 429 AUTH_RATE_LIMITED until the window passes (reads go on).
//  - Embedded MQTT broker: at most `maxConnections` connected clients (CONNACK 3 "server
//    unavailable" past it), a TCP-level cap for sockets that have not sent CONNECT yet, the
//    same failed-authentication budget per remote address (CONNACK 4 without checking the key),
//    and a packet-size guard that closes a connection announcing an oversized packet.
// Limits are per client address: the socket's peer, or X-Forwarded-For when the peer is a proxy on
// loopback (clientKey).
// Documented in docs/security.md and docs/operations.md.
import rateLimit from '@fastify/rate-limit'
import type { Aedes, AuthenticateError, Client } from 'aedes'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Server } from 'node:net'
import type { Duplex } from 'node:stream'

export interface HttpLimits {
  /** Requests per client address and window; 0 disables. */
  requestsPerWindow: number
  windowMs: number
  /** Failed-authentication writes per client address and window before its writes get 429. */
  failedAuthPerWindow: number
}

export interface BrokerLimits {
  maxConnections: number
  failedAuthPerWindow: number
  windowMs: number
}

/** Fixed-window counters per key, bounded in size (oldest key dropped first). */
export class WindowCounter {
  private readonly counts = new Map<string, { start: number; n: number }>()
  constructor(
    private readonly windowMs: number,
    private readonly maxKeys = 10000,
    private readonly now: () => number = Date.now,
  ) {}

  count(key: string): number {
    const e = this.counts.get(key)
    if (!e || this.now() - e.start >= this.windowMs) return 0
    return e.n
  }

  add(key: string): number {
    const t = this.now()
    let e = this.counts.get(key)
    if (!e || t - e.start >= this.windowMs) {
      this.counts.delete(key)
      if (this.counts.size >= this.maxKeys) {
        const oldest = this.counts.keys().next()
        if (!oldest.done) this.counts.delete(oldest.value)
      }
      e = { start: t, n: 0 }
      this.counts.set(key, e)
    }
    return ++e.n
  }

  /** Milliseconds until the key's window ends. */
  retryAfterMs(key: string): number {
    const e = this.counts.get(key)
    return e ? Math.max(0, this.windowMs - (this.now() - e.start)) : 0
  }
}

/**
 * The address a limit counts against: the socket's peer, or, when the peer is on loopback (a
 * reverse proxy on the same machine), the client it forwards for (X-Forwarded-For, via
 * trustProxy). A remote client cannot escape its budget by sending X-Forwarded-For itself.
 */
export function clientKey(req: FastifyRequest): string {
  const peer = req.socket.remoteAddress ?? 'unknown'
  const loopback = peer === '::1' || peer.startsWith('127.') || peer.startsWith('::ffff:127.')
  return loopback ? req.ip : peer
}

const isWrite = (method: string) => method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS'

/** Registers the HTTP limits; call before the routes it must cover. Returns its refusal counts. */
export async function registerHttpLimits(app: FastifyInstance, limits: HttpLimits): Promise<{ rateLimited: () => number; authLimited: () => number }> {
  let rateLimited = 0
  let authLimited = 0
  if (limits.requestsPerWindow > 0) {
    await app.register(rateLimit, {
      global: true,
      max: limits.requestsPerWindow,
      timeWindow: limits.windowMs,
      keyGenerator: clientKey,
      // Health checks and scrapes must answer even while a client floods the API; gateway
      // webhooks have their own secret and back-pressure (no 200 until stored).
      allowList: (req: FastifyRequest) => req.url === '/health' || req.url === '/metrics' || req.url.startsWith('/api/ingest/'),
      errorResponseBuilder: (_req, ctx) => ({
        statusCode: 429,
        code: 'RATE_LIMITED',
        error: 'Too Many Requests',
        message: `more than ${ctx.max} requests in ${Math.round(limits.windowMs / 1000)} s from this address; retry in ${Math.ceil(ctx.ttl / 1000)} s`,
      }),
    })
  }
  const failures = new WindowCounter(limits.windowMs)
  app.addHook('onRequest', async (req, reply) => {
    const key = clientKey(req)
    if (!isWrite(req.method) || failures.count(key) < limits.failedAuthPerWindow) return
    const retry = Math.ceil(failures.retryAfterMs(key) / 1000)
    authLimited++
    reply
      .code(429)
      .header('retry-after', String(retry))
      .send({ statusCode: 429, code: 'AUTH_RATE_LIMITED', error: 'Too Many Requests', message: `too many failed authentications from this address; writes refused for ${retry} s` })
    return reply
  })
  app.addHook('onResponse', async (req, reply) => {
    if (isWrite(req.method) && (reply.statusCode === 401 || reply.statusCode === 403)) failures.add(clientKey(req))
    if (reply.statusCode === 429) rateLimited++
  })
  return { rateLimited: () => rateLimited - authLimited, authLimited: () => authLimited }
}

function remoteAddress(client: Client): string {
  const conn = (client as unknown as { conn?: { remoteAddress?: string } }).conn
  return conn?.remoteAddress ?? 'unknown'
}

function refusal(message: string, returnCode: number): AuthenticateError {
  const err = new Error(message) as AuthenticateError
  err.returnCode = returnCode as AuthenticateError['returnCode']
  return err
}

/**
 * Installs the broker limits by wrapping the broker's current authenticate hook (the ACL's):
 * call it after the ACL is installed. `tcp` is the listener (several for TLS): its
 * maxConnections bounds sockets, including those that never send CONNECT (aedes drops those
 * after its connectTimeout).
 */
export function installBrokerLimits(broker: Aedes, servers: Server[], limits: BrokerLimits): { refusedConnections: () => number; refusedAuth: () => number } {
  for (const s of servers) s.maxConnections = limits.maxConnections * 2 + 16
  const failures = new WindowCounter(limits.windowMs)
  const inner = broker.authenticate.bind(broker)
  let refusedConnections = 0
  let refusedAuth = 0
  broker.authenticate = (client, username, password, done) => {
    if (broker.connectedClients >= limits.maxConnections) {
      refusedConnections++
      return done(refusal(`the broker has ${broker.connectedClients} clients, its maximum`, 3), false)
    }
    const address = remoteAddress(client)
    if (failures.count(address) >= limits.failedAuthPerWindow) {
      refusedAuth++
      return done(refusal('too many failed authentications from this address', 4), false)
    }
    inner(client, username, password, (err, ok) => {
      if (err || !ok) failures.add(address)
      done(err, ok)
    })
  }
  return { refusedConnections: () => refusedConnections, refusedAuth: () => refusedAuth }
}

/**
 * Closes an MQTT connection as soon as a packet's fixed header announces more than
 * `maxPacketBytes` (aedes would otherwise buffer up to the protocol's 256 MiB before any check,
 * even before CONNECT). Reads the fixed headers from the bytes aedes reads, without copying.
 */
export function guardPacketSize(socket: Duplex, maxPacketBytes: number, onRefuse: () => void): void {
  let skip = 0
  let header = 0 // bytes of the current fixed header seen (type byte + length bytes)
  let length = 0
  let multiplier = 1
  const refuse = () => {
    onRefuse()
    socket.removeListener('data', onData)
    socket.destroy()
  }
  const onData = (chunk: Buffer) => {
    let i = 0
    while (i < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - i)
        skip -= n
        i += n
        continue
      }
      const byte = chunk[i++]
      header++
      if (header === 1) continue // packet type and flags
      length += (byte & 0x7f) * multiplier
      multiplier *= 128
      if (byte & 0x80) {
        if (header === 5) return refuse() // more than 4 length bytes: malformed
        continue
      }
      if (length > maxPacketBytes) return refuse()
      skip = length
      header = 0
      length = 0
      multiplier = 1
    }
  }
  socket.on('data', onData)
}

/** The broker's connection handler with the packet-size guard in front (plain and TLS listeners). */
export function guardedBrokerHandle(broker: Aedes, maxPacketBytes: number): { handle: (socket: Duplex) => void; refused: () => number } {
  let refused = 0
  return {
    handle: (socket) => {
      guardPacketSize(socket, maxPacketBytes, () => refused++)
      broker.handle(socket)
    },
    refused: () => refused,
  }
}

// /health: liveness (the process answers) and readiness (the database is open and writable, the
// broker and listeners are up). 503 when not ready, so a load balancer or systemd watchdog can act.
import type { FastifyInstance } from 'fastify'
import type { Db } from '../store/database.js'
import { schemaVersion } from '../store/database.js'

export interface HealthSources {
  db: Db
  brokerListening: () => boolean | null
  udpListening: () => boolean | null
  pendingFrames: () => number
  /** The error of the last ingest batch when it failed and none committed since (disk full, read-only database…). */
  ingestFailure?: () => string | null
}

export function registerHealth(app: FastifyInstance, s: HealthSources): void {
  app.get('/health', async (_request, reply) => {
    let database: { status: 'ok' | 'error'; schemaVersion?: number; error?: string }
    try {
      s.db.prepare('SELECT 1').get()
      database = { status: 'ok', schemaVersion: schemaVersion(s.db) }
    } catch (e) {
      database = { status: 'error', error: (e as Error).message }
    }
    const broker = s.brokerListening()
    const udp = s.udpListening()
    // A store that cannot take writes (SQLITE_FULL, SQLITE_READONLY…) is not ready: gateways get
    // no acks meanwhile and resend, which is the back-pressure we want; say so here.
    const ingestFailure = s.ingestFailure?.() ?? null
    if (ingestFailure && database.status === 'ok') database = { status: 'error', schemaVersion: database.schemaVersion, error: `ingest cannot write: ${ingestFailure}` }
    const ready = database.status === 'ok' && broker !== false && udp !== false
    reply.code(ready ? 200 : 503)
    return {
      status: ready ? 'ok' : 'unavailable',
      live: true,
      ready,
      database,
      broker: broker === null ? 'disabled' : broker ? 'listening' : 'down',
      udp: udp === null ? 'disabled' : udp ? 'listening' : 'down',
      ingest: { pendingFrames: s.pendingFrames(), writable: ingestFailure === null, ...(ingestFailure ? { error: ingestFailure } : {}) },
    }
  })
}

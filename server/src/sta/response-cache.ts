// Whole responses of small collection reads, kept across requests while the store is unchanged:
// Things, Locations, Sensors, ObservedProperties, Datastreams… with their expansions — what a
// dashboard or a catalogue asks again and again, and what costs three statements, the writers and
// the splicing of every level each time (docs/sensorthings.md, Pass 5).
//
// A body is served only for the store version it was made at: `PRAGMA data_version` (changes when
// another connection commits: a CLI, another process) and this connection's `total_changes()`
// (every row its own INSERT/UPDATE/DELETE statements touched, triggers included: STA writes and
// ingest share the connection, server.ts). Both are read before the body is made, so a body never
// holds older data than its key says; any write makes every key stale, Observations included —
// a Datastream's phenomenonTime/resultTime ranges and observedArea follow its Observations, so
// entity texts are not independent of them. Nothing is read from or put in the cache inside a
// transaction (its changes may still roll back while total_changes stays counted).
import type { Statement } from 'better-sqlite3'
import type { Db } from '../store/database.js'
import type { EntityDef } from './model.js'

/** Entity sets whose collections are cached: all but Observations (large, and changing with
 * every ingested uplink). */
const CACHED_SETS = new Set(['Things', 'Locations', 'HistoricalLocations', 'Sensors', 'ObservedProperties', 'Datastreams', 'MultiDatastreams', 'FeaturesOfInterest'])

export interface ResponseCacheOptions {
  /** Bodies kept at most (least recently used dropped first). */
  entries?: number
  /** Total size of the bodies kept, in bytes (a body is counted at its length). */
  bytes?: number
  /** Largest body kept. */
  largest?: number
}

type Body = string | Buffer

export class ResponseCache {
  private readonly bodies = new Map<string, { version: string; body: Body; size: number }>()
  private size = 0
  private readonly maxEntries: number
  private readonly maxBytes: number
  private readonly largest: number
  private readonly statements = new WeakMap<Db, Statement>()
  hits = 0
  misses = 0

  constructor(opts: ResponseCacheOptions = {}) {
    this.maxEntries = opts.entries ?? 256
    this.maxBytes = opts.bytes ?? 8 * 1024 * 1024
    this.largest = opts.largest ?? 256 * 1024
  }

  /** Whether collections of this entity set are cached. */
  accepts(e: EntityDef): boolean {
    return CACHED_SETS.has(e.plural)
  }

  /** The store's version as this connection sees it now, or null inside a transaction. */
  version(db: Db): string | null {
    if (db.inTransaction) return null
    let s = this.statements.get(db)
    if (!s) this.statements.set(db, (s = db.prepare('SELECT total_changes(), data_version FROM pragma_data_version').raw(true)))
    const [changes, dataVersion] = s.get() as [number, number]
    return `${changes}:${dataVersion}`
  }

  /** The body made for `key` at this version, if any. */
  get(key: string, version: string): Body | undefined {
    const hit = this.bodies.get(key)
    if (!hit || hit.version !== version) {
      this.misses++
      return undefined
    }
    // Most recently used last (Map order).
    this.bodies.delete(key)
    this.bodies.set(key, hit)
    this.hits++
    return hit.body
  }

  set(key: string, version: string, body: Body): void {
    const size = body.length
    if (size > this.largest) return
    const old = this.bodies.get(key)
    if (old) {
      this.bodies.delete(key)
      this.size -= old.size
    }
    this.bodies.set(key, { version, body, size })
    this.size += size
    while (this.bodies.size > this.maxEntries || this.size > this.maxBytes) {
      const [k, v] = this.bodies.entries().next().value!
      this.bodies.delete(k)
      this.size -= v.size
    }
  }

  clear(): void {
    this.bodies.clear()
    this.size = 0
  }
}

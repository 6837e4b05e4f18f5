// Publishes created and updated entities to the SensorThings topics that have subscribers
// (req/receive-updates-via-mqtt/receive-updates). Listens to EntityEvents but does the work
// later (setImmediate), so emitters — ingest — never wait on it. Per wake-up: the change batches
// are merged, each entity set's ids are read in one query per ($select, version) and each entity
// serialised once, however many topics want it; path topics (…/Datastream/Thing) cost one query per
// pattern (the path without its root id), however many roots are subscribed. Bounded: a backlog past `maxPendingChanges`
// drops the oldest changes, broker publishes in flight are capped, and a subscriber whose socket
// buffer grows past `maxClientBufferBytes` is disconnected (aedes would otherwise queue for it).
import type { Aedes } from 'aedes'
import type { EntityChange, EntityEvents } from '../../events.js'
import type { Db } from '../../store/database.js'
import { decode } from '../decode.js'
import { fromOf, linkCondition } from '../filter/compile.js'
import { entity, sqlFor, type EntityDef } from '../model.js'
import { emptyOptions, parseQueryOptions, type QueryOptions } from '../query-options.js'
import { planQuery, toEntity, type ReadContext } from '../read.js'
import { rawStatement, statement } from '../statements.js'
import type { Subscriptions } from './subscriptions.js'
import { pathPattern, type StaTopic } from './topics.js'

type PathTopic = Extract<StaTopic, { kind: 'path' }>

export interface PublisherOptions {
  broker: Aedes
  db: Db
  events: EntityEvents
  subscriptions: Subscriptions
  /** Service URL without the version, for selfLinks: http://host:8080 */
  publicUrl: () => string
  maxPendingChanges?: number
  maxInFlight?: number
  maxClientBufferBytes?: number
  onDrop?: (what: 'changes' | 'messages' | 'client', n: number) => void
}

export interface PublisherStats {
  published: number
  droppedChanges: number
  droppedMessages: number
  disconnectedClients: number
}

export class StaPublisher {
  private pending: EntityChange[] = []
  private scheduled = false
  private inFlight = 0
  private readonly off: () => void
  /** Last value published per property topic: property topics fire only on change. */
  private readonly lastValue = new Map<string, string>()
  readonly stats: PublisherStats = { published: 0, droppedChanges: 0, droppedMessages: 0, disconnectedClients: 0 }

  constructor(private readonly o: PublisherOptions) {
    this.off = o.events.on((changes) => this.enqueue(changes))
  }

  close(): void {
    this.off()
    this.pending = []
  }

  private enqueue(changes: EntityChange[]): void {
    if (this.o.subscriptions.size === 0) return
    for (const c of changes) if (c.kind !== 'delete') this.pending.push(c)
    const max = this.o.maxPendingChanges ?? 100_000
    if (this.pending.length > max) {
      const n = this.pending.length - max
      this.pending.splice(0, n)
      this.stats.droppedChanges += n
      this.o.onDrop?.('changes', n)
    }
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(() => this.flush())
    }
  }

  /** Forgets the value remembered for a property topic (the publisher announces the next one). */
  forgetProperty(topic: string): void {
    this.lastValue.delete(topic)
  }

  /** Remembers a property's current value at subscription time, so the first update is a real change. */
  primeProperty(topic: string, t: Extract<StaTopic, { kind: 'property' }>): void {
    try {
      this.lastValue.set(topic, this.propertyMessage(t) ?? '')
    } catch {
      // the entity may not exist yet
    }
  }

  private flush(): void {
    this.scheduled = false
    const changes = this.pending
    this.pending = []
    try {
      this.publishChanges(changes)
    } catch (e) {
      // A failed read must not kill the listener; the next batch goes on.
      this.o.onDrop?.('messages', changes.length)
      void e
    }
    this.dropSlowClients()
  }

  private ctx(version: string): ReadContext {
    return { conn: this.o.db, base: `${this.o.publicUrl()}/${version}`, root: this.o.publicUrl(), defaultTop: 100, maxTop: 1_000_000 }
  }

  private publishChanges(changes: EntityChange[]): void {
    const ids = new Map<string, Set<number>>()
    for (const c of changes) {
      let s = ids.get(c.set)
      if (!s) ids.set(c.set, (s = new Set()))
      s.add(c.id)
    }
    const serialised = new Map<string, Map<number, string>>()
    const entities = (version: string, e: EntityDef, select: string | null, want: number[]): Map<number, string> => {
      const key = `${version}|${e.plural}|${select ?? ''}`
      let cache = serialised.get(key)
      if (!cache) serialised.set(key, (cache = new Map()))
      const missing = want.filter((id) => !cache!.has(id))
      if (missing.length) for (const [id, json] of this.read(version, e, select, missing)) cache.set(id, json)
      return cache
    }
    // Path topics (v1.1/Datastreams(1)/Thing, …/Observations, …/Thing/Locations) are grouped by
    // pattern (the path without its root id): one query per pattern with changes answers which
    // changed entity each subscribed path resolves to, however many roots are subscribed.
    const patterns = new Map<string, { t: PathTopic; roots: Map<number, string[]> }>()
    for (const [topic, t] of this.o.subscriptions.topics()) {
      const changed = ids.get(t.set.plural)
      if (!changed) continue
      if (t.kind === 'property') {
        if (!changed.has(t.id)) continue
        const msg = this.propertyMessage(t)
        if (msg === null || this.lastValue.get(topic) === msg) continue
        this.lastValue.set(topic, msg)
        this.publish(topic, msg)
        continue
      }
      if (t.kind === 'path') {
        const key = pathPattern(t)
        let p = patterns.get(key)
        if (!p) patterns.set(key, (p = { t, roots: new Map() }))
        const list = p.roots.get(t.id)
        if (list) list.push(topic)
        else p.roots.set(t.id, [topic])
        continue
      }
      const want = t.kind === 'collection' ? [...changed] : changed.has(t.id) ? [t.id] : []
      if (!want.length) continue
      const json = entities(t.version, t.set, t.select, want)
      for (const id of want) {
        const m = json.get(id)
        if (m !== undefined) this.publish(topic, m)
      }
    }
    for (const { t, roots } of patterns.values()) {
      const pairs = this.resolvePaths(t, [...roots.keys()], [...ids.get(t.set.plural)!])
      if (!pairs.length) continue
      const json = entities(t.version, t.set, t.select, [...new Set(pairs.map((p) => p.t))])
      for (const { r, t: id } of pairs) {
        const m = json.get(id)
        if (m !== undefined) for (const topic of roots.get(r)!) this.publish(topic, m)
      }
    }
  }

  /** Of the changed entities, each one some subscribed path of the pattern resolves to, with the
   * root id of that path: one join along the path (as a lambda in $filter does), from the
   * subscribed roots to the changed ids, both primary-key sets. */
  private resolvePaths(t: PathTopic, roots: number[], changed: number[]): { r: number; t: number }[] {
    const froms = [fromOf(t.root, 'm0')]
    const conds = ['m0.id IN (SELECT value FROM json_each(@mqtt_roots))']
    const params: Record<string, unknown> = { mqtt_roots: JSON.stringify(roots), mqtt_ids: JSON.stringify(changed) }
    let from = 'm0'
    let at = t.root
    t.hops.forEach((h, i) => {
      const to = `m${i + 1}`
      at = entity(h.nav.target)
      froms.push(fromOf(at, to))
      conds.push(linkCondition(h.nav, from, to))
      if (h.id !== null) {
        conds.push(`${to}.id = @mqtt_hop${i}`)
        params[`mqtt_hop${i}`] = h.id
      }
      from = to
    })
    conds.push(`${from}.id IN (SELECT value FROM json_each(@mqtt_ids))`)
    const sql = `SELECT DISTINCT m0.id AS r, ${from}.id AS t FROM ${froms.join(', ')} WHERE ${conds.join(' AND ')}`
    return statement(this.o.db, sql).all(params) as { r: number; t: number }[]
  }

  private read(version: string, e: EntityDef, select: string | null, ids: number[]): Map<number, string> {
    const o: QueryOptions = select ? parseQueryOptions(e, { $select: select }) : emptyOptions()
    const ctx = this.ctx(version)
    const plan = planQuery(ctx, e, { ...o, top: ids.length }, { sql: 'e.id IN (SELECT value FROM json_each(@mqtt_ids))', params: { mqtt_ids: JSON.stringify(ids) } })
    const out = new Map<number, string>()
    for (const row of rawStatement(this.o.db, plan.sql).all({ ...plan.params, limit: ids.length, offset: 0 }) as unknown[][]) {
      out.set(Number(row[0]), JSON.stringify(toEntity(ctx, plan, row)))
    }
    return out
  }

  private propertyMessage(t: Extract<StaTopic, { kind: 'property' }>): string | null {
    const p = t.prop
    const row = statement(this.o.db, `SELECT ${p.read.map((r, i) => `${sqlFor(r, 'e')} AS v${i}`).join(', ')} FROM ${fromOf(t.set, 'e')} WHERE e.id = ?`).get(t.id) as Record<string, unknown> | undefined
    if (!row) return null
    return JSON.stringify({ [p.name]: decode(p.kind, p.read.map((_, i) => row[`v${i}`])) })
  }

  private publish(topic: string, payload: string): void {
    if (this.inFlight >= (this.o.maxInFlight ?? 10_000)) {
      this.stats.droppedMessages++
      this.o.onDrop?.('messages', 1)
      return
    }
    this.inFlight++
    this.stats.published++
    this.o.broker.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 0, retain: false, dup: false }, () => {
      this.inFlight--
    })
  }

  private dropSlowClients(): void {
    const limit = this.o.maxClientBufferBytes ?? 8 * 1024 * 1024
    for (const client of this.o.subscriptions.clients()) {
      const conn = (client as unknown as { conn?: { writableLength?: number } }).conn
      if ((conn?.writableLength ?? 0) > limit) {
        this.stats.disconnectedClients++
        this.o.onDrop?.('client', 1)
        client.close()
      }
    }
  }
}

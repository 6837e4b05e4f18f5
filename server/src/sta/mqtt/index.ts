// The SensorThings MQTT extension on the embedded aedes broker: access rules (acl.ts), updates
// published to subscribed topics (publisher.ts), Observations created by publishing to
// v1.1/Datastreams(id)/Observations or v1.1/Observations (req/create-observations-via-mqtt).
// server.ts calls attachStaMqtt once, after creating the broker.
import type { Aedes } from 'aedes'
import type { CredentialStore } from '../../auth/credentials.js'
import type { EntityEvents } from '../../events.js'
import type { Db } from '../../store/database.js'
import { registerStaFunctions } from '../geo-sql.js'
import type { ReadContext } from '../read.js'
import { runWrite } from '../write/context.js'
import { executeWrite } from '../write/execute.js'
import { installAcl } from './acl.js'
import { StaPublisher, type PublisherStats } from './publisher.js'
import { Subscriptions } from './subscriptions.js'
import { parseTopic } from './topics.js'

export interface StaMqttOptions {
  broker: Aedes
  db: Db
  events: EntityEvents
  credentials: CredentialStore
  /** Base of selfLinks in published entities, without the version: http://host:8080 (a function
   * when the HTTP port is only known after listening). */
  publicUrl?: string | (() => string)
  readAccess?: 'public' | 'authenticated'
  /** Called for rejected creates and dropped messages (the server logs them). */
  log?: (level: 'warn' | 'info', message: string, detail?: Record<string, unknown>) => void
  maxPendingChanges?: number
  maxInFlight?: number
  maxClientBufferBytes?: number
}

export interface StaMqtt {
  stats(): PublisherStats & { subscribedTopics: number; created: number; rejected: number }
  close(): void
}

export function attachStaMqtt(o: StaMqttOptions): StaMqtt {
  registerStaFunctions(o.db)
  const publicUrl = () => (typeof o.publicUrl === 'function' ? o.publicUrl() : (o.publicUrl ?? 'http://localhost:8080')).replace(/\/$/, '')
  const subscriptions = new Subscriptions()
  const publisher = new StaPublisher({ broker: o.broker, db: o.db, events: o.events, subscriptions, publicUrl, maxPendingChanges: o.maxPendingChanges, maxInFlight: o.maxInFlight, maxClientBufferBytes: o.maxClientBufferBytes, onDrop: (what, n) => o.log?.('warn', `MQTT publisher dropped ${n} ${what}`) })
  const counts = { created: 0, rejected: 0 }

  installAcl(o.broker, {
    credentials: o.credentials,
    readAccess: o.readAccess ?? 'public',
    onCreate: (client, principal, topic, payload) => {
      const version = topic.slice(0, 4)
      const ctx: ReadContext = { conn: o.db, base: `${publicUrl()}/${version}`, root: publicUrl(), defaultTop: 100, maxTop: 100 }
      try {
        const body = JSON.parse(payload.toString('utf8')) as unknown
        runWrite(o.db, o.events, (w) => executeWrite(o.db, ctx, w, { method: 'POST', path: topic.slice(4), body, contentType: 'application/json' }))
        counts.created++
      } catch (e) {
        counts.rejected++
        o.log?.('warn', 'MQTT Observation create rejected', { client: client.id, credential: principal.name, topic, error: (e as Error).message })
      }
    },
  })

  const onSubscribe = (subs: { topic: string; qos: number }[], client: Parameters<Subscriptions['add']>[0]) => {
    subscriptions.add(client, subs as Parameters<Subscriptions['add']>[1])
    for (const s of subs) {
      const t = parseTopic(s.topic)
      if (t?.kind === 'property' && s.qos !== 128) publisher.primeProperty(s.topic, t)
    }
  }
  const onUnsubscribe = (topics: string[], client: Parameters<Subscriptions['add']>[0]) => subscriptions.remove(client, topics)
  const onDisconnect = (client: Parameters<Subscriptions['add']>[0]) => subscriptions.dropClient(client)
  o.broker.on('subscribe', onSubscribe)
  o.broker.on('unsubscribe', onUnsubscribe)
  o.broker.on('clientDisconnect', onDisconnect)

  return {
    stats: () => ({ ...publisher.stats, subscribedTopics: subscriptions.size, ...counts }),
    close: () => {
      publisher.close()
      o.broker.off('subscribe', onSubscribe)
      o.broker.off('unsubscribe', onUnsubscribe)
      o.broker.off('clientDisconnect', onDisconnect)
    },
  }
}

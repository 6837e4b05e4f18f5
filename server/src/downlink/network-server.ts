// Downlinks for devices behind a network server (ChirpStack v4, The Things Stack v3): the network
// server holds the session keys, the FCntDown and the receive windows, so reeflink only hands it
// the FRMPayload through the MQTT integration the device's uplinks arrive by (docs/downlinks.md).
//
//   uplink on application/{appId}/device/{devEui}/event/up or v3/{app}[@{tenant}]/devices/{id}/up
//     ─▶ route learned (ids + which broker) ─▶ stored ─▶ onAccepted ─▶ flush(devEui)
//   POST /api/devices/{devEui}/downlinks ─▶ queued ─▶ flush(devEui)
//   flush: each pending item ─▶ QoS 1 publish on the route's broker
//     ChirpStack  application/{appId}/device/{devEui}/command/down  {"id","devEui","confirmed","fPort","data"}
//     TTS         v3/{app}[@{tenant}]/devices/{id}/down/push        {"downlinks":[{"f_port","frm_payload","confirmed","priority","correlation_ids"}]}
//   ─▶ PUBACK: item 'sent' (handed to the network server) │ failure: stays pending, reason says why
//   events: ChirpStack …/event/txack (FCntDown, gateway), …/event/ack (acknowledged or not);
//           TTS …/down/sent, …/down/ack, …/down/nack (TTS queues it again), …/down/failed
//
// The route lives in memory: after a restart a device's items wait for its next uplink.
// Nothing here sees a key: the messages carry the plain FRMPayload, as the integrations expect.
import { createHash } from 'node:crypto'
import type { Aedes } from 'aedes'
import type { Db } from '../store/database.js'
import type { DownlinkStore } from './queue.js'
import type { DownlinkCounts, StoredUplink } from './scheduler.js'

/** Where a device's uplinks came from, so its downlinks go back the same way. */
export type NetworkServerRoute =
  | { kind: 'chirpstack'; devEui: string; applicationId: string; broker: string }
  | { kind: 'tts'; devEui: string; applicationId: string; tenantId?: string; deviceId: string; broker: string }

/** A broker connection that can publish at QoS 1. */
export interface DownlinkPublisher {
  /** Resolves once the broker took the message (PUBACK); rejects with the reason otherwise. */
  publish(topic: string, payload: Buffer): Promise<void>
}

/** The event topics to subscribe to (external broker) or watch (embedded broker). */
export const NETWORK_SERVER_EVENT_TOPICS: readonly string[] = [
  'application/+/device/+/event/ack',
  'application/+/device/+/event/txack',
  'v3/+/devices/+/down/sent',
  'v3/+/devices/+/down/ack',
  'v3/+/devices/+/down/nack',
  'v3/+/devices/+/down/failed',
]

const MAX_ROUTES = 100_000
const TTS_CORRELATION_PREFIX = 'reeflink:downlink:'

export interface NetworkServerDownlinksOptions {
  db: Db
  store: DownlinkStore
  /** The scheduler's counters (reeflink_downlinks_total): sent{mqtt}, acked, failed, not_sent{…}. */
  counts: DownlinkCounts
  /** Transmissions of one item before it fails. Default 5. */
  maxAttempts?: number
  logger?: { info(o: object, msg: string): void; warn(o: object, msg: string): void }
  now?: () => number
}

export function chirpstackDownTopic(applicationId: string, devEui: string): string {
  return `application/${applicationId}/device/${devEui}/command/down`
}

export function ttsDownTopic(r: { applicationId: string; tenantId?: string; deviceId: string }): string {
  return `v3/${r.tenantId ? `${r.applicationId}@${r.tenantId}` : r.applicationId}/devices/${r.deviceId}/down/push`
}

/**
 * The ChirpStack queue item id of one transmission of an item: a UUID derived from the device,
 * the item and the attempt, so ack events map back to the item without any state (restarts
 * included) and a retransmission gets a new id (ChirpStack refuses a reused one).
 */
export function chirpstackQueueItemId(devEui: string, itemId: number, attempt: number): string {
  const h = createHash('sha256').update(`reeflink-downlink:${devEui}:${itemId}:${attempt}`).digest()
  h[6] = ((h[6] as number) & 0x0f) | 0x80 // version 8 (RFC 9562: custom)
  h[8] = ((h[8] as number) & 0x3f) | 0x80 // variant 10
  const x = h.subarray(0, 16).toString('hex')
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`
}

export class NetworkServerDownlinks {
  private readonly routes = new Map<string, NetworkServerRoute>()
  private readonly publishers = new Map<string, DownlinkPublisher>()
  /** Per device: the flush in progress (items go one after the other, in queue order). */
  private readonly flushing = new Map<string, Promise<void>>()
  private readonly deviceActivation
  private readonly now: () => number
  private closed = false

  constructor(private readonly o: NetworkServerDownlinksOptions) {
    this.now = o.now ?? Date.now
    this.deviceActivation = o.db.prepare('SELECT activation FROM devices WHERE dev_eui = ?')
  }

  /** A broker downlinks can go through ('embedded', 'external'). */
  addPublisher(name: string, publisher: DownlinkPublisher): void {
    this.publishers.set(name, publisher)
  }

  /** The MQTT ingest saw an application uplink of this device on this broker. */
  learnRoute(route: NetworkServerRoute): void {
    const devEui = route.devEui.toLowerCase()
    if (!this.routes.has(devEui) && this.routes.size >= MAX_ROUTES) {
      const oldest = this.routes.keys().next()
      if (!oldest.done) this.routes.delete(oldest.value)
    }
    this.routes.set(devEui, { ...route, devEui })
  }

  routeOf(devEui: string): NetworkServerRoute | undefined {
    return this.routes.get(devEui.toLowerCase())
  }

  /** The pipeline's hook: an uplink of a network-server device was stored, its route is known. */
  onAccepted(uplinks: readonly StoredUplink[]): void {
    let open: Set<number> | undefined
    for (const { frame } of uplinks) {
      if (frame.device.activation !== 'network-server' || frame.phyPayload !== null) continue
      // One indexed query per batch; devices with nothing queued are skipped.
      open ??= this.o.store.devicesWithOpenItems()
      if (open.has(frame.device.id)) void this.flush(frame.device.devEui)
    }
  }

  /**
   * Publishes the device's pending items (a network-server device; others are ignored). The part
   * that decides runs now: an item that cannot go yet has its reason set before this returns.
   */
  flush(devEui: string): Promise<void> {
    const eui = devEui.toLowerCase()
    if (this.closed) return Promise.resolve()
    const row = this.deviceActivation.get(eui) as { activation: string } | undefined
    if (!row || row.activation !== 'network-server') return Promise.resolve()
    const pending = this.o.store.pendingByEui(eui)
    if (pending.length === 0) return this.flushing.get(eui) ?? Promise.resolve()
    const route = this.routes.get(eui)
    const publisher = route ? this.publishers.get(route.broker) : undefined
    if (!route || !publisher) {
      const reason = route
        ? `waiting: the ${route.broker} MQTT broker this device's uplinks came from is not available`
        : 'waiting for an uplink of this device over MQTT (ChirpStack application id / The Things Stack ids come from it)'
      for (const item of pending) this.o.store.setReason(item.id, reason)
      this.notSent(route ? 'no-broker' : 'no-route')
      return this.flushing.get(eui) ?? Promise.resolve()
    }
    const previous = this.flushing.get(eui) ?? Promise.resolve()
    const next = previous.then(() => this.publishPending(eui))
    this.flushing.set(eui, next)
    void next.finally(() => {
      if (this.flushing.get(eui) === next) this.flushing.delete(eui)
    })
    return next
  }

  private async publishPending(eui: string): Promise<void> {
    const pending = this.o.store.pendingByEui(eui)
    for (const [i, item] of pending.entries()) {
      if (this.closed) return
      // Read again for each item: a route or broker may have changed meanwhile.
      const route = this.routes.get(eui)
      const publisher = route ? this.publishers.get(route.broker) : undefined
      if (!route || !publisher) return
      const attempt = item.attempts + 1
      const { topic, message } =
        route.kind === 'chirpstack'
          ? {
              topic: chirpstackDownTopic(route.applicationId, eui),
              message: { id: chirpstackQueueItemId(eui, item.id, attempt), devEui: eui, confirmed: item.confirmed, fPort: item.fPort, data: item.payload.toString('base64') },
            }
          : {
              topic: ttsDownTopic(route),
              message: {
                downlinks: [{ f_port: item.fPort, frm_payload: item.payload.toString('base64'), confirmed: item.confirmed, priority: 'NORMAL', correlation_ids: [`${TTS_CORRELATION_PREFIX}${item.id}`] }],
              },
            }
      try {
        await publisher.publish(topic, Buffer.from(JSON.stringify(message)))
      } catch (e) {
        const reason = `MQTT publish to the ${route.broker} broker failed: ${(e as Error).message}`
        // This one and those behind it (they keep their order): again at the next uplink or enqueue.
        for (const later of pending.slice(i)) this.o.store.setReason(later.id, reason)
        this.notSent('publish-failed')
        this.o.logger?.warn({ devEui: eui, item: item.id, topic, err: (e as Error).message }, 'downlink: not handed to the network server, retried at the next uplink')
        return
      }
      if (this.o.store.markHandedOver(item.id, this.now())) {
        this.o.counts.sent.mqtt++
        this.o.logger?.info({ devEui: eui, item: item.id, fPort: item.fPort, bytes: item.payload.length, confirmed: item.confirmed, topic, broker: route.broker }, 'downlink: handed to the network server')
      }
    }
  }

  /** A message on one of NETWORK_SERVER_EVENT_TOPICS. Never throws. */
  onEvent(topic: string, payload: Buffer): void {
    try {
      this.handleEvent(topic, payload)
    } catch (e) {
      this.o.logger?.warn({ topic, err: (e as Error).message }, 'downlink: could not read a network server event')
    }
  }

  private handleEvent(topic: string, payload: Buffer): void {
    const parts = topic.split('/')
    const json = JSON.parse(payload.toString('utf8')) as Record<string, any>
    if (typeof json !== 'object' || json === null) return
    const maxAttempts = this.o.maxAttempts ?? 5
    if (parts.length === 6 && parts[0] === 'application' && parts[2] === 'device' && parts[4] === 'event') {
      const devEui = (parts[3] ?? '').toLowerCase()
      const queueItemId = typeof json.queueItemId === 'string' ? json.queueItemId : ''
      const item = this.o.store.sentByEui(devEui).find((i) => chirpstackQueueItemId(devEui, i.id, i.attempts) === queueItemId)
      if (!item) return // not one of ours (queued from the ChirpStack UI or another application)
      const fCntDown = Number.isInteger(json.fCntDown) ? (json.fCntDown as number) : null
      if (parts[5] === 'txack') {
        this.o.store.noteTransmission(item.id, fCntDown ?? 0, typeof json.gatewayId === 'string' ? json.gatewayId.toLowerCase() : null)
      } else if (parts[5] === 'ack') {
        if (json.acknowledged === true) this.acked(item.id, devEui, 'ChirpStack')
        else this.retry(item.id, devEui, 'no ACK from the device (ChirpStack ack event)', maxAttempts)
      }
      return
    }
    if (parts.length === 6 && parts[0] === 'v3' && parts[2] === 'devices' && parts[4] === 'down') {
      const devEui = typeof json.end_device_ids?.dev_eui === 'string' ? json.end_device_ids.dev_eui.toLowerCase() : null
      const event = parts[5]
      const body = json[`downlink_${event}`] ?? (event === 'failed' ? json.downlink_failed?.downlink : undefined)
      const ids: unknown[] = [...(Array.isArray(json.correlation_ids) ? json.correlation_ids : []), ...(Array.isArray(body?.correlation_ids) ? body.correlation_ids : []), ...(Array.isArray(body?.downlink?.correlation_ids) ? body.downlink.correlation_ids : [])]
      const ours = ids.find((c): c is string => typeof c === 'string' && c.startsWith(TTS_CORRELATION_PREFIX))
      if (!ours) return
      const itemId = Number(ours.slice(TTS_CORRELATION_PREFIX.length))
      const item = this.o.store.item(itemId)
      // The correlation id must name an item of the device the topic / message is about.
      if (!item || (devEui !== null && item.devEui !== devEui)) return
      if (event === 'sent') {
        const fCnt = body?.f_cnt
        this.o.store.noteTransmission(itemId, Number.isInteger(fCnt) ? fCnt : null, null)
      } else if (event === 'ack') {
        this.acked(itemId, item.devEui, 'The Things Stack')
      } else if (event === 'nack') {
        // The Things Stack puts a NACKed downlink back at the head of the device's queue itself.
        this.o.store.setReason(itemId, 'not acknowledged by the device: The Things Stack queued it again', 'sent')
      } else if (event === 'failed') {
        const err = json.downlink_failed?.error
        const detail = typeof err?.message_format === 'string' ? err.message_format : typeof err?.name === 'string' ? err.name : 'failed'
        this.retry(itemId, item.devEui, `The Things Stack: ${detail}`, maxAttempts)
      }
    }
  }

  private acked(itemId: number, devEui: string, by: string): void {
    if (!this.o.store.ackItem(itemId, this.now())) return
    this.o.counts.acked++
    this.o.logger?.info({ devEui, item: itemId, by }, 'downlink: acknowledged by the device')
  }

  private retry(itemId: number, devEui: string, reason: string, maxAttempts: number): void {
    const r = this.o.store.retryOrFail(itemId, reason, maxAttempts)
    if (r === 'unchanged') return
    if (r === 'failed') this.o.counts.failed++
    this.o.logger?.warn({ devEui, item: itemId, reason, state: r }, r === 'failed' ? 'downlink: given up' : 'downlink: back to pending, handed over again at the next uplink')
  }

  private notSent(reason: string): void {
    this.o.counts.notSent[reason] = (this.o.counts.notSent[reason] ?? 0) + 1
  }

  /** Publishes in progress settle; nothing new starts. */
  async close(): Promise<void> {
    this.closed = true
    await Promise.allSettled([...this.flushing.values()])
  }
}

/**
 * Publishes into the server's own aedes broker. There is no PUBACK to wait for (the broker is
 * us), so a publish counts as handed over when some client — the network server's MQTT
 * integration — holds a subscription matching the topic (a persistent session that is offline
 * keeps its subscription and gets the message on reconnect); otherwise nobody would receive it.
 */
export function embeddedBrokerPublisher(aedes: Aedes): DownlinkPublisher & { close(): void } {
  const subs = new Map<string, Set<string>>()
  const onSubscribe = (s: { topic: string }[], client: { id: string }) => {
    let set = subs.get(client.id)
    if (!set) subs.set(client.id, (set = new Set()))
    for (const x of s) set.add(x.topic)
  }
  const onUnsubscribe = (topics: string[], client: { id: string }) => {
    for (const t of topics) subs.get(client.id)?.delete(t)
  }
  const onDisconnect = (client: { id: string; clean: boolean }) => {
    if (client.clean) subs.delete(client.id)
  }
  aedes.on('subscribe', onSubscribe)
  aedes.on('unsubscribe', onUnsubscribe)
  aedes.on('clientDisconnect', onDisconnect)
  return {
    publish(topic, payload) {
      const subscribed = [...subs.values()].some((set) => [...set].some((f) => filterMatches(f, topic)))
      if (!subscribed) return Promise.reject(new Error(`no client subscribes to ${topic} on the embedded broker (is the network server's MQTT integration connected?)`))
      return new Promise<void>((resolve, reject) =>
        aedes.publish({ cmd: 'publish', topic, payload, qos: 1, retain: false, dup: false }, (err?: Error) => (err ? reject(err) : resolve())),
      )
    },
    close() {
      aedes.off('subscribe', onSubscribe)
      aedes.off('unsubscribe', onUnsubscribe)
      aedes.off('clientDisconnect', onDisconnect)
    },
  }
}

/** MQTT filter matching ('+' one level, '#' the rest; shared subscriptions by their filter). */
function filterMatches(filter: string, topic: string): boolean {
  const plain = filter.startsWith('$share/') ? filter.split('/').slice(2).join('/') : filter
  const f = plain.split('/')
  const t = topic.split('/')
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false
  }
  return f.length === t.length
}

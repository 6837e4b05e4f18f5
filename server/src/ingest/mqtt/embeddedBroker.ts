// Uplinks published to the server's own aedes broker. PUBACK must wait for durability, and in
// aedes 1.2.0 only one hook runs before it: lib/handlers/publish.js runs authorizePublish, then
// for QoS 1 writes PUBACK *before* broker.publish delivers to subscribers. So the `published`
// handler, 'publish' events and internal subscriptions (broker.subscribe) all run after the
// PUBACK is on the wire; none can tie it to durability. authorizePublish can: we submit inside
// it and call back only when submit() settles. Resolved → callback(null) → PUBACK, then normal
// delivery to other subscribers. Rejected → callback(error) → aedes closes the connection
// without PUBACK and the publisher (clean: false) resends the message when it reconnects.
// While we wait aedes reads no further packets from that client: natural back-pressure.
import type { Aedes, Client, PublishPacket } from 'aedes'
import { DEFAULT_INGEST_TOPICS, topicMatchesFilter } from './topics.js'
import { createUplinkMessageHandler, type UplinkMessageHandler, type UplinkMessageOptions } from './uplinkMessage.js'

/** Messages on `topics` go to `handle` (downlink/network-server.ts), not to ingest. */
export interface DownlinkEventHook {
  topics: readonly string[]
  handle(topic: string, payload: Buffer): void
}

export interface EmbeddedBrokerIngestOptions extends UplinkMessageOptions {
  /** Topic filters that carry uplinks. Default DEFAULT_INGEST_TOPICS. */
  topics?: readonly string[]
  /** Network server downlink events (ack, txack, down/sent…): handed over, not ingested. */
  downlinkEvents?: DownlinkEventHook
}

type AuthorizePublish = Aedes['authorizePublish']

export class NotDurableError extends Error {
  constructor(topic: string) {
    super(`uplink on ${topic} is not durable: PUBACK withheld, the publisher will resend`)
    this.name = 'NotDurableError'
  }
}

/**
 * Hooks ingest into an aedes broker's authorizePublish (the documented way to customise it:
 * assign the handler), chaining the one already there: a publish it refuses is not ingested.
 */
export class EmbeddedBrokerIngest {
  private previous: AuthorizePublish | undefined
  private readonly handle: UplinkMessageHandler
  private readonly topics: readonly string[]
  private readonly downlinkEvents: DownlinkEventHook | undefined

  constructor(
    private readonly aedes: Aedes,
    options: EmbeddedBrokerIngestOptions,
  ) {
    this.handle = createUplinkMessageHandler(options)
    this.topics = options.topics ?? DEFAULT_INGEST_TOPICS
    this.downlinkEvents = options.downlinkEvents
  }

  attach(): void {
    if (this.previous) return
    const previous = this.aedes.authorizePublish
    this.previous = previous
    const aedes = this.aedes
    aedes.authorizePublish = (client: Client | null, packet: PublishPacket, callback: (error?: Error | null) => void) => {
      previous.call(aedes, client, packet, (error?: Error | null) => {
        if (error) return callback(error)
        // client null: a will published by the broker for a client long gone; not an uplink.
        if (client === null) return callback(null)
        const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload
        const events = this.downlinkEvents
        if (events && events.topics.some((f) => topicMatchesFilter(f, packet.topic))) {
          events.handle(packet.topic, payload)
          return callback(null)
        }
        if (!this.topics.some((f) => topicMatchesFilter(f, packet.topic))) return callback(null)
        this.handle(packet.topic, payload).then(
          (ack) => {
            // QoS 0 has no PUBACK to withhold; dropping the connection would gain nothing.
            if (ack || packet.qos === 0) callback(null)
            else callback(new NotDurableError(packet.topic))
          },
          // Not expected (the handler turns every failure into a value), but never leave aedes hanging.
          (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
        )
      })
    }
  }

  /** Restores the handler that was there before attach(). */
  detach(): void {
    if (!this.previous) return
    this.aedes.authorizePublish = this.previous
    this.previous = undefined
  }
}

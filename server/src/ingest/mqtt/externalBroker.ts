// Uplinks from an external broker (Mosquitto, EMQX, ChirpStack's, The Things Stack's) through an
// mqtt.js subscription at QoS 1, PUBACK sent only once the sink made the frame durable.
// mqtt.js acknowledges QoS 1 on receipt unless told otherwise, and `customHandleAcks` only takes
// effect with protocolVersion 5 (mqtt 5.16.0 build/lib/client.js: any other version gets a
// handler that acks at once) and can only send a PUBACK, if with an error code, which still ends
// the QoS 1 flow. The hook that works for 3.1.1 and 5 alike is `handleMessage(packet, callback)`
// (documented: "override at will, but always call callback"): build/lib/handlers/publish.js sends
// the PUBACK from that callback, so we call it after submit() resolves. If submit() rejects we
// call it with an error (no PUBACK) and drop the connection: the session (clean: false, a stable
// clientId, and a session expiry for v5) makes the broker redeliver the message on reconnect.
// mqtt.js hands messages to handleMessage one at a time: a slow sink slows the subscription.
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import { hostname } from 'node:os'
import { DEFAULT_INGEST_TOPICS, topicMatchesFilter } from './topics.js'
import type { DownlinkEventHook } from './embeddedBroker.js'
import { createUplinkMessageHandler, type UplinkMessageHandler, type UplinkMessageOptions } from './uplinkMessage.js'

export interface ExternalBrokerConnection {
  /** mqtt://host:1883, mqtts://host:8883, ws://… */
  url: string
  username?: string
  password?: string
  /** Must stay the same across restarts for the broker to keep our session. Default reeflink-ingest-<hostname>. */
  clientId?: string
  /** 4 = MQTT 3.1.1 (default), 5 = MQTT 5. */
  protocolVersion?: 4 | 5
  /** Delay before reconnecting, ms. Default 1000. */
  reconnectPeriodMs?: number
  /** MQTT 5 session expiry, s: how long the broker keeps unacknowledged messages for us. Default 1 day. */
  sessionExpirySeconds?: number
  /** Anything else mqtt.js takes (TLS ca/cert/key, keepalive…). */
  extra?: Partial<IClientOptions>
}

export interface ExternalBrokerIngestOptions extends UplinkMessageOptions {
  connection: ExternalBrokerConnection
  /** Topic filters to subscribe to at QoS 1. Default DEFAULT_INGEST_TOPICS. */
  topics?: readonly string[]
  /** Network server downlink events: subscribed to as well, handed over, not ingested. */
  downlinkEvents?: DownlinkEventHook
}

export class ExternalBrokerIngest {
  private client: MqttClient | undefined
  private readonly handle: UplinkMessageHandler

  constructor(private readonly options: ExternalBrokerIngestOptions) {
    this.handle = createUplinkMessageHandler(options)
  }

  /** Connects and subscribes; resolves once the broker granted every subscription. */
  async start(): Promise<void> {
    if (this.client) return
    const c = this.options.connection
    const protocolVersion = c.protocolVersion ?? 4
    const client = mqtt.connect(c.url, {
      ...c.extra,
      username: c.username,
      password: c.password,
      clientId: c.clientId ?? `reeflink-ingest-${hostname()}`,
      protocolVersion,
      clean: false,
      reconnectPeriod: c.reconnectPeriodMs ?? 1000,
      properties: protocolVersion === 5 ? { ...c.extra?.properties, sessionExpiryInterval: c.sessionExpirySeconds ?? 86_400 } : c.extra?.properties,
    })
    this.client = client
    const events = this.options.downlinkEvents
    client.handleMessage = (packet, done) => {
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload
      if (events && events.topics.some((f) => topicMatchesFilter(f, packet.topic))) {
        events.handle(packet.topic, payload)
        return done()
      }
      const settle = (ack: boolean) => {
        if (ack || packet.qos === 0) return done()
        done(new Error(`uplink on ${packet.topic} not durable: PUBACK withheld`))
        // Without a new session the broker would never resend it.
        client.stream.destroy()
      }
      this.handle(packet.topic, payload).then(settle, () => settle(false))
    }
    // Connection trouble is reported by mqtt.js and retried; it must not crash the server.
    client.on('error', (err) => this.options.logger?.warn({ source: 'mqtt', err: err.message }, 'ingest: MQTT client error'))
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error) => {
          client.off('connect', onConnect)
          reject(err)
        }
        const onConnect = () => {
          client.off('error', onError)
          resolve()
        }
        client.once('connect', onConnect)
        client.once('error', onError)
      })
      const grants = await client.subscribeAsync([...(this.options.topics ?? DEFAULT_INGEST_TOPICS), ...(events?.topics ?? [])], { qos: 1 })
      const refused = grants.filter((g) => g.qos !== 0 && g.qos !== 1 && g.qos !== 2)
      if (refused.length > 0) throw new Error(`broker refused subscriptions: ${refused.map((g) => g.topic).join(', ')}`)
    } catch (err) {
      this.client = undefined
      await client.endAsync(true)
      throw err
    }
  }

  /**
   * Publishes at QoS 1 on this connection; resolves on the PUBACK (downlinks to a network server).
   * Refused at once while disconnected, rather than queued for an unknown time.
   */
  async publish(topic: string, payload: Buffer): Promise<void> {
    const client = this.client
    if (!client || !client.connected) throw new Error('not connected to the external broker')
    await client.publishAsync(topic, payload, { qos: 1 })
  }

  /** Disconnects; messages not yet acknowledged stay with the broker for the next start(). */
  async close(): Promise<void> {
    const client = this.client
    if (!client) return
    this.client = undefined
    await client.endAsync(true)
  }
}

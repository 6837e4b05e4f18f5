// One MQTT message on an uplink topic → parsed, submitted, and the answer to "may the broker get
// its PUBACK?". Shared by the embedded-aedes hook and the external-broker subscriber.
// Bad messages are counted and acknowledged: withholding the ack would only make the broker
// deliver the same poison message forever. Only a sink failure withholds it.
import type { IngestCounters, IngestCounterSource } from '../counters.js'
import { parseJsonObject } from '../fields.js'
import { parseGatewayBridgeUplink } from '../chirpstack/gatewayFrame.js'
import { parseChirpstackUplinkEvent } from '../chirpstack/uplinkEvent.js'
import type { Parsed } from '../rejections.js'
import { submitDurably, type IngestLogger } from '../submit.js'
import { parseTtsApplicationUp } from '../tts/applicationUp.js'
import type { ReceivedUplink, UplinkSink } from '../types.js'
import { classifyTopic, type IngestTopic } from './topics.js'

export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024

export interface UplinkMessageOptions {
  sink: UplinkSink
  counters: IngestCounters
  /** Larger payloads are rejected unread. Default 64 KiB. */
  maxMessageBytes?: number
  now?: () => number
  logger?: IngestLogger
  /**
   * Told, before submit, which ids a parsed ChirpStack / The Things Stack application uplink came
   * with: where the device's downlinks go (downlink/network-server.ts).
   */
  onApplicationUplink?: (route: ApplicationUplinkRoute) => void
}

/** The ids an application uplink's topic and message carry. */
export type ApplicationUplinkRoute =
  | { kind: 'chirpstack'; devEui: string; applicationId: string }
  | { kind: 'tts'; devEui: string; applicationId: string; tenantId?: string; deviceId: string }

/** Resolves true when the message may be acknowledged (durable, or rejected for good). */
export type UplinkMessageHandler = (topic: string, payload: Buffer) => Promise<boolean>

export function createUplinkMessageHandler(options: UplinkMessageOptions): UplinkMessageHandler {
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES
  const now = options.now ?? Date.now
  return async (topic, payload) => {
    const receivedAtMs = now()
    const classified = classifyTopic(topic)
    if (!classified.ok) {
      options.counters.reject('mqtt', classified.rejection)
      return true
    }
    const source = sourceOf(classified.value)
    if (payload.length > maxBytes) {
      options.counters.reject(source, { reason: 'too-large', detail: `${payload.length} bytes on ${topic}, limit ${maxBytes}` })
      return true
    }
    let parsed: Parsed<ReceivedUplink>
    if (classified.value.kind === 'buoy-phy') {
      parsed = buoyPhyUplink(classified.value.devEui, payload, receivedAtMs)
    } else {
      const json = parseJsonObject(payload, topic)
      parsed = json.ok ? parseForTopic(classified.value, json.value, receivedAtMs) : json
    }
    if (!parsed.ok) {
      options.counters.reject(source, parsed.rejection)
      return true
    }
    if (options.onApplicationUplink && parsed.value.kind === 'app') routeOf(classified.value, parsed.value.devEui, options.onApplicationUplink)
    return submitDurably(options.sink, [parsed.value], options.counters, source, options.logger)
  }
}

/**
 * A buoy's own PHYPayload over Wi-Fi: no gateway heard it, so the reception is the broker's, at
 * the server's clock (there is no GPS time to count sample ages back from).
 */
function buoyPhyUplink(devEui: string, payload: Buffer, receivedAtMs: number): Parsed<ReceivedUplink> {
  if (payload.length < 12 || payload.length > 255) {
    return { ok: false, rejection: { reason: 'invalid-field', detail: `reeflink/v1/${devEui}/phy/up: a PHYPayload is 12 to 255 bytes, got ${payload.length}` } }
  }
  return {
    ok: true,
    value: { kind: 'phy', source: 'buoy-mqtt', phyPayload: Buffer.from(payload), receivedAtMs, reception: { gatewayId: `mqtt:${devEui}` } },
  }
}

function routeOf(topic: IngestTopic, devEui: string, report: (route: ApplicationUplinkRoute) => void): void {
  if (topic.kind === 'chirpstack-application') report({ kind: 'chirpstack', devEui, applicationId: topic.applicationId })
  else if (topic.kind === 'tts') report({ kind: 'tts', devEui, applicationId: topic.applicationId, ...(topic.tenantId ? { tenantId: topic.tenantId } : {}), deviceId: topic.deviceId })
}

function sourceOf(topic: IngestTopic): IngestCounterSource {
  if (topic.kind === 'buoy-phy') return 'buoy-mqtt'
  if (topic.kind === 'chirpstack-application') return 'chirpstack-application-mqtt'
  if (topic.kind === 'tts') return 'tts-mqtt'
  return 'chirpstack-gateway-bridge-mqtt'
}

function parseForTopic(topic: IngestTopic, json: Record<string, unknown>, receivedAtMs: number): Parsed<ReceivedUplink> {
  switch (topic.kind) {
    case 'chirpstack-application': {
      const parsed = parseChirpstackUplinkEvent(json, 'chirpstack-application-mqtt', receivedAtMs)
      if (parsed.ok && parsed.value.devEui !== topic.devEui) {
        return { ok: false, rejection: { reason: 'topic-mismatch', detail: `topic DevEUI ${topic.devEui}, message ${parsed.value.devEui}` } }
      }
      return parsed
    }
    case 'tts':
      return parseTtsApplicationUp(json, 'tts-mqtt', receivedAtMs, topic)
    case 'gateway-bridge':
      return parseGatewayBridgeUplink(json, topic.gatewayId, receivedAtMs)
    case 'buoy-phy':
      return { ok: false, rejection: { reason: 'invalid-field', detail: 'buoy PHYPayloads are binary, not JSON' } }
  }
}

// The MQTT topics uplinks arrive on, and what each one says about its message.
//   ChirpStack v4 application integration: application/{applicationId}/device/{devEui}/event/up
//     (chirpstack/chirpstack-docs src/chirpstack/integrations/mqtt.md)
//   The Things Stack v3: v3/{application id}[@{tenant id}]/devices/{device id}/up
//   ChirpStack Gateway Bridge: [{region}/]gateway/{gatewayId}/event/up (v4 prefixes the region,
//     e.g. eu868/; chirpstack-docs src/chirpstack-gateway-bridge/integrations/mqtt.md)
//   A reeflink buoy on Wi-Fi: reeflink/v1/{devEui}/phy/up, the binary LoRaWAN PHYPayload
//     (docs/lorawan-mac.md, "MQTT over Wi-Fi"): MIC, counter and encryption are checked as for radio.
import { normaliseEui } from '../fields.js'
import { rejected, type Parsed } from '../rejections.js'

export const DEFAULT_INGEST_TOPICS: readonly string[] = [
  'application/+/device/+/event/up',
  'v3/+/devices/+/up',
  '+/gateway/+/event/up',
  'gateway/+/event/up',
  'reeflink/v1/+/phy/up',
]

export type IngestTopic =
  | { kind: 'chirpstack-application'; applicationId: string; devEui: string }
  | { kind: 'tts'; applicationId: string; tenantId?: string; deviceId: string }
  | { kind: 'gateway-bridge'; region?: string; gatewayId: string }
  | { kind: 'buoy-phy'; devEui: string }

export function classifyTopic(topic: string): Parsed<IngestTopic> {
  const parts = topic.split('/')
  const at = (i: number) => parts[i] ?? ''
  if (parts.length === 6 && at(0) === 'application' && at(2) === 'device' && at(4) === 'event' && at(5) === 'up' && at(1) !== '') {
    const devEui = normaliseEui(at(3))
    if (devEui === undefined) return rejected('unknown-topic', `${topic}: device segment ${JSON.stringify(at(3))} is not a DevEUI`)
    return { ok: true, value: { kind: 'chirpstack-application', applicationId: at(1), devEui } }
  }
  if (parts.length === 5 && at(0) === 'v3' && at(2) === 'devices' && at(4) === 'up' && at(1) !== '' && at(3) !== '') {
    const [applicationId, tenantId] = at(1).split('@', 2)
    return { ok: true, value: tenantId === undefined ? { kind: 'tts', applicationId, deviceId: at(3) } : { kind: 'tts', applicationId, tenantId, deviceId: at(3) } }
  }
  if (parts.length === 5 && at(0) === 'reeflink' && at(1) === 'v1' && at(3) === 'phy' && at(4) === 'up') {
    const devEui = normaliseEui(at(2))
    if (devEui === undefined) return rejected('unknown-topic', `${topic}: device segment ${JSON.stringify(at(2))} is not a DevEUI`)
    return { ok: true, value: { kind: 'buoy-phy', devEui } }
  }
  const bridge = parts.length === 4 ? 0 : parts.length === 5 ? 1 : -1
  if (bridge >= 0 && at(bridge) === 'gateway' && at(bridge + 2) === 'event' && at(bridge + 3) === 'up' && (bridge === 0 || at(0) !== '')) {
    const gatewayId = normaliseEui(at(bridge + 1))
    if (gatewayId === undefined) return rejected('unknown-topic', `${topic}: gateway segment ${JSON.stringify(at(bridge + 1))} is not a gateway EUI`)
    return { ok: true, value: bridge === 0 ? { kind: 'gateway-bridge', gatewayId } : { kind: 'gateway-bridge', region: at(0), gatewayId } }
  }
  return rejected('unknown-topic', `${JSON.stringify(topic.length > 120 ? topic.slice(0, 120) + '…' : topic)} matches no uplink topic shape`)
}

/** MQTT topic filter matching ('+' one level, '#' the rest; '$' topics never match wildcards). */
export function topicMatchesFilter(filter: string, topic: string): boolean {
  const f = filter.split('/')
  const t = topic.split('/')
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true
    if (i >= t.length) return false
    if (f[i] !== '+' && f[i] !== t[i]) return false
  }
  return f.length === t.length
}

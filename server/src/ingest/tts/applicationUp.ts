// The Things Stack v3 ApplicationUp (JSON) with an uplink_message → AppUplink. The same JSON comes
// over MQTT (v3/{application id}[@{tenant id}]/devices/{device id}/up) and webhooks. Fields:
// TheThingsNetwork/lorawan-stack api/messages.proto, api/metadata.proto (RxMetadata); example:
// The Things Stack docs "Data Formats" (uplink messages). "Empty fields are omitted": a first
// uplink has no f_cnt (lorawan-stack issue #3874), an empty one no frm_payload (#5453), so absent
// f_cnt / f_port are 0 and absent frm_payload is empty; absent reception metadata is left out.
import { definedOnly, FieldReader, isRecord } from '../fields.js'
import { rejected, type Parsed } from '../rejections.js'
import type { AppUplink, GatewayReception, UplinkSourceKind } from '../types.js'

/** Ids from the MQTT topic, to be checked against the message. */
export interface TtsTopicIds {
  applicationId: string
  deviceId: string
}

export function parseTtsApplicationUp(
  message: Record<string, unknown>,
  source: Extract<UplinkSourceKind, 'tts-mqtt' | 'tts-webhook'>,
  receivedAtMs: number,
  topic?: TtsTopicIds,
): Parsed<AppUplink> {
  const r = new FieldReader()
  if (!r.has(message, 'uplink_message')) {
    const kinds = Object.keys(message).filter((k) => !['end_device_ids', 'correlation_ids', 'received_at', '@type'].includes(k))
    return rejected('not-an-uplink', `no uplink_message (message carries ${kinds.join(', ') || 'nothing else'})`)
  }
  const ids = r.requiredObject(message, 'end_device_ids', 'up')
  const deviceId = r.requiredString(ids, 'device_id', 'up.end_device_ids')
  const appIds = r.object(ids, 'application_ids', 'up.end_device_ids') ?? {}
  const applicationId = r.string(appIds, 'application_id', 'up.end_device_ids.application_ids')
  if (!r.has(ids, 'dev_eui')) r.fail('missing-field', 'up.end_device_ids.dev_eui is missing (an ABP device registered without a DevEUI?)')
  const devEui = r.eui(ids, 'dev_eui', 'up.end_device_ids') ?? ''
  const devAddr = r.devAddr(ids, 'dev_addr', 'up.end_device_ids')
  const up = r.requiredObject(message, 'uplink_message', 'up')
  const fPort = r.integer(up, 'f_port', 'up.uplink_message', 0, 255) ?? 0
  const fCnt = r.integer(up, 'f_cnt', 'up.uplink_message', 0, 0xffffffff) ?? 0
  const payload = r.base64(up, 'frm_payload', 'up.uplink_message') ?? Buffer.alloc(0)
  const networkTime = r.time(up, 'received_at', 'up.uplink_message')
  const settings = readSettings(r, up)
  const rxMetadata = r.array(up, 'rx_metadata', 'up.uplink_message') ?? []
  const receptions = rxMetadata.map((rx, i) => readRxMetadata(r, rx, `up.uplink_message.rx_metadata[${i}]`, settings))
  const dedupId = uplinkCorrelationId(r, message)
  if (r.problem) return { ok: false, rejection: r.problem }

  if (topic && (topic.deviceId !== deviceId || (applicationId !== undefined && topic.applicationId !== applicationId))) {
    return rejected('topic-mismatch', `topic names ${topic.applicationId}/${topic.deviceId}, message ${applicationId ?? '?'}/${deviceId}`)
  }
  return {
    ok: true,
    value: definedOnly({
      kind: 'app',
      source,
      devEui,
      deviceId,
      devAddr,
      fPort,
      fCnt,
      payload,
      receivedAtMs,
      networkTime,
      networkDedupId: dedupId,
      receptions,
    }),
  }
}

/**
 * The Network Server's id of this uplink ("ns:uplink:01E0…" among correlation_ids): the same for
 * every gateway that heard it and for every re-delivery of it, unlike the per-message "as:up:".
 */
function uplinkCorrelationId(r: FieldReader, message: Record<string, unknown>): string | undefined {
  const ids = r.array(message, 'correlation_ids', 'up') ?? []
  for (const id of ids) if (typeof id === 'string' && id.startsWith('ns:uplink:')) return id
  return undefined
}

interface Settings {
  frequencyHz?: number
  dataRate?: string
  codingRate?: string
}

/** settings: {data_rate: {lora: {bandwidth (Hz), spreading_factor, coding_rate}} | {fsk: {bit_rate}}, coding_rate (older), frequency ("868300000")}. */
function readSettings(r: FieldReader, up: Record<string, unknown>): Settings {
  const settings = r.object(up, 'settings', 'up.uplink_message')
  if (!settings) return {}
  const at = 'up.uplink_message.settings'
  const frequencyHz = r.integer(settings, 'frequency', at, 0, 10_000_000_000)
  const dr = r.object(settings, 'data_rate', at) ?? {}
  const lora = r.object(dr, 'lora', `${at}.data_rate`)
  const fsk = r.object(dr, 'fsk', `${at}.data_rate`)
  let dataRate: string | undefined
  let codingRate = r.string(settings, 'coding_rate', at)
  if (lora) {
    const sf = r.integer(lora, 'spreading_factor', `${at}.data_rate.lora`, 5, 12)
    const bw = r.integer(lora, 'bandwidth', `${at}.data_rate.lora`, 1, 10_000_000)
    if (sf !== undefined && bw !== undefined) dataRate = `SF${sf}BW${Math.floor(bw / 1000)}`
    codingRate = r.string(lora, 'coding_rate', `${at}.data_rate.lora`) ?? codingRate
  } else if (fsk) {
    const bitRate = r.integer(fsk, 'bit_rate', `${at}.data_rate.fsk`, 1, 10_000_000)
    dataRate = bitRate === undefined ? undefined : String(bitRate)
  }
  return definedOnly({ frequencyHz, dataRate, codingRate })
}

/** RxMetadata: gateway_ids {gateway_id, eui}, time, timestamp, rssi (= channel_rssi), snr, channel_index. */
function readRxMetadata(r: FieldReader, rx: unknown, path: string, settings: Settings): GatewayReception {
  if (!isRecord(rx)) {
    r.fail('invalid-field', `${path}: expected an object`)
    return { gatewayId: '' }
  }
  const gw = r.requiredObject(rx, 'gateway_ids', path)
  const gatewayName = r.requiredString(gw, 'gateway_id', `${path}.gateway_ids`)
  // Packet Broker and some gateways have no EUI: fall back on the gateway id, as the type allows.
  const eui = r.eui(gw, 'eui', `${path}.gateway_ids`)
  const rssi = r.number(rx, 'rssi', path)
  return definedOnly({
    gatewayId: eui ?? gatewayName,
    time: r.time(rx, 'time', path),
    tmst: r.integer(rx, 'timestamp', path, 0, 0xffffffff),
    rssiDbm: rssi ?? r.number(rx, 'channel_rssi', path),
    snrDb: r.number(rx, 'snr', path),
    channel: r.integer(rx, 'channel_index', path, 0, 255),
    ...settings,
  })
}

// ChirpStack Gateway Bridge "up" event (JSON marshaler) → PhyUplink: the raw PHYPayload one gateway
// heard, before any network server. Topic [region/]gateway/{gatewayId}/event/up. Message: gw.proto
// UplinkFrame {phyPayload, txInfo, rxInfo} (chirpstack/chirpstack api/proto/gw/gw.proto); example:
// chirpstack/chirpstack-docs src/chirpstack-gateway-bridge/payloads/events.md. The v3 bridge
// (EmitDefaults JSON) named things differently: rxInfo.gatewayID as base64 bytes, loRaSNR,
// txInfo.loRaModulationInfo; those are read too.
import { decodeBase64, definedOnly, FieldReader, normaliseEui } from '../fields.js'
import { rejected, type Parsed } from '../rejections.js'
import { MAX_PHY_PAYLOAD_BYTES } from '../semtech/rxpk.js'
import type { GatewayReception, PhyUplink } from '../types.js'
import { readTxInfo } from './txInfo.js'

// gw.proto enum CRCStatus: NO_CRC 0, BAD_CRC 1, CRC_OK 2. Absent (proto3 default) is accepted:
// bridges before crcStatus existed, and the docs' own example, leave it out for good frames.
const BAD_CRC = ['BAD_CRC', 1]
const NO_CRC = ['NO_CRC', 0]

export function parseGatewayBridgeUplink(frame: Record<string, unknown>, topicGatewayId: string, receivedAtMs: number): Parsed<PhyUplink> {
  const r = new FieldReader()
  const rx = r.object(frame, 'rxInfo', 'up') ?? {}
  const crcStatus = rx.crcStatus
  if (BAD_CRC.includes(crcStatus as string | number)) return rejected('crc-failed', `up.rxInfo.crcStatus is ${JSON.stringify(crcStatus)}`)
  if (NO_CRC.includes(crcStatus as string | number)) return rejected('no-crc', `up.rxInfo.crcStatus is ${JSON.stringify(crcStatus)}`)
  if (crcStatus !== undefined && crcStatus !== null && crcStatus !== 'CRC_OK' && crcStatus !== 2) {
    return rejected('invalid-field', `up.rxInfo.crcStatus: ${JSON.stringify(crcStatus)}`)
  }

  const phyPayload = r.base64(frame, 'phyPayload', 'up')
  if (!r.has(frame, 'phyPayload')) r.fail('missing-field', 'up.phyPayload is missing')
  const gatewayId = readGatewayId(r, rx)
  const tx = readTxInfo(r, frame, 'up')
  const time = r.has(rx, 'gwTime') ? r.time(rx, 'gwTime', 'up.rxInfo') : r.time(rx, 'time', 'up.rxInfo')
  const reception: GatewayReception = definedOnly({
    gatewayId: gatewayId ?? topicGatewayId,
    time,
    tmst: r.integer(rx, 'timestamp', 'up.rxInfo', 0, 0xffffffff),
    rssiDbm: r.number(rx, 'rssi', 'up.rxInfo'),
    snrDb: r.has(rx, 'snr') ? r.number(rx, 'snr', 'up.rxInfo') : r.number(rx, 'loRaSNR', 'up.rxInfo'),
    channel: r.integer(rx, 'channel', 'up.rxInfo', 0, 255),
    rfChain: r.integer(rx, 'rfChain', 'up.rxInfo', 0, 255),
    ...tx,
  })
  if (r.problem) return { ok: false, rejection: r.problem }
  if (phyPayload === undefined || phyPayload.length === 0) return rejected('invalid-field', 'up.phyPayload is empty')
  if (phyPayload.length > MAX_PHY_PAYLOAD_BYTES) return rejected('invalid-field', `up.phyPayload: ${phyPayload.length} bytes, a radio frame holds at most ${MAX_PHY_PAYLOAD_BYTES}`)
  if (gatewayId !== undefined && gatewayId !== topicGatewayId) {
    return rejected('topic-mismatch', `topic gateway ${topicGatewayId}, message gateway ${gatewayId}`)
  }
  return { ok: true, value: { kind: 'phy', source: 'chirpstack-gateway-bridge-mqtt', phyPayload, receivedAtMs, reception } }
}

/** v4 gatewayId (16 hex digits) or v3 gatewayID (the 8 bytes in base64, or hex). */
function readGatewayId(r: FieldReader, rx: Record<string, unknown>): string | undefined {
  if (r.has(rx, 'gatewayId')) return r.eui(rx, 'gatewayId', 'up.rxInfo')
  const legacy = r.string(rx, 'gatewayID', 'up.rxInfo')
  if (legacy === undefined) return undefined
  const hex = normaliseEui(legacy)
  if (hex !== undefined) return hex
  const bytes = decodeBase64(legacy)
  if (bytes?.length === 8) return bytes.toString('hex')
  r.fail('invalid-field', `up.rxInfo.gatewayID: ${JSON.stringify(legacy)} is not 8 bytes in base64`)
  return undefined
}

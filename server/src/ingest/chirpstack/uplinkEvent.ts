// ChirpStack v4 application integration "up" event (JSON marshaler) → AppUplink. Same JSON on MQTT
// (application/{applicationId}/device/{devEui}/event/up) and the HTTP integration (POST ?event=up).
// Message: chirpstack/chirpstack api/proto/integration/integration.proto UplinkEvent; example:
// chirpstack/chirpstack-docs src/chirpstack/integrations/events.md.
// Proto3 JSON leaves zero values out: before chirpstack/chirpstack PR #63 (issue #43) a first
// uplink had no "fCnt", and rxInfo/txInfo (gw package) still omit zeros. So an absent fCnt or
// fPort is 0 and absent data is empty; absent reception metadata is simply left out.
import { definedOnly, FieldReader, isRecord } from '../fields.js'
import type { Parsed } from '../rejections.js'
import type { AppUplink, GatewayReception, UplinkSourceKind } from '../types.js'
import { readTxInfo, type TxMetadata } from './txInfo.js'

export function parseChirpstackUplinkEvent(
  event: Record<string, unknown>,
  source: Extract<UplinkSourceKind, 'chirpstack-application-mqtt' | 'chirpstack-application-http'>,
  receivedAtMs: number,
): Parsed<AppUplink> {
  const r = new FieldReader()
  const deviceInfo = r.requiredObject(event, 'deviceInfo', 'up')
  const devEui = r.requiredEui(deviceInfo, 'devEui', 'up.deviceInfo')
  const devAddr = r.devAddr(event, 'devAddr', 'up')
  const fCnt = r.integer(event, 'fCnt', 'up', 0, 0xffffffff) ?? 0
  const fPort = r.integer(event, 'fPort', 'up', 0, 255) ?? 0
  const payload = r.base64(event, 'data', 'up') ?? Buffer.alloc(0)
  const networkTime = r.time(event, 'time', 'up')
  const dedupId = r.string(event, 'deduplicationId', 'up')
  const tx = readTxInfo(r, event, 'up')
  const rxInfo = r.array(event, 'rxInfo', 'up') ?? []
  const receptions = rxInfo.map((rx, i) => readRxInfo(r, rx, `up.rxInfo[${i}]`, tx))
  if (r.problem) return { ok: false, rejection: r.problem }

  return {
    ok: true,
    value: definedOnly({
      kind: 'app',
      source,
      devEui,
      devAddr,
      fPort,
      fCnt,
      payload,
      receivedAtMs,
      networkTime,
      networkDedupId: dedupId === '' ? undefined : dedupId,
      receptions,
    }),
  }
}

/** One UplinkRxInfo: gatewayId, gwTime (v4.4+; "time" before), rssi, snr, channel, rfChain. */
export function readRxInfo(r: FieldReader, rx: unknown, path: string, tx: TxMetadata): GatewayReception {
  if (!isRecord(rx)) {
    r.fail('invalid-field', `${path}: expected an object`)
    return { gatewayId: '' }
  }
  const gatewayId = r.requiredEui(rx, 'gatewayId', path)
  const time = r.has(rx, 'gwTime') ? r.time(rx, 'gwTime', path) : r.time(rx, 'time', path)
  return definedOnly({
    gatewayId,
    time,
    rssiDbm: r.number(rx, 'rssi', path),
    snrDb: r.number(rx, 'snr', path),
    channel: r.integer(rx, 'channel', path, 0, 255),
    rfChain: r.integer(rx, 'rfChain', path, 0, 255),
    ...tx,
  })
}

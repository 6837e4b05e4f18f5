// The binary frame of the Semtech UDP packet forwarder protocol: 1 byte version, 2 bytes token,
// 1 byte identifier, then (gateway → server) the 8-byte gateway EUI and JSON.
// Lora-net/packet_forwarder PROTOCOL.TXT (v1.3, protocol version 2) and Lora-net/sx1302_hal
// packet_forwarder/PROTOCOL.md (v1.5): PUSH_DATA 0, PUSH_ACK 1, PULL_DATA 2, PULL_RESP 3,
// PULL_ACK 4, TX_ACK 5. Version 1 forwarders (no TX_ACK) use the same layout.
import { rejected, type Parsed } from '../rejections.js'

export const PUSH_DATA = 0x00
export const PUSH_ACK = 0x01
export const PULL_DATA = 0x02
export const PULL_RESP = 0x03
export const PULL_ACK = 0x04
export const TX_ACK = 0x05

export const SUPPORTED_VERSIONS: readonly number[] = [1, 2]

const HEADER_BYTES = 4
const GATEWAY_HEADER_BYTES = 12

export type GatewayDatagram =
  | { type: 'push-data'; version: number; token: number; gatewayEui: string; json: Buffer }
  | { type: 'pull-data'; version: number; token: number; gatewayEui: string }
  /** `json` is empty when the gateway reports success without details. */
  | { type: 'tx-ack'; version: number; token: number; gatewayEui: string; json: Buffer }

const SERVER_TYPES: Record<number, string> = { [PUSH_ACK]: 'PUSH_ACK', [PULL_RESP]: 'PULL_RESP', [PULL_ACK]: 'PULL_ACK' }

/** Splits a datagram from a gateway into its header fields and JSON bytes. Never throws. */
export function parseGatewayDatagram(datagram: Buffer): Parsed<GatewayDatagram> {
  if (datagram.length < HEADER_BYTES) {
    return rejected('truncated', `datagram of ${datagram.length} bytes, the header alone is ${HEADER_BYTES}`)
  }
  const version = datagram[0]
  if (!SUPPORTED_VERSIONS.includes(version)) {
    return rejected('unsupported-version', `protocol version ${version}, expected 1 or 2`)
  }
  const token = datagram.readUInt16BE(1)
  const id = datagram[3]
  if (id !== PUSH_DATA && id !== PULL_DATA && id !== TX_ACK) {
    const name = SERVER_TYPES[id]
    return rejected('unknown-packet-type', name ? `${name} (0x0${id}) is sent by servers, not gateways` : `identifier 0x${id.toString(16).padStart(2, '0')}`)
  }
  if (datagram.length < GATEWAY_HEADER_BYTES) {
    return rejected('truncated', `datagram of ${datagram.length} bytes, a gateway header is ${GATEWAY_HEADER_BYTES}`)
  }
  const gatewayEui = datagram.toString('hex', 4, 12)
  const json = datagram.subarray(GATEWAY_HEADER_BYTES)
  if (id === PUSH_DATA) return { ok: true, value: { type: 'push-data', version, token, gatewayEui, json } }
  if (id === PULL_DATA) return { ok: true, value: { type: 'pull-data', version, token, gatewayEui } }
  return { ok: true, value: { type: 'tx-ack', version, token, gatewayEui, json } }
}

function header(version: number, token: number, id: number): Buffer {
  const b = Buffer.alloc(HEADER_BYTES)
  b[0] = version
  b.writeUInt16BE(token, 1)
  b[3] = id
  return b
}

/** PUSH_ACK: same version and token as the PUSH_DATA it acknowledges. */
export function pushAck(version: number, token: number): Buffer {
  return header(version, token, PUSH_ACK)
}

/** PULL_ACK: same version and token as the PULL_DATA it acknowledges. */
export function pullAck(version: number, token: number): Buffer {
  return header(version, token, PULL_ACK)
}

/** PULL_RESP carrying {"txpk":…}; the gateway echoes `token` in its TX_ACK (version 2). */
export function pullResp(version: number, token: number, json: string): Buffer {
  return Buffer.concat([header(version, token, PULL_RESP), Buffer.from(json, 'utf8')])
}

// Downlinks over the Semtech protocol: the txpk object a PULL_RESP carries and the txpk_ack a
// gateway answers with in TX_ACK. Lora-net/sx1302_hal packet_forwarder/PROTOCOL.md §6 and
// Lora-net/packet_forwarder PROTOCOL.TXT §5.5 / §6.
import { decodeBase64, FieldReader, parseJsonObject } from '../fields.js'
import { rejected, type Parsed } from '../rejections.js'
import { MAX_PHY_PAYLOAD_BYTES } from './rxpk.js'

/** A txpk object (PROTOCOL.md §6). Class A answers use `tmst` = uplink tmst + RX1/RX2 delay in µs. */
export interface TxPk {
  /** Send immediately (ignores tmst and tmms). */
  imme?: boolean
  /** Send when the concentrator counter reaches this value (µs, 32-bit). */
  tmst?: number
  /** Send at this GPS time (ms since 1980-01-06), GPS-locked gateways only. */
  tmms?: number
  /** Send at this UTC time (legacy forwarders). */
  time?: string
  /** TX frequency in MHz. */
  freq: number
  /** RF chain used for TX (sx1301/sx1302 forwarders). */
  rfch?: number
  /** Antenna and board used for TX ("v2" gateways with rsig/jver, which have no rfch). */
  ant?: number
  brd?: number
  /** TX power in dBm. */
  powe?: number
  modu: 'LORA' | 'FSK'
  /** "SF12BW125" for LoRa, bit rate for FSK. */
  datr: string | number
  /** LoRa coding rate, e.g. "4/5". */
  codr?: string
  /** FSK frequency deviation in Hz. */
  fdev?: number
  /** LoRa polarisation inversion: true for LoRaWAN downlinks. */
  ipol?: boolean
  /** Preamble length in symbols. */
  prea?: number
  /** Payload size in bytes; filled in from data when left out. */
  size?: number
  /** PHYPayload, base64 (padding optional). */
  data: string
  /** Disable the physical-layer CRC (LoRaWAN downlinks have none). */
  ncrc?: boolean
}

/** Checks a txpk before it goes on the wire; returns it with `size` filled in. */
export function validateTxpk(txpk: TxPk): Parsed<TxPk> {
  const t = txpk as unknown as Record<string, unknown>
  const r = new FieldReader()
  const freq = r.number(t, 'freq', 'txpk')
  r.integer(t, 'rfch', 'txpk', 0, 255)
  r.integer(t, 'ant', 'txpk', 0, 255)
  r.integer(t, 'brd', 'txpk', 0, 255)
  r.integer(t, 'powe', 'txpk', -10, 40)
  r.integer(t, 'tmst', 'txpk', 0, 0xffffffff)
  r.integer(t, 'tmms', 'txpk', 0, Number.MAX_SAFE_INTEGER)
  r.time(t, 'time', 'txpk')
  r.boolean(t, 'imme', 'txpk')
  r.boolean(t, 'ipol', 'txpk')
  r.boolean(t, 'ncrc', 'txpk')
  r.integer(t, 'prea', 'txpk', 0, 65535)
  r.integer(t, 'fdev', 'txpk', 0, 1_000_000)
  const size = r.integer(t, 'size', 'txpk', 0, MAX_PHY_PAYLOAD_BYTES)
  const data = r.requiredString(t, 'data', 'txpk')
  if (!r.has(t, 'freq')) r.fail('missing-field', 'txpk.freq is missing')
  if (r.problem) return { ok: false, rejection: r.problem }

  if (freq === undefined || freq <= 0) return rejected('invalid-field', `txpk.freq: ${freq} MHz`)
  if (txpk.modu === 'LORA') {
    if (typeof txpk.datr !== 'string' || !/^SF([5-9]|1[0-2])BW\d{2,4}$/.test(txpk.datr)) return rejected('invalid-field', `txpk.datr: ${JSON.stringify(txpk.datr)} is not a LoRa data rate`)
  } else if (txpk.modu === 'FSK') {
    if (typeof txpk.datr !== 'number' || !Number.isInteger(txpk.datr) || txpk.datr <= 0) return rejected('invalid-field', `txpk.datr: ${JSON.stringify(txpk.datr)} is not an FSK bit rate`)
  } else {
    return rejected('invalid-field', `txpk.modu: ${JSON.stringify(txpk.modu)}, expected "LORA" or "FSK"`)
  }
  if (txpk.imme !== true && txpk.tmst === undefined && txpk.tmms === undefined && txpk.time === undefined) {
    return rejected('missing-field', 'txpk needs a timing: imme, tmst, tmms or time')
  }
  const bytes = decodeBase64(data)
  if (bytes === undefined) return rejected('invalid-base64', 'txpk.data is not base64')
  if (bytes.length > MAX_PHY_PAYLOAD_BYTES) return rejected('invalid-field', `txpk.data: ${bytes.length} bytes`)
  if (size !== undefined && size !== bytes.length) return rejected('size-mismatch', `txpk.size: ${size} but data decodes to ${bytes.length} bytes`)
  return { ok: true, value: { ...txpk, size: bytes.length } }
}

/** What a gateway said about one PULL_RESP. */
export interface TxAckReport {
  /** True when the gateway accepted the downlink (no error, or "NONE" in v1.3 forwarders). */
  accepted: boolean
  /** TOO_LATE, TOO_EARLY, COLLISION_PACKET, COLLISION_BEACON, TX_FREQ, TX_POWER, GPS_UNLOCKED… */
  error?: string
  /** TX_POWER when the gateway lowered the power (value: the power it used). */
  warn?: string
  value?: string | number
}

/** The optional JSON of a TX_ACK: empty means success (PROTOCOL.md §5.5). */
export function parseTxAck(json: Buffer): Parsed<TxAckReport> {
  // Some forwarders end the datagram with a NUL byte or send only whitespace.
  const text = json.toString('utf8').replace(/\0+$/, '').trim()
  if (text === '') return { ok: true, value: { accepted: true } }
  const root = parseJsonObject(text, 'TX_ACK JSON')
  if (!root.ok) return root
  const r = new FieldReader()
  const ack = r.object(root.value, 'txpk_ack', 'TX_ACK') ?? {}
  const error = r.string(ack, 'error', 'txpk_ack')
  const warn = r.string(ack, 'warn', 'txpk_ack')
  const value = typeof ack.value === 'string' || typeof ack.value === 'number' ? ack.value : undefined
  if (r.problem) return { ok: false, rejection: r.problem }
  const report: TxAckReport = { accepted: error === undefined || error === 'NONE' }
  if (error !== undefined && error !== 'NONE') report.error = error
  if (warn !== undefined) report.warn = warn
  if (value !== undefined) report.value = value
  return { ok: true, value: report }
}

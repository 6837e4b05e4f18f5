// LoRa Alliance TS013-1.0.0 payload codec API over the reeflink codec, for network servers' payload
// formatters (The Things Stack, ChirpStack). Built into the self-contained ES5.1 file
// dist/reeflink-codec.js by scripts/build-ts013.ts. Node users call the codec directly instead.
import { fromHex, toHex } from './bytes.js'
import { decodeDownlink as decodeDownlinkBytes, decodeUplink as decodeUplinkBytes, encodeDownlink as encodeDownlinkMessage } from './messages.js'
import { CodecError } from './result.js'

export interface UplinkInput {
  bytes: number[]
  fPort: number
  recvTime?: Date
}

export interface DownlinkInput {
  data: any
}

export interface DecodedOutput {
  data?: any
  errors?: string[]
  warnings?: string[]
}

export interface EncodedOutput {
  bytes?: number[]
  fPort?: number
  errors?: string[]
  warnings?: string[]
}

function describe(e: CodecError): string {
  let s = e.code + ': ' + e.message
  if (e.offset !== undefined) s += ' (byte ' + e.offset + ')'
  if (e.field !== undefined) s += ' (field ' + e.field + ')'
  return s
}

function isDate(d: any): boolean {
  return d instanceof Date && !isNaN(d.getTime())
}

/**
 * Decodes an uplink. When the network server passes recvTime, each sample also gets its
 * measurement time (receive time minus the sample's age): the buoy itself has no clock.
 */
export function decodeUplink(input: UplinkInput): DecodedOutput {
  const r = decodeUplinkBytes(input.bytes, input.fPort)
  if (r.ok === false) return { errors: [describe(r.error)], warnings: [] }
  const data: any = r.value
  if (data.type === 'measurements' && isDate(input.recvTime)) {
    const t0 = (input.recvTime as Date).getTime()
    for (let i = 0; i < data.samples.length; i++) data.samples[i].time = new Date(t0 - data.samples[i].ageS * 1000).toISOString()
  }
  return { data: data, errors: [], warnings: [] }
}

/** Encodes a configuration downlink; `data.type` may be left out. */
export function encodeDownlink(input: DownlinkInput): EncodedOutput {
  const data = input && input.data
  if (data === null || typeof data !== 'object') return { errors: ['invalid_input: data must be an object'], warnings: [] }
  const message = { type: 'config' as const, seq: data.seq, commands: data.commands }
  const r = encodeDownlinkMessage(message)
  if (r.ok === false) return { errors: [describe(r.error)], warnings: [] }
  return { bytes: r.value.bytes, fPort: r.value.fPort, errors: [], warnings: [] }
}

export function decodeDownlink(input: UplinkInput): DecodedOutput {
  const r = decodeDownlinkBytes(input.bytes, input.fPort)
  if (r.ok === false) return { errors: [describe(r.error)], warnings: [] }
  return { data: r.value, errors: [], warnings: [] }
}

/**
 * Normalized payload (TTN Device Repository schema): a measurement per sample with its time. The
 * buoy sends raw sensor counts; physical values need the calibration records kept by the reeflink
 * server, so none are given here, and a warning says so.
 */
export function normalizeUplink(input: { data: any }): DecodedOutput {
  const data = input && input.data
  if (!data || data.type !== 'measurements') return { data: [], errors: [], warnings: ['only measurement uplinks carry measurements'] }
  const out: any[] = []
  for (let i = 0; i < data.samples.length; i++) {
    if (data.samples[i].time) out.push({ time: data.samples[i].time })
  }
  return {
    data: out,
    errors: [],
    warnings: ['reeflink buoys send raw sensor counts: calibrated values come from the reeflink server (SensorThings API)'],
  }
}

// Hex helpers, handy in payload formatter consoles.
export { fromHex, toHex }

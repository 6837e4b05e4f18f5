// FPort per message type, and the entry points that dispatch on it.
import { ByteSource, isIntegerIn } from './bytes.js'
import { ConfigAck, ConfigDownlink, decodeConfig, decodeConfigAck, encodeConfig, encodeConfigAck } from './config.js'
import { decodeMeasurements, encodeMeasurements, MeasurementBatch } from './measurements.js'
import { decodeError, encodeError, ok, Result } from './result.js'
import { decodeStatus, encodeStatus, StatusMessage } from './status.js'

export const FPORT_MEASUREMENTS = 1
export const FPORT_STATUS = 2
export const FPORT_CONFIG_ACK = 3
export const FPORT_CONFIG = 10

export type Uplink = MeasurementBatch | StatusMessage | ConfigAck
export type Downlink = ConfigDownlink

export interface Frame {
  fPort: number
  bytes: number[]
}

function checkBytes(bytes: ByteSource): Result<null> | null {
  if (bytes === null || bytes === undefined || typeof bytes !== 'object' || !isIntegerIn(bytes.length, 0, 65535)) {
    return decodeError('invalid_value', 'bytes must be an array of bytes', 0)
  }
  return null
}

/** Decodes an application uplink. Never throws, whatever the bytes. */
export function decodeUplink(bytes: ByteSource, fPort: number): Result<Uplink> {
  const bad = checkBytes(bytes)
  if (bad && bad.ok === false) return bad
  if (fPort === FPORT_MEASUREMENTS) return decodeMeasurements(bytes)
  if (fPort === FPORT_STATUS) return decodeStatus(bytes)
  if (fPort === FPORT_CONFIG_ACK) return decodeConfigAck(bytes)
  return decodeError('unknown_fport', 'fPort ' + fPort + ' carries no reeflink uplink (1 measurements, 2 status, 3 config ack)', 0)
}

/** Decodes a downlink (the firmware's side). Never throws. */
export function decodeDownlink(bytes: ByteSource, fPort: number): Result<Downlink> {
  const bad = checkBytes(bytes)
  if (bad && bad.ok === false) return bad
  if (fPort === FPORT_CONFIG) return decodeConfig(bytes)
  return decodeError('unknown_fport', 'fPort ' + fPort + ' carries no reeflink downlink (10 config)', 0)
}

function framed(fPort: number, r: Result<number[]>): Result<Frame> {
  if (r.ok === false) return r
  return ok({ fPort: fPort, bytes: r.value })
}

/**
 * Encodes an uplink message. A measurement batch must fit in 242 bytes (the largest LoRaWAN
 * payload); use encodeMeasurements to pack a queue under a data rate's budget.
 */
export function encodeUplink(m: Uplink): Result<Frame> {
  if (m === null || typeof m !== 'object') return encodeError('invalid_input', 'message must be an object', 'message')
  if (m.type === 'measurements') {
    const r = encodeMeasurements(m.samples, 242)
    if (r.ok === false) return r
    if (r.value.consumed !== m.samples.length) {
      return encodeError('invalid_input', 'only ' + r.value.consumed + ' of ' + m.samples.length + ' samples fit in one frame', 'samples')
    }
    return ok({ fPort: FPORT_MEASUREMENTS, bytes: r.value.bytes })
  }
  if (m.type === 'status') return framed(FPORT_STATUS, encodeStatus(m))
  if (m.type === 'configAck') return framed(FPORT_CONFIG_ACK, encodeConfigAck(m))
  return encodeError('invalid_input', 'type must be measurements, status or configAck', 'type')
}

export function encodeDownlink(d: Downlink): Result<Frame> {
  if (d === null || typeof d !== 'object') return encodeError('invalid_input', 'message must be an object', 'message')
  if (d.type === 'config') return framed(FPORT_CONFIG, encodeConfig(d))
  return encodeError('invalid_input', 'type must be config', 'type')
}

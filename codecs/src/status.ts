// Status uplink (fPort 2): fixed 33-byte layout, big-endian. Byte table in docs/payload-format.md.
import { ByteSource, isIntegerIn, readInt16, readUint16, readUint32, writeUint16, writeUint32 } from './bytes.js'
import { decodeError, encodeError, ok, Result } from './result.js'
import { checkFirstByte, PAYLOAD_VERSION } from './version.js'

export const STATUS_LENGTH = 33

/** Why the buoy last restarted; the index is the wire value. */
export const RESET_CAUSES = ['unknown', 'power_on', 'brownout', 'watchdog', 'software', 'deep_sleep_wake', 'external_pin', 'panic']
/** Bits of the sensor fault mask; the index is the bit number. */
export const SENSOR_FAULT_NAMES = ['temperature', 'pressure', 'conductivity', 'battery']

export interface StatusMessage {
  type: 'status'
  batteryMv: number
  firmwareVersion: string // "major.minor.patch", each 0..255
  resetCause: string // one of RESET_CAUSES
  uptimeS: number
  queueDepth: number
  droppedSamples: number // evicted from a full queue since boot
  sensorFaults: string[] // names from SENSOR_FAULT_NAMES
  uplinksSent: number // since boot
  downlinksReceived: number // since boot, saturates at 65535
  lastRssiDbm: number // RSSI of the last downlink, int16
  lastSnrDb: number // SNR of the last downlink, multiple of 0.25 dB from -32 to 31.75
  airtimeLast24hMs: number
  sampleIntervalS: number
}

const U32_MAX = 4294967295

function parseVersion(v: string): number[] | null {
  if (typeof v !== 'string') return null
  const parts = v.split('.')
  if (parts.length !== 3) return null
  const out: number[] = []
  for (let i = 0; i < 3; i++) {
    const p = parts[i]
    if (p.length === 0 || p.length > 3) return null
    let n = 0
    for (let k = 0; k < p.length; k++) {
      const d = p.charCodeAt(k) - 48
      if (d < 0 || d > 9) return null
      n = n * 10 + d
    }
    if (n > 255) return null
    out.push(n)
  }
  return out
}

function indexOfName(names: string[], name: string): number {
  for (let i = 0; i < names.length; i++) if (names[i] === name) return i
  return -1
}

function checkInt(value: number, min: number, max: number, field: string, unit: string): Result<number> {
  if (!isIntegerIn(value, min, max)) {
    return encodeError('out_of_range', field + ' must be an integer from ' + min + ' to ' + max + unit + ', got ' + value, field)
  }
  return ok(value)
}

export function encodeStatus(s: StatusMessage): Result<number[]> {
  const ints: [number, number, number, string, string][] = [
    [s.batteryMv, 0, 65535, 'batteryMv', ' mV'],
    [s.uptimeS, 0, U32_MAX, 'uptimeS', ' s'],
    [s.queueDepth, 0, 65535, 'queueDepth', ''],
    [s.droppedSamples, 0, U32_MAX, 'droppedSamples', ''],
    [s.uplinksSent, 0, U32_MAX, 'uplinksSent', ''],
    [s.downlinksReceived, 0, 65535, 'downlinksReceived', ''],
    [s.lastRssiDbm, -32768, 32767, 'lastRssiDbm', ' dBm'],
    [s.airtimeLast24hMs, 0, U32_MAX, 'airtimeLast24hMs', ' ms'],
    [s.sampleIntervalS, 0, 65535, 'sampleIntervalS', ' s'],
  ]
  for (let i = 0; i < ints.length; i++) {
    const c = checkInt(ints[i][0], ints[i][1], ints[i][2], ints[i][3], ints[i][4])
    if (c.ok === false) return c
  }
  const snrQuarters = s.lastSnrDb * 4
  if (!isIntegerIn(snrQuarters, -128, 127)) {
    return encodeError('out_of_range', 'lastSnrDb must be a multiple of 0.25 dB from -32 to 31.75, got ' + s.lastSnrDb, 'lastSnrDb')
  }
  const fw = parseVersion(s.firmwareVersion)
  if (fw === null) return encodeError('invalid_input', 'firmwareVersion must be "major.minor.patch" with parts 0..255, got ' + s.firmwareVersion, 'firmwareVersion')
  const cause = indexOfName(RESET_CAUSES, s.resetCause)
  if (cause < 0) return encodeError('invalid_input', 'resetCause must be one of ' + RESET_CAUSES.join(', ') + ', got ' + s.resetCause, 'resetCause')
  let faults = 0
  const names = s.sensorFaults || []
  for (let i = 0; i < names.length; i++) {
    const bit = indexOfName(SENSOR_FAULT_NAMES, names[i])
    if (bit < 0) return encodeError('invalid_input', 'sensorFaults[' + i + '] must be one of ' + SENSOR_FAULT_NAMES.join(', ') + ', got ' + names[i], 'sensorFaults[' + i + ']')
    faults |= 1 << bit
  }

  const out: number[] = [PAYLOAD_VERSION << 4]
  writeUint16(out, s.batteryMv)
  out.push(fw[0], fw[1], fw[2], cause)
  writeUint32(out, s.uptimeS)
  writeUint16(out, s.queueDepth)
  writeUint32(out, s.droppedSamples)
  out.push(faults)
  writeUint32(out, s.uplinksSent)
  writeUint16(out, s.downlinksReceived)
  writeUint16(out, s.lastRssiDbm & 0xffff)
  out.push(snrQuarters & 0xff)
  writeUint32(out, s.airtimeLast24hMs)
  writeUint16(out, s.sampleIntervalS)
  return ok(out)
}

export function decodeStatus(b: ByteSource): Result<StatusMessage> {
  const bad = checkFirstByte(b, 'status frame', true)
  if (bad) return bad
  if (b.length < STATUS_LENGTH) return decodeError('truncated', 'status frame has ' + b.length + ' bytes, needs ' + STATUS_LENGTH, b.length)
  if (b.length > STATUS_LENGTH) return decodeError('trailing_data', 'status frame has ' + (b.length - STATUS_LENGTH) + ' byte(s) after its ' + STATUS_LENGTH, STATUS_LENGTH)
  const cause = b[6] & 0xff
  if (cause >= RESET_CAUSES.length) return decodeError('invalid_value', 'unknown reset cause ' + cause, 6)
  const faultBits = b[17] & 0xff
  if (faultBits >> SENSOR_FAULT_NAMES.length !== 0) return decodeError('reserved_bits', 'sensor fault mask uses reserved bits', 17)
  const faults: string[] = []
  for (let i = 0; i < SENSOR_FAULT_NAMES.length; i++) if ((faultBits & (1 << i)) !== 0) faults.push(SENSOR_FAULT_NAMES[i])
  let snr = b[26] & 0xff
  if (snr >= 128) snr -= 256
  return ok({
    type: 'status',
    batteryMv: readUint16(b, 1),
    firmwareVersion: (b[3] & 0xff) + '.' + (b[4] & 0xff) + '.' + (b[5] & 0xff),
    resetCause: RESET_CAUSES[cause],
    uptimeS: readUint32(b, 7),
    queueDepth: readUint16(b, 11),
    droppedSamples: readUint32(b, 13),
    sensorFaults: faults,
    uplinksSent: readUint32(b, 18),
    downlinksReceived: readUint16(b, 22),
    lastRssiDbm: readInt16(b, 24),
    lastSnrDb: snr / 4,
    airtimeLast24hMs: readUint32(b, 27),
    sampleIntervalS: readUint16(b, 31),
  })
}

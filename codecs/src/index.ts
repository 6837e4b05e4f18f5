// @reeflink/codecs: payload format v1 of the reeflink buoy (docs/payload-format.md).
// This source compiles unchanged for Node and for the DeviceScript VM (the buoy firmware).
export type { ByteSource } from './bytes.js'
export { fromHex, toHex } from './bytes.js'
export type { CodecError, CodecErrorCode, Result } from './result.js'
export { PAYLOAD_VERSION } from './version.js'
export type { EncodedBatch, MeasurementBatch, MeasurementSample } from './measurements.js'
export {
  AGE_MAX_S,
  CHANNEL_NAMES,
  channelMask,
  decodeMeasurements,
  encodeMeasurements,
  MAX_SAMPLES_PER_FRAME,
  MeasurementEncoder,
  RAW_MAX,
} from './measurements.js'
export type { StatusMessage } from './status.js'
export { decodeStatus, encodeStatus, RESET_CAUSES, SENSOR_FAULT_NAMES, STATUS_LENGTH } from './status.js'
export type { CommandResult, ConfigAck, ConfigCommand, ConfigDownlink } from './config.js'
export {
  ACK_RESULTS,
  COMMAND_NAMES,
  decodeConfig,
  decodeConfigAck,
  encodeConfig,
  encodeConfigAck,
  MAX_PAYLOAD_BUDGET,
  MIN_INTERVAL_S,
  MIN_PAYLOAD_BUDGET,
} from './config.js'
export type { Downlink, Frame, Uplink } from './messages.js'
export {
  decodeDownlink,
  decodeUplink,
  encodeDownlink,
  encodeUplink,
  FPORT_CONFIG,
  FPORT_CONFIG_ACK,
  FPORT_MEASUREMENTS,
  FPORT_STATUS,
} from './messages.js'
export type { DataRate } from './airtime.js'
export { dutyCycleOffMs, EU868, EU868_DUTY_CYCLE, LORAWAN_OVERHEAD_BYTES, timeOnAirMs, TTN_DAILY_AIRTIME_MS } from './airtime.js'

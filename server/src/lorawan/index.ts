// @reeflink/server/lorawan: the LoRaWAN 1.0.x layer of the ingest pipeline, pure functions and one
// stateful de-duplicator. Order of use: Deduplicator (per received copy) -> readUplinkFrame
// (DevAddr for the session lookup) -> processDataFrame (counter, MIC, decryption, MAC commands).
// See docs/lorawan.md.

export {
  Deduplicator,
  DEFAULT_DEDUP_WINDOW_MS,
  DEFAULT_LATE_MEMORY_MS,
  DEFAULT_MAX_REMEMBERED,
  type AddOutcome,
  type DedupedUplink,
  type DeduplicatorOptions,
} from './deduplicator.js'
export { MAX_FCNT, MAX_FCNT_GAP, reconstructFCntUp, type FCntDecision } from './fcnt.js'
export type { DataUpFrame, JoinRequestFrame, UplinkFCtrl } from './frame-fields.js'
export {
  JOIN_REQUEST_BYTES,
  MAX_PHY_PAYLOAD_BYTES,
  MIN_DATA_FRAME_BYTES,
  checkFrameStructure,
  type DataUpLayout,
  type JoinRequestLayout,
  type UplinkLayout,
} from './frame-structure.js'
export { parseUplinkMacCommands, type MacCommand, type UnparsedMacCommand } from './mac-commands.js'
export { processDataFrame, type AcceptedFrame, type ProcessOptions } from './process-data-frame.js'
export type { LorawanRejection, LorawanRejectionCode, LorawanResult, MalformedProblem } from './result.js'
export { checkSession, type DeviceSession } from './session.js'
export { readUplinkFrame, type UplinkFrame } from './uplink-frame.js'

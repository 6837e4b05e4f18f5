// Structural check of a PHYPayload before any field is read. lora-packet's parser is lenient
// (an 8-byte "data frame" parses with the MIC taken from header bytes, FOptsLen past the end
// and MHDR major != 0 are accepted), so every length rule is checked here first and the
// field reader (frame-fields.ts) may then slice without bounds checks.
//
// Layout, LoRaWAN 1.0.4 §4 (L2 1.0.4 specification, TS001-1.0.4):
//   PHYPayload = MHDR(1) | MACPayload | MIC(4)            (join request: MHDR | 18 bytes | MIC)
//   MHDR       = MType(7..5) | RFU(4..2) | Major(1..0)
//   MACPayload = FHDR | [FPort(1) | FRMPayload]
//   FHDR       = DevAddr(4) | FCtrl(1) | FCnt(2) | FOpts(0..15), FOptsLen = FCtrl & 0x0f

import { malformed, ok, reject, type LorawanResult } from './result.js'

/** MHDR(1) + FHDR without FOpts(7) + MIC(4). */
export const MIN_DATA_FRAME_BYTES = 12
/** MHDR(1) + JoinEUI(8) + DevEUI(8) + DevNonce(2) + MIC(4). */
export const JOIN_REQUEST_BYTES = 23
/** A LoRa PHY payload length is one byte; the largest MACPayload any region allows is 250. */
export const MAX_PHY_PAYLOAD_BYTES = 255

const MTYPE_NAMES = [
  'join request',
  'join accept',
  'unconfirmed data up',
  'unconfirmed data down',
  'confirmed data up',
  'confirmed data down',
  'rejoin request',
  'proprietary',
] as const

/** Where the parts of a checked uplink data frame are; offsets follow from these. */
export interface DataUpLayout {
  kind: 'data-up'
  confirmed: boolean
  fOptsLength: number
  /** False when the MACPayload ends with the FHDR (no FPort, no FRMPayload). */
  hasFPort: boolean
}

export interface JoinRequestLayout {
  kind: 'join-request'
}

export type UplinkLayout = DataUpLayout | JoinRequestLayout

/** Checks the lengths and header rules of an uplink PHYPayload. Never throws. */
export function checkFrameStructure(phy: Uint8Array): LorawanResult<UplinkLayout> {
  const length = phy.length
  if (length === 0) return malformed('too_short', 'empty frame: no MHDR')
  if (length > MAX_PHY_PAYLOAD_BYTES) {
    return malformed('too_long', `frame is ${length} bytes; a LoRa PHYPayload is at most ${MAX_PHY_PAYLOAD_BYTES}`)
  }
  const mhdr = phy[0] as number
  const major = mhdr & 0x03
  if (major !== 0) return reject('unsupported_major', `MHDR major version ${major}; only 0 (LoRaWAN R1) is defined`)

  const mType = mhdr >> 5
  if (mType === 0) {
    if (length !== JOIN_REQUEST_BYTES) {
      return malformed('join_request_length', `join request is ${length} bytes; it must be ${JOIN_REQUEST_BYTES}`)
    }
    return ok({ kind: 'join-request' })
  }
  if (mType !== 2 && mType !== 4) {
    return reject('unsupported_mtype', `MType ${mType} (${MTYPE_NAMES[mType]}) is not an uplink data frame or join request`)
  }

  if (length < MIN_DATA_FRAME_BYTES) {
    return malformed('too_short', `data frame is ${length} bytes; it needs at least ${MIN_DATA_FRAME_BYTES} (MHDR, FHDR, MIC)`)
  }
  const macPayloadLength = length - 5
  const fOptsLength = (phy[5] as number) & 0x0f
  const fhdrLength = 7 + fOptsLength
  if (fhdrLength > macPayloadLength) {
    return malformed(
      'fopts_overflow',
      `FOptsLen ${fOptsLength} needs a ${fhdrLength}-byte FHDR but the MACPayload is ${macPayloadLength} bytes`,
    )
  }
  const hasFPort = macPayloadLength > fhdrLength
  // FPort 0 means FRMPayload carries MAC commands; the spec forbids MAC commands in both places.
  if (hasFPort && fOptsLength > 0 && phy[1 + fhdrLength] === 0) {
    return malformed('fport_zero_with_fopts', `FPort 0 with ${fOptsLength} bytes of FOpts: MAC commands may not be in both`)
  }
  return ok({ kind: 'data-up', confirmed: mType === 4, fOptsLength, hasFPort })
}

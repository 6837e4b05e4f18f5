// Reads the fields of a frame whose structure checkFrameStructure accepted. The layout types
// are the proof of that check, so nothing here can read out of bounds. Buffers returned are
// views into the PHYPayload (no copies): callers must not modify them.

import type { DataUpLayout, JoinRequestLayout } from './frame-structure.js'

export interface UplinkFCtrl {
  adr: boolean
  adrAckReq: boolean
  /** Acknowledges the last confirmed downlink. */
  ack: boolean
  /** Class B enabled (LoRaWAN 1.0.3+; RFU in 1.0.0-1.0.2, where devices send 0). */
  classB: boolean
}

export interface DataUpFrame {
  kind: 'data-up'
  confirmed: boolean
  /** DevAddr as usually written: 8 lower-case hex digits, most significant byte first. */
  devAddr: string
  /** DevAddr as on the air (little-endian), the form the MIC and cipher blocks use. */
  devAddrWire: Buffer
  fCtrl: UplinkFCtrl
  /** The 16 low bits of the frame counter, as sent. */
  fCnt16: number
  fOpts: Buffer
  fPort: number | null
  /** Encrypted FRMPayload (empty when absent). */
  frmPayload: Buffer
  mic: Buffer
  /** MHDR | MACPayload: what the MIC covers. */
  micInput: Buffer
}

export interface JoinRequestFrame {
  kind: 'join-request'
  /** 16 lower-case hex digits, most significant byte first (as consoles show them). */
  joinEui: string
  devEui: string
  devNonce: number
}

/** DevAddr hex from its little-endian wire bytes at `offset`. */
function devAddrHex(phy: Buffer, offset: number): string {
  return phy.readUInt32LE(offset).toString(16).padStart(8, '0')
}

function euiHex(phy: Buffer, offset: number): string {
  return Buffer.from(phy.subarray(offset, offset + 8)).reverse().toString('hex')
}

export function readDataUp(phy: Buffer, layout: DataUpLayout): DataUpFrame {
  const fCtrl = phy[5] as number
  const fOptsEnd = 8 + layout.fOptsLength
  const micStart = phy.length - 4
  return {
    kind: 'data-up',
    confirmed: layout.confirmed,
    devAddr: devAddrHex(phy, 1),
    devAddrWire: phy.subarray(1, 5),
    fCtrl: {
      adr: (fCtrl & 0x80) !== 0,
      adrAckReq: (fCtrl & 0x40) !== 0,
      ack: (fCtrl & 0x20) !== 0,
      classB: (fCtrl & 0x10) !== 0,
    },
    fCnt16: phy.readUInt16LE(6),
    fOpts: phy.subarray(8, fOptsEnd),
    fPort: layout.hasFPort ? (phy[fOptsEnd] as number) : null,
    frmPayload: layout.hasFPort ? phy.subarray(fOptsEnd + 1, micStart) : phy.subarray(micStart, micStart),
    mic: phy.subarray(micStart),
    micInput: phy.subarray(0, micStart),
  }
}

export function readJoinRequest(phy: Buffer, _layout: JoinRequestLayout): JoinRequestFrame {
  return { kind: 'join-request', joinEui: euiHex(phy, 1), devEui: euiHex(phy, 9), devNonce: phy.readUInt16LE(17) }
}

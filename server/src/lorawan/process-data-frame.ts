// The one call the ingest pipeline makes per de-duplicated uplink, once it has found the
// device session by DevAddr (readUplinkFrame): structure, counter, MIC, decryption, MAC commands.
// It does not change the session: the pipeline stores `fCnt` as the session's lastFCntUp once
// the frame is durable, so a crash between the two never loses an accepted frame.

import { timingSafeEqual } from 'node:crypto'
import { reconstructFCntUp, MAX_FCNT_GAP, type FCntDecision } from './fcnt.js'
import { cryptUplinkFrmPayload, uplinkMic } from './frame-crypto.js'
import type { DataUpFrame } from './frame-fields.js'
import { parseUplinkMacCommands, type MacCommand } from './mac-commands.js'
import { ok, reject, type LorawanResult, type Rejected } from './result.js'
import { checkSession, type DeviceSession } from './session.js'
import { readUplinkFrame } from './uplink-frame.js'

export interface ProcessOptions {
  /** Largest accepted forward jump of the counter (LoRaWAN MAX_FCNT_GAP), 1..32768; default 16384. */
  maxFCntGap?: number
}

export interface AcceptedFrame {
  devAddr: string
  /** Full 32-bit FCntUp: store it as the session's lastFCntUp once the frame is durable. */
  fCnt: number
  /** Accepted as a counter reset of a `resetsFCnt` session (fCnt counted again from 0). */
  fCntReset: boolean
  /** null when the frame has no FPort (and so no FRMPayload). */
  fPort: number | null
  /** Decrypted FRMPayload (empty when absent). On FPort 0 these are MAC command bytes. */
  payload: Buffer
  confirmed: boolean
  adr: boolean
  adrAckReq: boolean
  ack: boolean
  classB: boolean
  /** MAC commands piggybacked in FOpts. */
  fOptsCommands: MacCommand[]
  /** MAC commands carried as the FPort-0 payload. */
  fPort0Commands: MacCommand[]
}

function micMatches(frame: DataUpFrame, nwkSKey: Buffer, fCnt: number): boolean {
  return timingSafeEqual(uplinkMic(nwkSKey, frame.micInput, frame.devAddrWire, fCnt), frame.mic)
}

function counterRejection(decision: Exclude<FCntDecision, { kind: 'next' }>, devAddr: string, last: number | null): Rejected {
  switch (decision.kind) {
    case 'replay':
      return reject('replay', `${devAddr}: FCnt ${decision.fCnt} is not above the last accepted ${last}`, decision.fCnt)
    case 'gap':
      return reject('fcnt_gap', `${devAddr}: FCnt ${decision.fCnt} is more than the allowed gap above ${last}`, decision.fCnt)
    case 'exhausted':
      return reject('fcnt_exhausted', `${devAddr}: FCnt would pass 2^32-1 after ${last}; renew the session`, decision.fCnt)
  }
}

/**
 * A `resetsFCnt` session's counter counted again from 0: accepted when it went backwards, lies
 * within the gap and the MIC verifies with it. (Equal to the last counter is a repeat, not a reset.)
 */
function counterAfterReset(
  frame: DataUpFrame,
  session: DeviceSession,
  maxGap: number,
  tried: FCntDecision,
  triedAuthentic: boolean,
): number | null {
  const fromZero = frame.fCnt16
  const last = session.lastFCntUp
  if (last === null || fromZero >= last || fromZero > maxGap) return null
  if (tried.kind !== 'exhausted' && tried.fCnt === fromZero) return triedAuthentic ? fromZero : null
  return micMatches(frame, session.nwkSKey, fromZero) ? fromZero : null
}

/**
 * Settles the frame's 32-bit counter: the reconstructed one if the MIC verifies with it and the
 * counter rules accept it; else, for a `resetsFCnt` session, the counter counted from 0; else the
 * reason. The MIC is checked before the counter rules so that `replay` and `fcnt_gap` are only
 * reported for authentic frames (a forged frame is a `mic_mismatch`). Not for `fcnt_exhausted`:
 * no 32-bit counter exists to check it with.
 */
function settleCounter(frame: DataUpFrame, session: DeviceSession, maxGap: number): LorawanResult<{ fCnt: number; reset: boolean }> {
  const decision = reconstructFCntUp(frame.fCnt16, session.lastFCntUp, maxGap)
  const authentic = decision.kind !== 'exhausted' && micMatches(frame, session.nwkSKey, decision.fCnt)
  if (authentic && decision.kind === 'next') return ok({ fCnt: decision.fCnt, reset: false })

  if (session.resetsFCnt === true) {
    const fCnt = counterAfterReset(frame, session, maxGap, decision, authentic)
    if (fCnt !== null) return ok({ fCnt, reset: true })
  }
  if (decision.kind === 'next' || (!authentic && decision.kind !== 'exhausted')) {
    return reject('mic_mismatch', `${frame.devAddr}: MIC does not verify with the session's NwkSKey at FCnt ${decision.fCnt}`)
  }
  return counterRejection(decision, frame.devAddr, session.lastFCntUp)
}

/** Checks, authenticates and decrypts one uplink data frame for `session`. Never throws. */
export function processDataFrame(phy: Buffer, session: DeviceSession, options: ProcessOptions = {}): LorawanResult<AcceptedFrame> {
  const maxGap = options.maxFCntGap ?? MAX_FCNT_GAP
  if (!Number.isInteger(maxGap) || maxGap < 1 || maxGap > 0x8000) {
    return reject('invalid_options', 'options.maxFCntGap must be an integer 1..32768')
  }
  const usable = checkSession(session)
  if (!usable.ok) return usable

  const read = readUplinkFrame(phy)
  if (!read.ok) return read
  const frame = read.value
  if (frame.kind === 'join-request') {
    return reject('join_request', `join request from DevEUI ${frame.devEui}: OTAA joins are not handled by this server`)
  }
  if (frame.devAddr !== session.devAddr.toLowerCase()) {
    return reject('devaddr_mismatch', `frame DevAddr ${frame.devAddr} is not the session's ${session.devAddr}`)
  }

  const counter = settleCounter(frame, session, maxGap)
  if (!counter.ok) return counter
  const { fCnt, reset } = counter.value

  const key = frame.fPort === 0 ? session.nwkSKey : session.appSKey
  const payload = cryptUplinkFrmPayload(key, frame.devAddrWire, fCnt, frame.frmPayload)
  return ok({
    devAddr: frame.devAddr,
    fCnt,
    fCntReset: reset,
    fPort: frame.fPort,
    payload,
    confirmed: frame.confirmed,
    adr: frame.fCtrl.adr,
    adrAckReq: frame.fCtrl.adrAckReq,
    ack: frame.fCtrl.ack,
    classB: frame.fCtrl.classB,
    fOptsCommands: parseUplinkMacCommands(frame.fOpts),
    fPort0Commands: frame.fPort === 0 ? parseUplinkMacCommands(payload) : [],
  })
}

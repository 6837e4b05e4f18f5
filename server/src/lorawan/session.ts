// A device's LoRaWAN 1.0.x session as the data path needs it, and the check that it is usable.
// Keys are Buffers and stay out of every message.

import { MAX_FCNT } from './fcnt.js'
import { ok, reject, type LorawanResult } from './result.js'

export interface DeviceSession {
  /** 8 hex digits, most significant byte first (as readUplinkFrame reports it); any case. */
  devAddr: string
  /** Network session key: MIC, and FRMPayload encryption on FPort 0. 16 bytes. */
  nwkSKey: Buffer
  /** Application session key: FRMPayload encryption on FPort 1..255. 16 bytes. */
  appSKey: Buffer
  /** Last accepted 32-bit FCntUp, or null when the session has accepted no frame yet. */
  lastFCntUp: number | null
  /**
   * ABP device that restarts its frame counter at 0 when it reboots. A frame whose counter is
   * not acceptable is then still accepted, as a reset, if its MIC verifies with the counter
   * counted from 0. This cannot tell a reboot from a replay of an early frame: see docs/lorawan.md.
   */
  resetsFCnt?: boolean
}

const DEV_ADDR = /^[0-9a-fA-F]{8}$/

function isKey(value: unknown): boolean {
  return Buffer.isBuffer(value) && value.length === 16
}

/** Rejects a session that processDataFrame cannot use, naming the field and never its value. */
export function checkSession(session: DeviceSession): LorawanResult<DeviceSession> {
  if (typeof session.devAddr !== 'string' || !DEV_ADDR.test(session.devAddr)) {
    return reject('invalid_session', 'session devAddr must be 8 hex digits')
  }
  if (!isKey(session.nwkSKey)) return reject('invalid_session', `session ${session.devAddr}: nwkSKey must be a 16-byte Buffer`)
  if (!isKey(session.appSKey)) return reject('invalid_session', `session ${session.devAddr}: appSKey must be a 16-byte Buffer`)
  const last = session.lastFCntUp
  if (last !== null && !(Number.isInteger(last) && last >= 0 && last <= MAX_FCNT)) {
    return reject('invalid_session', `session ${session.devAddr}: lastFCntUp must be null or an integer 0..2^32-1`)
  }
  return ok(session)
}

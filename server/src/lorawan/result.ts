// Results of the LoRaWAN layer. A frame the server must not accept is a value with a stable
// code, never an exception: the ingest pipeline records it next to the raw frame and goes on.
// Codes are documented in docs/lorawan.md. Messages name the problem and may carry DevAddr and
// counters; they never carry key material.

/** Stable reason codes for a frame the LoRaWAN layer does not accept. */
export type LorawanRejectionCode =
  /** The bytes are not a well-formed uplink frame; `problem` says which rule failed. */
  | 'malformed'
  /** MHDR major version is not 0 (LoRaWAN R1): the rest of the frame has no known layout. */
  | 'unsupported_major'
  /** Not an uplink data frame or join request: downlinks, join-accept, rejoin, proprietary. */
  | 'unsupported_mtype'
  /** A well-formed join request reached the data path (OTAA joins are not handled here). */
  | 'join_request'
  /** The device session itself is unusable (key not 16 bytes, bad DevAddr or counter). */
  | 'invalid_session'
  /** processDataFrame options are out of range (a configuration error). */
  | 'invalid_options'
  /** The frame's DevAddr is not the session's. */
  | 'devaddr_mismatch'
  /** The MIC does not verify with the session's NwkSKey at any allowed frame counter. */
  | 'mic_mismatch'
  /** Authentic frame whose counter is not above the last accepted one. */
  | 'replay'
  /** Authentic frame whose counter jumps further ahead than the allowed gap. */
  | 'fcnt_gap'
  /** The 32-bit counter would pass 2^32 - 1: the session must be renewed. */
  | 'fcnt_exhausted'

/** Which structural rule a `malformed` frame broke. */
export type MalformedProblem =
  /** Shorter than its message type needs (data frame < 12 bytes, or empty). */
  | 'too_short'
  /** Longer than the 255 bytes a LoRa PHY payload can be. */
  | 'too_long'
  /** FCtrl.FOptsLen claims more FOpts bytes than the MACPayload holds. */
  | 'fopts_overflow'
  /** FPort 0 (MAC commands in FRMPayload) together with FOpts, which the spec forbids. */
  | 'fport_zero_with_fopts'
  /** A join request that is not exactly 23 bytes. */
  | 'join_request_length'

export interface LorawanRejection {
  code: LorawanRejectionCode
  message: string
  /** Set when code is `malformed`. */
  problem?: MalformedProblem
  /** The reconstructed 32-bit counter, for `replay`, `fcnt_gap` and `fcnt_exhausted`. */
  fCnt?: number
}

export interface Ok<T> {
  ok: true
  value: T
}
export interface Rejected {
  ok: false
  error: LorawanRejection
}
export type LorawanResult<T> = Ok<T> | Rejected

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value }
}

export function reject(code: Exclude<LorawanRejectionCode, 'malformed'>, message: string, fCnt?: number): Rejected {
  return fCnt === undefined ? { ok: false, error: { code, message } } : { ok: false, error: { code, message, fCnt } }
}

export function malformed(problem: MalformedProblem, message: string): Rejected {
  return { ok: false, error: { code: 'malformed', problem, message } }
}

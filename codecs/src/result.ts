// Results and errors of the codec. Codecs never throw: every failure is a value with a stable code.
// Written for both runtimes (Node and the DeviceScript VM): plain objects only.

/** Stable error codes; documented in docs/payload-format.md. */
export type CodecErrorCode =
  | 'unknown_fport'
  | 'unsupported_version'
  | 'truncated'
  | 'trailing_data'
  | 'reserved_bits'
  | 'invalid_value'
  | 'unknown_command'
  | 'out_of_range'
  | 'invalid_input'
  | 'budget_too_small'

export interface CodecError {
  code: CodecErrorCode
  message: string
  /** Byte offset in the input where decoding failed (decode errors). */
  offset?: number
  /** Path of the offending input field, such as `samples[3].pressureRaw` (encode errors). */
  field?: string
}

export interface Ok<T> {
  ok: true
  value: T
}
export interface Failed {
  ok: false
  error: CodecError
}
export type Result<T> = Ok<T> | Failed

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value: value }
}

export function decodeError(code: CodecErrorCode, message: string, offset: number): Failed {
  return { ok: false, error: { code: code, message: message, offset: offset } }
}

export function encodeError(code: CodecErrorCode, message: string, field: string): Failed {
  return { ok: false, error: { code: code, message: message, field: field } }
}

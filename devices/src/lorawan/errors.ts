// Errors of the LoRaWAN stack are values with a stable code (documented in docs/lorawan-mac.md),
// never exceptions, and the same in Node and in the DeviceScript VM.

export type MacErrorCode =
    /** A key, EUI or DevAddr setting is missing or is not the right number of hex digits. */
    | "invalid_setting"
    /** A received frame is shorter than its headers say, or fields contradict each other. */
    | "malformed_frame"
    /** MHDR.Major is not LoRaWAN R1 (0), or MType is not what this device accepts here. */
    | "unexpected_frame_type"
    /** The downlink is for another DevAddr. */
    | "wrong_address"
    /** The MIC does not match: wrong keys, corrupted frame, or a guessed FCnt high half. */
    | "mic_mismatch"
    /** FCntDown is not above the last accepted one (replay or duplicate). */
    | "counter_replay"
    /** FCntUp reached 2^32 - 1: the session must be renewed (OTAA join or new ABP keys). */
    | "counter_exhausted"
    /** The Join-accept's JoinNonce is not above the last accepted one (LoRaWAN 1.0.4 §6.2.3). */
    | "join_nonce_replay"
    /** No Join-accept after the configured attempts. */
    | "join_failed"
    /** No session yet (ABP settings missing, or OTAA not joined). */
    | "not_joined"
    /** Application payload longer than the data rate allows with the pending MAC answers. */
    | "payload_too_large"
    /** FPort outside 1..223 for application data (0 is MAC-only, 224 is the test port). */
    | "invalid_port"
    /** No enabled channel can carry the current data rate. */
    | "no_channel"
    /** The radio driver reported a failure (see the radio error's code in the message). */
    | "radio_error"
    /** Persistent storage (settings) could not be read or written. */
    | "storage_error"

export interface MacError {
    code: MacErrorCode
    message: string
}

export interface MacOk<T> {
    ok: true
    value: T
}
export interface MacFailed {
    ok: false
    error: MacError
}
export type MacResult<T> = MacOk<T> | MacFailed

export function macOk<T>(value: T): MacOk<T> {
    return { ok: true, value: value }
}

export function macError(code: MacErrorCode, message: string): MacFailed {
    return { ok: false, error: { code: code, message: message } }
}

// The stable reasons an ingest source turns input away, and the value that carries one. A
// rejection is data, never an exception: the source counts it (IngestCounters) and moves on.
// Documented in docs/ingest.md ("Rejection reasons"); keep the two in step.

export type RejectionReason =
  /** Datagram, MQTT message or HTTP body over the configured size limit. */
  | 'too-large'
  /** Shorter than its fixed header (Semtech UDP). */
  | 'truncated'
  /** Semtech UDP protocol version other than 1 or 2. */
  | 'unsupported-version'
  /** Semtech UDP packet identifier a gateway never sends (or not one at all). */
  | 'unknown-packet-type'
  /** Not JSON, or JSON whose root is not an object. */
  | 'invalid-json'
  /** A field the format requires is absent. */
  | 'missing-field'
  /** A field has the wrong type or is out of range. */
  | 'invalid-field'
  /** A payload string is not base64 (standard or URL alphabet, padded or not). */
  | 'invalid-base64'
  /** rxpk.size differs from the length of the decoded data. */
  | 'size-mismatch'
  /** The gateway reports a failed CRC (rxpk.stat -1, crcStatus BAD_CRC). */
  | 'crc-failed'
  /** The frame carried no CRC (rxpk.stat 0, crcStatus NO_CRC); LoRaWAN uplinks always have one. */
  | 'no-crc'
  /** An MQTT topic that matches none of the known shapes. */
  | 'unknown-topic'
  /** An id in the MQTT topic differs from the same id in the message. */
  | 'topic-mismatch'
  /** A well-formed message that is not an uplink (join, ack, status, location…): counted, not stored. */
  | 'not-an-uplink'
  /** HTTP request without the shared secret, or with a wrong one. */
  | 'unauthorized'
  /** HTTP body in a format other than JSON (ChirpStack's Protobuf marshaler). */
  | 'unsupported-media-type'
  /** The UplinkSink could not make the frames durable: nothing was acknowledged. */
  | 'sink-failed'

export interface Rejection {
  reason: RejectionReason
  /** Names the bad input: "rxpk[1].size: 32 but data decodes to 31 bytes". */
  detail: string
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; rejection: Rejection }

export function accepted<T>(value: T): Parsed<T> {
  return { ok: true, value }
}

export function rejected(reason: RejectionReason, detail: string): { ok: false; rejection: Rejection } {
  return { ok: false, rejection: { reason, detail } }
}

// Every message starts with the payload version in the high nibble of byte 0.
import { ByteSource } from './bytes.js'
import { decodeError, Failed } from './result.js'

export const PAYLOAD_VERSION = 1

/**
 * Checks byte 0 of a message: version, and (unless the message uses it) a zero low nibble.
 * Returns the failure, or null when the byte is good.
 */
export function checkFirstByte(b: ByteSource, what: string, lowNibbleReserved: boolean): Failed | null {
  if (b.length < 1) return decodeError('truncated', what + ' is empty', 0)
  const version = (b[0] & 0xff) >> 4
  if (version !== PAYLOAD_VERSION) {
    return decodeError('unsupported_version', 'payload version ' + version + ' is not supported (this codec reads version ' + PAYLOAD_VERSION + ')', 0)
  }
  if (lowNibbleReserved && (b[0] & 0x0f) !== 0) return decodeError('reserved_bits', 'low nibble of byte 0 is reserved and must be 0', 0)
  return null
}

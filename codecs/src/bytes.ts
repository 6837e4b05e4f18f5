// Byte helpers that work the same in Node and in the DeviceScript VM (which has no Uint8Array,
// DataView or Number.prototype.toString(radix)). Bytes travel as number[]; any indexable
// byte container (Buffer, Uint8Array, number[]) is accepted as input.

export interface ByteSource {
  length: number
  [index: number]: number
}

const HEX_DIGITS = '0123456789abcdef'

export function toHex(bytes: ByteSource): string {
  let s = ''
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] & 0xff
    s += HEX_DIGITS.charAt(b >> 4) + HEX_DIGITS.charAt(b & 15)
  }
  return s
}

function hexNibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48 // 0-9
  if (code >= 97 && code <= 102) return code - 87 // a-f
  if (code >= 65 && code <= 70) return code - 55 // A-F
  return -1
}

/** Parses a hex string (no separators); returns null when it is not valid hex. */
export function fromHex(hex: string): number[] | null {
  if (hex.length % 2 !== 0) return null
  const out: number[] = []
  for (let i = 0; i < hex.length; i += 2) {
    const hi = hexNibble(hex.charCodeAt(i))
    const lo = hexNibble(hex.charCodeAt(i + 1))
    if (hi < 0 || lo < 0) return null
    out.push((hi << 4) | lo)
  }
  return out
}

export function isInteger(x: number): boolean {
  return typeof x === 'number' && Math.floor(x) === x && x - x === 0
}

/** True when x is an integer in [min, max]. */
export function isIntegerIn(x: number, min: number, max: number): boolean {
  return isInteger(x) && x >= min && x <= max
}

export function writeUint16(out: number[], v: number): void {
  out.push((v >> 8) & 0xff, v & 0xff)
}

export function writeUint32(out: number[], v: number): void {
  out.push((v >>> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff)
}

export function readUint16(b: ByteSource, at: number): number {
  return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff)
}

export function readInt16(b: ByteSource, at: number): number {
  const v = readUint16(b, at)
  return v >= 0x8000 ? v - 0x10000 : v
}

export function readUint32(b: ByteSource, at: number): number {
  // Multiply the top byte instead of shifting it, so the result stays positive.
  return (b[at] & 0xff) * 16777216 + (((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff))
}

// MSB-first bit packing for the measurement frame. Values are at most 26 bits wide, so all
// arithmetic stays inside 32-bit integers (the same in Node and in the DeviceScript VM).
import { ByteSource } from './bytes.js'

export class BitWriter {
  bytes: number[]
  private acc: number
  private accBits: number

  constructor() {
    this.bytes = []
    this.acc = 0
    this.accBits = 0
  }

  /** Appends the low `width` bits of a non-negative integer `value`. */
  write(value: number, width: number): void {
    for (let i = width - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1)
      this.accBits++
      if (this.accBits === 8) {
        this.bytes.push(this.acc)
        this.acc = 0
        this.accBits = 0
      }
    }
  }

  /** Pads with zero bits to the next byte boundary and returns the bytes. */
  finish(): number[] {
    if (this.accBits > 0) {
      this.bytes.push((this.acc << (8 - this.accBits)) & 0xff)
      this.acc = 0
      this.accBits = 0
    }
    return this.bytes
  }
}

export class BitReader {
  private bytes: ByteSource
  private bitPos: number
  private endBit: number

  constructor(bytes: ByteSource, startByte: number) {
    this.bytes = bytes
    this.bitPos = startByte * 8
    this.endBit = bytes.length * 8
  }

  /** Bits left to read. */
  remaining(): number {
    return this.endBit - this.bitPos
  }

  /** Byte offset of the next bit, for error reports. */
  byteOffset(): number {
    return Math.floor(this.bitPos / 8)
  }

  /** Reads `width` bits as a non-negative integer; the caller checks remaining() first. */
  read(width: number): number {
    let v = 0
    for (let i = 0; i < width; i++) {
      const byte = this.bytes[this.bitPos >> 3] & 0xff
      v = (v << 1) | ((byte >> (7 - (this.bitPos & 7))) & 1)
      this.bitPos++
    }
    return v
  }
}

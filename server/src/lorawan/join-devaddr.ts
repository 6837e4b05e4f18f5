// NetID and the DevAddr space it gives a network (LoRaWAN Backend Interfaces 1.0, §13 "DevAddr
// assignment"): a DevAddr is a type prefix, the NwkID (the low bits of the NetID) and a NwkAddr
// the network allocates freely. Pure functions; the join server picks addresses with them.
//
//   NetID type (bits 23..21) | DevAddr prefix | NwkID bits | NwkAddr bits
//   0 | 0        | 6  | 25        4 | 11110    | 11 | 16
//   1 | 10       | 6  | 24        5 | 111110   | 13 | 13
//   2 | 110      | 9  | 20        6 | 1111110  | 15 | 10
//   3 | 1110     | 10 | 18        7 | 11111110 | 17 | 7
// NetID 0x000000 (type 0, NwkID 0) is the usual private-network choice: DevAddr 00000000/7,
// i.e. 0x00000000..0x01ffffff.

import { randomInt } from 'node:crypto'

const NWK_ID_BITS = [6, 6, 9, 10, 11, 13, 15, 17] as const

/** A DevAddr range: the `bits` most significant bits of `base` are fixed. */
export interface DevAddrPrefix {
  /** 32-bit unsigned value with the free bits zero. */
  base: number
  /** Number of fixed leading bits, 1..31. */
  bits: number
}

export type PrefixResult = { ok: true; prefix: DevAddrPrefix } | { ok: false; problem: string }

/** Parses a NetID written as 6 hex digits (e.g. "000000", "00001a"). */
export function parseNetId(text: string): number | null {
  return /^[0-9a-fA-F]{6}$/.test(text) ? Number.parseInt(text, 16) : null
}

/** The DevAddr prefix a NetID owns. */
export function netIdPrefix(netId: number): DevAddrPrefix {
  const type = (netId >>> 21) & 0x07
  const nwkIdBits = NWK_ID_BITS[type] as number
  const typeBits = type + 1
  const typePrefix = ((0xff << (8 - type)) & 0xff) >>> (8 - type) // `type` ones
  const nwkId = netId & ((1 << nwkIdBits) - 1)
  const bits = typeBits + nwkIdBits
  const fixed = (typePrefix << (1 + nwkIdBits)) | nwkId // the type's ones, a zero, then the NwkID
  return { base: (fixed << (32 - bits)) >>> 0, bits }
}

/** Parses "26000000/7" (8 hex digits / fixed bits 1..31); the free bits must be zero. */
export function parseDevAddrPrefix(text: string): PrefixResult {
  const m = /^([0-9a-fA-F]{8})\/(\d{1,2})$/.exec(text)
  if (!m) return { ok: false, problem: `"${text}" is not a DevAddr prefix like 00000000/7` }
  const base = Number.parseInt(m[1] as string, 16) >>> 0
  const bits = Number(m[2])
  if (bits < 1 || bits > 31) return { ok: false, problem: `DevAddr prefix ${text}: the length must be 1..31 bits` }
  if ((base & freeMask(bits)) >>> 0 !== 0) return { ok: false, problem: `DevAddr prefix ${text}: bits after the first ${bits} must be zero` }
  return { ok: true, prefix: { base, bits } }
}

function freeMask(bits: number): number {
  return bits >= 32 ? 0 : (0xffffffff >>> bits) >>> 0
}

export function formatDevAddrPrefix(p: DevAddrPrefix): string {
  return `${devAddrHex(p.base)}/${p.bits}`
}

export function devAddrHex(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0')
}

/** True when the DevAddr (8 hex digits) lies in the prefix. */
export function inPrefix(devAddr: string, p: DevAddrPrefix): boolean {
  const v = Number.parseInt(devAddr, 16) >>> 0
  return ((v & ~freeMask(p.bits)) >>> 0) === p.base
}

/**
 * A DevAddr in the prefix that `taken` does not hold, chosen at random (so addresses say nothing
 * about join order), trying `attempts` times; null when none was found (the range is nearly full).
 */
export function pickDevAddr(p: DevAddrPrefix, taken: (devAddr: string) => boolean, attempts = 64, random: (max: number) => number = randomInt): string | null {
  const size = 2 ** (32 - p.bits)
  for (let i = 0; i < attempts; i++) {
    // randomInt's range is below 2^48: fine for any prefix of at least 1 bit.
    const candidate = devAddrHex(p.base + random(size))
    if (!taken(candidate)) return candidate
  }
  return null
}

// Byte helpers shared by the LoRaWAN code, written for both runtimes (the DeviceScript VM has no
// Uint8Array, DataView, Number.prototype.toString(16) or padStart). Bytes travel as number[].
// LoRaWAN puts multi-byte fields on the air least-significant byte first (1.0.4 §4: "all
// multi-octet fields SHALL be transmitted little endian"); EUIs and keys are written by people
// most-significant first, which is the order used in settings and logs.
import { Bytes } from "../crypto/aes128.js"

export type { Bytes }

const HEX = "0123456789abcdef"

export function toHex(b: Bytes): string {
    let s = ""
    for (let i = 0; i < b.length; i++) {
        const v = b[i] & 0xff
        s += HEX.charAt(v >> 4) + HEX.charAt(v & 15)
    }
    return s
}

function nibble(c: number): number {
    if (c >= 48 && c <= 57) return c - 48
    if (c >= 97 && c <= 102) return c - 87
    if (c >= 65 && c <= 70) return c - 55
    return -1
}

/** Parses hex (no separators); null when the text is not an even number of hex digits. */
export function fromHex(s: string): number[] | null {
    if (s.length % 2 !== 0) return null
    const out: number[] = []
    for (let i = 0; i < s.length; i += 2) {
        const hi = nibble(s.charCodeAt(i))
        const lo = nibble(s.charCodeAt(i + 1))
        if (hi < 0 || lo < 0) return null
        out.push((hi << 4) | lo)
    }
    return out
}

export function zeros(n: number): number[] {
    const out: number[] = []
    for (let i = 0; i < n; i++) out.push(0)
    return out
}

export function copyBytes(b: Bytes, from: number, to: number): number[] {
    const out: number[] = []
    for (let i = from; i < to; i++) out.push(b[i] & 0xff)
    return out
}

export function bytesEqual(a: Bytes, b: Bytes): boolean {
    if (a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if ((a[i] & 0xff) !== (b[i] & 0xff)) return false
    return true
}

/** Reversed copy: EUIs and DevAddr are shown MSB first but sent LSB first. */
export function reversed(b: Bytes): number[] {
    const out: number[] = []
    for (let i = b.length - 1; i >= 0; i--) out.push(b[i] & 0xff)
    return out
}

export function pushUint16LE(out: number[], v: number): void {
    out.push(v & 0xff, (v >> 8) & 0xff)
}

export function pushUint24LE(out: number[], v: number): void {
    out.push(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff)
}

export function pushUint32LE(out: number[], v: number): void {
    out.push(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff)
}

export function readUint16LE(b: Bytes, at: number): number {
    return (b[at] & 0xff) | ((b[at + 1] & 0xff) << 8)
}

export function readUint24LE(b: Bytes, at: number): number {
    return (b[at] & 0xff) | ((b[at + 1] & 0xff) << 8) | ((b[at + 2] & 0xff) << 16)
}

/** Unsigned 32-bit read (the top byte is multiplied, not shifted, so the result stays positive). */
export function readUint32LE(b: Bytes, at: number): number {
    return ((b[at] & 0xff) | ((b[at + 1] & 0xff) << 8) | ((b[at + 2] & 0xff) << 16)) + (b[at + 3] & 0xff) * 16777216
}

/** A 32-bit DevAddr as 8 hex digits, MSB first (the way network servers print it). */
export function devAddrHex(devAddr: number): string {
    const b: number[] = []
    pushUint32LE(b, devAddr)
    return toHex(reversed(b))
}

/** a followed by b, as a new array (Array.prototype.concat does not exist in DeviceScript). */
export function concat(a: number[], b: number[]): number[] {
    const out = a.slice(0)
    for (let i = 0; i < b.length; i++) out.push(b[i])
    return out
}

// The "pipe" between a radio in the DeviceScript VM and a Node harness that plays the air (the
// gateway emulator of hil-tests and simulator): message layout and fragmentation, shared by both
// ends (pure TypeScript; the Node side imports this file). Spec: docs/lorawan-mac.md "Pipe radio".
//
// Messages (little-endian fields):
//   TX      0x01 seq freqHz:u32 sf:u8 bwKHz:u16 cr:u8 powerDbm:i8 frame...      device → harness
//   TX_DONE 0x81 seq airtimeUs:u32                                                harness → device
//   RX      0x02 seq freqHz:u32 sf:u8 bwKHz:u16 cr:u8 timeoutMs:u32 maxLength:u8 device → harness
//   RX_DONE 0x82 seq status:u8 rssiDeciDbm:i16 snrQuarterDb:i8 frame...          harness → device
//           status 0 = nothing heard (window closed), 1 = a frame
//   SLEEP   0x03 seq                                                               device → harness
// A message travels as fragments, each one Jacdac Serial "send"/"received" payload (≤ 236 bytes):
//   msgId:u8 index:u7|last:1 bytes...
import { Bytes } from "../crypto/aes128.js"

export const MSG_TX = 0x01
export const MSG_RX = 0x02
export const MSG_SLEEP = 0x03
export const MSG_TX_DONE = 0x81
export const MSG_RX_DONE = 0x82

/** Payload bytes per fragment: 200 leaves room under Jacdac's 236-byte packet payload. */
export const FRAGMENT_DATA = 200

function u16(out: number[], v: number): void {
    out.push(v & 0xff, (v >> 8) & 0xff)
}

function u32(out: number[], v: number): void {
    out.push(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff)
}

function rd16(b: Bytes, at: number): number {
    return (b[at] & 0xff) | ((b[at + 1] & 0xff) << 8)
}

function rd32(b: Bytes, at: number): number {
    return ((b[at] & 0xff) | ((b[at + 1] & 0xff) << 8) | ((b[at + 2] & 0xff) << 16)) + (b[at + 3] & 0xff) * 16777216
}

export interface PipeTx {
    seq: number
    frequencyHz: number
    sf: number
    bandwidthHz: number
    codingRate: number
    powerDbm: number
    frame: number[]
}

export interface PipeRx {
    seq: number
    frequencyHz: number
    sf: number
    bandwidthHz: number
    codingRate: number
    timeoutMs: number
    maxLength: number
}

export interface PipeRxDone {
    seq: number
    frame: number[] | null
    rssiDbm: number
    snrDb: number
}

export function encodeTx(m: PipeTx): number[] {
    const out: number[] = [MSG_TX, m.seq & 0xff]
    u32(out, m.frequencyHz)
    out.push(m.sf)
    u16(out, m.bandwidthHz / 1000)
    out.push(m.codingRate, m.powerDbm & 0xff)
    for (const b of m.frame) out.push(b & 0xff)
    return out
}

export function decodeTx(b: Bytes): PipeTx | null {
    if (b.length < 11 || b[0] !== MSG_TX) return null
    const frame: number[] = []
    for (let i = 11; i < b.length; i++) frame.push(b[i] & 0xff)
    const p = b[10] & 0xff
    return { seq: b[1], frequencyHz: rd32(b, 2), sf: b[6], bandwidthHz: rd16(b, 7) * 1000, codingRate: b[9], powerDbm: p > 127 ? p - 256 : p, frame: frame }
}

export function encodeTxDone(seq: number, airtimeUs: number): number[] {
    const out: number[] = [MSG_TX_DONE, seq & 0xff]
    u32(out, Math.floor(airtimeUs))
    return out
}

export function decodeTxDone(b: Bytes): { seq: number; airtimeUs: number } | null {
    if (b.length !== 6 || b[0] !== MSG_TX_DONE) return null
    return { seq: b[1], airtimeUs: rd32(b, 2) }
}

export function encodeRx(m: PipeRx): number[] {
    const out: number[] = [MSG_RX, m.seq & 0xff]
    u32(out, m.frequencyHz)
    out.push(m.sf)
    u16(out, m.bandwidthHz / 1000)
    out.push(m.codingRate)
    u32(out, Math.ceil(m.timeoutMs))
    out.push(m.maxLength & 0xff)
    return out
}

export function decodeRx(b: Bytes): PipeRx | null {
    if (b.length !== 15 || b[0] !== MSG_RX) return null
    return { seq: b[1], frequencyHz: rd32(b, 2), sf: b[6], bandwidthHz: rd16(b, 7) * 1000, codingRate: b[9], timeoutMs: rd32(b, 10), maxLength: b[14] }
}

export function encodeRxDone(m: PipeRxDone): number[] {
    const rssi = Math.floor(m.rssiDbm * 10 + 0.5)
    const out: number[] = [MSG_RX_DONE, m.seq & 0xff, m.frame === null ? 0 : 1]
    u16(out, rssi & 0xffff)
    out.push(Math.floor(m.snrDb * 4 + 0.5) & 0xff)
    if (m.frame !== null) for (const b of m.frame) out.push(b & 0xff)
    return out
}

export function decodeRxDone(b: Bytes): PipeRxDone | null {
    if (b.length < 6 || b[0] !== MSG_RX_DONE || b[2] > 1) return null
    const r = rd16(b, 3)
    const s = b[5] & 0xff
    let frame: number[] | null = null
    if (b[2] === 1) {
        frame = []
        for (let i = 6; i < b.length; i++) frame.push(b[i] & 0xff)
    }
    return { seq: b[1], frame: frame, rssiDbm: (r > 32767 ? r - 65536 : r) / 10, snrDb: (s > 127 ? s - 256 : s) / 4 }
}

export function encodeSleep(seq: number): number[] {
    return [MSG_SLEEP, seq & 0xff]
}

/** Splits a message into fragments of at most FRAGMENT_DATA bytes each (plus 2 header bytes). */
export function fragment(msgId: number, msg: number[]): number[][] {
    const out: number[][] = []
    let index = 0
    for (let off = 0; off === 0 || off < msg.length; off += FRAGMENT_DATA) {
        const last = off + FRAGMENT_DATA >= msg.length
        const f: number[] = [msgId & 0xff, (index & 0x7f) | (last ? 0x80 : 0)]
        for (let i = off; i < msg.length && i < off + FRAGMENT_DATA; i++) f.push(msg[i])
        out.push(f)
        index++
    }
    return out
}

/** Puts fragments back together; a fragment out of order drops the message being assembled. */
export class Reassembler {
    private msgId = -1
    private next = 0
    private parts: number[] = []
    /** Fragments that did not fit (lost or reordered): the transport is not reliable then. */
    dropped = 0

    /** The whole message when `f` completes one, else null. */
    push(f: Bytes): number[] | null {
        if (f.length < 2) {
            this.dropped++
            return null
        }
        const id = f[0] & 0xff
        const index = f[1] & 0x7f
        if (index === 0) {
            if (this.msgId >= 0) this.dropped++
            this.msgId = id
            this.next = 0
            this.parts = []
        } else if (id !== this.msgId || index !== this.next) {
            this.dropped++
            this.msgId = -1
            return null
        }
        for (let i = 2; i < f.length; i++) this.parts.push(f[i] & 0xff)
        this.next++
        if ((f[1] & 0x80) === 0) return null
        const m = this.parts
        this.msgId = -1
        this.parts = []
        return m
    }
}

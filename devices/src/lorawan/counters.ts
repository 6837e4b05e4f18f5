// Frame counters (LoRaWAN 1.0.4 §4.3.1.5). FCntUp must never repeat within a session, across
// reboots and deep sleep (ESP32 standby wakes with a reset); FCntDown must only go forward.
//
// Write-ahead reservation: the store holds a bound R such that every FCntUp ever used is < R.
// Before using a counter c >= R the MAC first persists R' = c + block, then transmits. A reset at
// any point therefore restarts at some R >= every used counter: counters may be skipped (at most
// `block` per reset), never reused. An orderly shutdown (suspend) writes the exact next counter,
// so a buoy that deep-sleeps between uplinks wastes none; see docs/lorawan-mac.md for flash wear.

/** Largest FCnt: the session must be renewed before using it again (1.0.4 §4.3.1.5). */
export const FCNT_MAX = 4294967295

export class UplinkCounter {
    /** The next FCntUp to use. */
    next: number
    /** Persisted bound: counters below it may have been used. */
    reservedUntil: number
    readonly block: number

    /** `persisted` is the bound read from the store at boot (0 for a new session). */
    constructor(persisted: number, block: number) {
        this.next = persisted
        this.reservedUntil = persisted
        this.block = block < 1 ? 1 : block
    }

    exhausted(): boolean {
        return this.next > FCNT_MAX
    }

    /** The bound to persist before `next` may be used, or -1 when `next` is already covered. */
    reservationNeeded(): number {
        if (this.next < this.reservedUntil) return -1
        return Math.min(this.next + this.block, FCNT_MAX + 1)
    }

    /** Call once the bound returned by reservationNeeded() is durably stored. */
    reserved(bound: number): void {
        this.reservedUntil = bound
    }

    /** Hands out `next` (which must be covered by a reservation) and advances. */
    take(): number {
        const c = this.next
        this.next = c + 1
        return c
    }
}

/**
 * a mod n for non-negative a up to 2^53. DeviceScript's `%` converts its operands to 32-bit
 * integers (4294967295 % 16 gives -1 there), so 32-bit counters must not use it.
 */
export function umod(a: number, n: number): number {
    return a - Math.floor(a / n) * n
}

/**
 * Rebuilds the 32-bit FCntDown from the 16 bits on the air, given the last accepted value (-1 for
 * none yet): the smallest value above `last` whose low 16 bits match. The MIC, computed with the
 * 32-bit value, then tells whether the guess was right.
 */
export function downlinkCounterCandidate(last: number, fCnt16: number): number {
    if (last < 0) return fCnt16
    const high = last - umod(last, 65536)
    let c = high + fCnt16
    if (c <= last) c += 65536
    return c
}

/** The 32-bit value a retransmission of the last accepted downlink would have, or -1. */
export function downlinkDuplicate(last: number, fCnt16: number): number {
    if (last < 0) return -1
    return umod(last, 65536) === fCnt16 ? last : -1
}

/** A 32-bit counter as 8 hex digits: JSON in the VM keeps ~7 significant digits of a number. */
export function counterToText(n: number): string {
    const digits = "0123456789abcdef"
    let s = ""
    let v = n
    for (let i = 0; i < 9; i++) {
        s = digits.charAt(umod(v, 16)) + s
        v = Math.floor(v / 16)
    }
    return s
}

/** Parses counterToText's output (or any hex up to 2^36); -1 when the text is not that. */
export function counterFromText(s: any): number {
    if (typeof s !== "string" || s.length < 1 || s.length > 9) return -1
    let v = 0
    for (let i = 0; i < s.length; i++) {
        const d = "0123456789abcdef".indexOf(s.charAt(i))
        if (d < 0) return -1
        v = v * 16 + d
    }
    return v
}

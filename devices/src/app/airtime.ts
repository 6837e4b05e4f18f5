// Airtime rules of the uplink scheduler: a sliding 24 h airtime budget (The Things Network fair
// use, 30 s a day by default) and the EU868 duty cycle (1 % in the g/g1 sub-bands of the default
// channels: after a transmission of T ms, the sub-band is silent for T·(1/0.01 − 1) ms, the
// codec's dutyCycleOffMs, as LoRaMac-node's band "time-off" does).
//
// The LinkLayer does not say which channel (sub-band) it will use, so the duty cycle is kept for
// all channels as one band: stricter than the regulation (ETSI EN 300 220 counts per sub-band),
// never looser. Times are on the monotonic clock.
import { dutyCycleOffMs, EU868_DUTY_CYCLE } from "@reeflink/codecs"
import { RecordReader, RecordWriter } from "./record.js"

export const DAY_MS = 86400000
/** Entries kept; above this the two oldest are merged (their sum, at the newer time: conservative). */
const MAX_ENTRIES = 30
const LEDGER_VERSION = 1

interface AirtimeEntry {
    /** Monotonic time the transmission ended, whole seconds (rounded up). */
    atS: number
    airtimeMs: number
}

/** Uplink airtime over the last 24 h. */
export class AirtimeLedger {
    private entries: AirtimeEntry[]

    constructor() {
        this.entries = []
    }

    /** Airtime of the transmissions that ended in (nowMs − 24 h, nowMs]. */
    usedMs(nowMs: number): number {
        let sum = 0
        const fromS = (nowMs - DAY_MS) / 1000
        for (let i = 0; i < this.entries.length; i++) if (this.entries[i].atS > fromS) sum += this.entries[i].airtimeMs
        return sum
    }

    /** Earliest time ≥ nowMs at which spending `airtimeMs` keeps the 24 h total within `limitMs`; null if never. */
    earliestMs(nowMs: number, airtimeMs: number, limitMs: number): number | null {
        if (airtimeMs > limitMs) return null
        let used = this.usedMs(nowMs)
        if (used + airtimeMs <= limitMs) return nowMs
        // Entries are in time order: wait for the oldest ones to leave the window.
        const fromS = (nowMs - DAY_MS) / 1000
        for (let i = 0; i < this.entries.length; i++) {
            const e = this.entries[i]
            if (e.atS <= fromS) continue
            used -= e.airtimeMs
            if (used + airtimeMs <= limitMs) return e.atS * 1000 + DAY_MS
        }
        return null
    }

    record(endMs: number, airtimeMs: number): void {
        this.prune(endMs)
        this.entries.push({ atS: Math.ceil(endMs / 1000), airtimeMs: Math.ceil(airtimeMs) })
        if (this.entries.length > MAX_ENTRIES) {
            const merged = { atS: this.entries[1].atS, airtimeMs: this.entries[0].airtimeMs + this.entries[1].airtimeMs }
            this.entries.shift()
            this.entries[0] = merged
        }
    }

    private prune(nowMs: number): void {
        const fromS = (nowMs - DAY_MS) / 1000
        let drop = 0
        while (drop < this.entries.length && this.entries[drop].atS <= fromS) drop++
        if (drop > 0) this.entries = this.entries.slice(drop)
    }

    encode(): number[] {
        const w = new RecordWriter().u8(LEDGER_VERSION).u8(this.entries.length)
        for (let i = 0; i < this.entries.length; i++) w.u32(this.entries[i].atS).u16(this.entries[i].airtimeMs)
        return w.bytes
    }

    /** Replaces the entries with a stored record; a missing or damaged record leaves it empty. */
    load(bytes: number[] | null): void {
        this.entries = []
        if (bytes === null) return
        const r = new RecordReader(bytes)
        if (r.u8() !== LEDGER_VERSION) return
        const n = r.u8()
        for (let i = 0; i < n && i < MAX_ENTRIES; i++) {
            const atS = r.u32()
            const ms = r.u16()
            if (r.overrun) break
            this.entries.push({ atS: atS, airtimeMs: ms })
        }
    }
}

/**
 * When the band may transmit again after a transmission of `airtimeMs` that started at `startMs`
 * (duty cycle: 0.01 in EU868; 0 where the region has none, e.g. AS923 in New Caledonia).
 */
export function dutyCycleReadyAtMs(startMs: number, airtimeMs: number, dutyCycle?: number): number {
    const dc = dutyCycle === undefined ? EU868_DUTY_CYCLE : dutyCycle
    if (!(dc > 0)) return Math.ceil(startMs + airtimeMs)
    return Math.ceil(startMs + airtimeMs + dutyCycleOffMs(airtimeMs, dc))
}

// A Radio for tests of the MAC: records what is transmitted and which windows are opened, and
// answers windows through a callback that plays the network (built with our own frame code in
// the VM, with lora-packet in Node). Time runs on a VirtualClock.
import { uplinkAirtimeMs, loraAirtimeMs, symbolMs } from "./airtime.js"
import { Radio, RadioResult, radioError, radioOk, RxFrame, RxWindow, TxConfig, TxDone } from "./radio.js"
import { VirtualClock } from "./virtual-clock.js"

export interface AirFrame {
    bytes: number[]
    config: TxConfig
    startMs: number
    endMs: number
}

/** Returns the frame "on the air" in this window, or null. */
export type Responder = (window: RxWindow, uplink: AirFrame) => RxFrame | null

/**
 * Records at most this many frames and windows (oldest dropped): the DeviceScript VM's heap is
 * small enough that keeping every frame of a long test runs it out of memory (seen after ~23
 * uplinks in the benchmark).
 */
export const MAX_RECORDS = 32

function keep<T>(list: T[], item: T): void {
    list.push(item)
    if (list.length > MAX_RECORDS) list.shift()
}

export class ScriptedRadio implements Radio {
    sent: AirFrame[] = []
    windows: RxWindow[] = []
    /** Clock time at which each window actually started listening. */
    listenedAt: number[] = []
    responder: Responder | null = null
    sleeps = 0
    private clock: VirtualClock
    private cfg: TxConfig | null = null

    constructor(clock: VirtualClock) {
        this.clock = clock
    }

    async configure(cfg: TxConfig): Promise<RadioResult<boolean>> {
        this.cfg = cfg
        return radioOk(true)
    }

    async transmit(bytes: number[]): Promise<RadioResult<TxDone>> {
        const c = this.cfg
        if (c === null) return radioError("invalid_config", "transmit before configure")
        const airtime = uplinkAirtimeMs(bytes.length, c.sf, c.bandwidthHz)
        const start = this.clock.now()
        await this.clock.sleep(airtime)
        keep(this.sent, { bytes: bytes.slice(0), config: c, startMs: start, endMs: this.clock.now() })
        return radioOk({ startMs: start, endMs: this.clock.now(), airtimeMs: airtime })
    }

    async receive(w: RxWindow): Promise<RadioResult<RxFrame | null>> {
        const wait = w.openAtMs - this.clock.now()
        if (wait > 0) await this.clock.sleep(wait)
        keep(this.windows, w)
        keep(this.listenedAt, this.clock.now())
        const frame = this.responder === null ? null : this.responder(w, this.sent[this.sent.length - 1])
        if (frame === null) {
            await this.clock.sleep(w.timeoutSymbols * symbolMs(w.sf, w.bandwidthHz))
            return radioOk(null)
        }
        // Downlinks: no CRC, explicit header (LoRaWAN 1.0.4 §3.2).
        await this.clock.sleep(loraAirtimeMs(frame.bytes.length, w.sf, w.bandwidthHz, 5, 8, false, true))
        return radioOk(frame)
    }

    async sleep(): Promise<RadioResult<boolean>> {
        this.sleeps++
        return radioOk(true)
    }
}

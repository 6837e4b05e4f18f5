// The radio side of the MAC: pick a channel within the duty cycle, transmit, and run the two
// receive windows of Class A (LoRaWAN 1.0.4 §3.3) on the radio.
import { Clock, Radio, RxFrame, RxWindow } from "../radio/radio.js"
import { DutyCycle } from "./duty-cycle.js"
import { macError, macOk, MacResult } from "./errors.js"
import { MacParams } from "./mac-params.js"
import { rateOf, Region, usableChannel } from "./region.js"
import { rx1Window, rx2Window, WindowTiming } from "./rx-windows.js"

export interface Sent {
    ch: number
    endMs: number
    airtimeMs: number
}

export class Transceiver {
    private region: Region
    private radio: Radio
    private clock: Clock
    private random: () => number
    private timing: WindowTiming
    private antennaGainDbi: number
    private log: (line: string) => void
    readonly dutyCycle: DutyCycle
    /** Frames heard in a window that the MAC did not accept. */
    dropped = 0

    constructor(region: Region, radio: Radio, clock: Clock, random: () => number, timing: WindowTiming, antennaGainDbi: number, log: (line: string) => void) {
        this.region = region
        this.radio = radio
        this.clock = clock
        this.random = random
        this.timing = timing
        this.antennaGainDbi = antennaGainDbi
        this.log = log
        this.dutyCycle = new DutyCycle(region.bands)
    }

    /** Earliest clock time a frame at `dr` could start on an enabled channel. */
    nextTransmitAt(p: MacParams, dr: number): number {
        let best = -1
        for (let i = 0; i < this.region.maxChannels; i++) {
            const c = usableChannel(p.channels, p.mask, i)
            if (c === null || dr < c.minDr || dr > c.maxDr) continue
            const t = this.dutyCycle.freeAt(c.frequencyHz)
            if (best < 0 || t < best) best = t
        }
        return Math.max(best, this.clock.now())
    }

    /** A random channel among those free soonest; waits for the duty cycle, then transmits. */
    async transmit(frame: number[], p: MacParams, dr: number, applyAggregate: boolean): Promise<MacResult<Sent>> {
        const region = this.region
        let candidates: number[] = []
        let soonest = -1
        for (let i = 0; i < region.maxChannels; i++) {
            const c = usableChannel(p.channels, p.mask, i)
            if (c === null || dr < c.minDr || dr > c.maxDr) continue
            const t = this.dutyCycle.freeAt(c.frequencyHz)
            if (soonest < 0 || t < soonest) {
                soonest = t
                candidates = []
            }
            if (t === soonest) candidates.push(i)
        }
        if (candidates.length === 0) return macError("no_channel", "no enabled channel carries DR" + dr)
        const ch = candidates[Math.floor(this.random() * candidates.length)]
        const wait = soonest - this.clock.now()
        if (wait > 0) {
            this.log("duty cycle: waiting " + Math.ceil(wait) + " ms")
            await this.clock.sleep(wait)
        }
        const rate = rateOf(region, dr)
        // RP002: TXPower index k means max EIRP − 2k dB; the radio is set to conducted power.
        const power = Math.floor(region.maxEirpDbm - 2 * p.txPowerIndex - this.antennaGainDbi)
        const chosen = usableChannel(p.channels, p.mask, ch)
        const freq = chosen === null ? 0 : chosen.frequencyHz
        const cfg = await this.radio.configure({ frequencyHz: freq, sf: rate.sf, bandwidthHz: rate.bandwidthHz, codingRate: 5, powerDbm: power })
        if (cfg.ok === false) return macError("radio_error", cfg.error.code + ": " + cfg.error.message)
        const tx = await this.radio.transmit(frame)
        if (tx.ok === false) return macError("radio_error", tx.error.code + ": " + tx.error.message)
        this.dutyCycle.transmitted(freq, tx.value.endMs, tx.value.airtimeMs, applyAggregate ? p.maxDutyCycle : 0)
        return macOk({ ch: ch, endMs: tx.value.endMs, airtimeMs: tx.value.airtimeMs })
    }

    /**
     * RX1 then, if nothing usable came, RX2. `handle` authenticates a frame and returns a result,
     * or null when the frame is not for this device, which keeps RX2 open.
     */
    async receiveWindows<T>(p: MacParams, sent: Sent, upDr: number, joinAccept: boolean, handle: (f: RxFrame) => Promise<T | null>): Promise<T | null> {
        const windows: RxWindow[] = [
            rx1Window(this.region, p, sent.ch, upDr, sent.endMs, joinAccept, this.timing),
            rx2Window(this.region, p, sent.endMs, joinAccept, this.timing),
        ]
        let result: T | null = null
        for (const w of windows) {
            // A long frame heard in RX1 can end after RX2 should have opened.
            if (this.clock.now() > w.openAtMs + 50) continue
            const r = await this.radio.receive(w)
            if (r.ok === false) {
                this.log("receive: " + r.error.code + ": " + r.error.message)
                continue
            }
            if (r.value === null) continue
            result = await handle(r.value)
            if (result !== null) break
            this.dropped++
        }
        await this.radio.sleep()
        return result
    }
}

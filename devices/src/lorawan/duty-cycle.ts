// Transmit time-off: the per-band duty cycle of the region (EU868: ETSI EN 300 220 sub-bands,
// 0.1 % to 10 %) and the aggregated duty cycle a network can impose with DutyCycleReq. After a
// frame of airtime T in a band with duty cycle d, the band stays closed for T/d − T
// (LoRaMac-node RegionCommonCalcBackOff).
import { Band } from "./region.js"

export class DutyCycle {
    /** Clock time from which each band may transmit again. */
    private bands: Band[]
    private bandFreeAt: number[]
    private aggregateFreeAt: number

    constructor(bands: Band[]) {
        this.bands = bands
        this.bandFreeAt = []
        this.aggregateFreeAt = 0
        for (let i = 0; i < bands.length; i++) this.bandFreeAt.push(0)
    }

    bandOf(frequencyHz: number): number {
        for (let i = 0; i < this.bands.length; i++) {
            const b = this.bands[i]
            if (frequencyHz >= b.minHz && frequencyHz <= b.maxHz) return i
        }
        return -1
    }

    /** Earliest clock time a frame may start on this frequency. */
    freeAt(frequencyHz: number): number {
        const b = this.bandOf(frequencyHz)
        const band = b < 0 ? 0 : this.bandFreeAt[b]
        return Math.max(band, this.aggregateFreeAt)
    }

    /** Records a transmission ending at endMs; maxDutyCycle is DutyCycleReq's exponent (0 = none). */
    transmitted(frequencyHz: number, endMs: number, airtimeMs: number, maxDutyCycle: number): void {
        const b = this.bandOf(frequencyHz)
        if (b >= 0) this.bandFreeAt[b] = endMs + airtimeMs / this.bands[b].dutyCycle - airtimeMs
        if (maxDutyCycle > 0) this.aggregateFreeAt = endMs + airtimeMs * Math.pow(2, maxDutyCycle) - airtimeMs
    }
}

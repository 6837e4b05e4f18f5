// Receive windows of a Class A device (LoRaWAN 1.0.4 §3.3): RX1 opens RECEIVE_DELAY1 after the end
// of the uplink, on a frequency and data rate derived from the uplink; RX2 opens one second later
// on a fixed frequency and data rate. For a Join-request the delays are JOIN_ACCEPT_DELAY1/2 (5 s, 6 s).
//
// The receiver is started early and kept on long enough that a preamble sent exactly on time is
// caught despite clock error: LoRaMac-node RegionCommonComputeRxWindowParameters:
//   timeout = max(ceil(((2·minRxSymbols − 8)·Tsym + 2·rxError) / Tsym), minRxSymbols)  [symbols]
//   offset  = 4·Tsym − timeout·Tsym / 2 − wakeUp                                          [ms]
import { symbolMs } from "../radio/airtime.js"
import { RxWindow } from "../radio/radio.js"
import { MacParams } from "./mac-params.js"
import { rateOf, Region } from "./region.js"

/** Symbols the radio needs to lock on a preamble (LoRaMac-node's default for LoRa). */
export const MIN_RX_SYMBOLS = 6
export const JOIN_ACCEPT_DELAY1_MS = 5000
export const JOIN_ACCEPT_DELAY2_MS = 6000

export interface WindowTiming {
    /** Maximum error of this device's clock over a receive delay, ms (crystal + scheduling). */
    rxErrorMs: number
    /** Time the radio needs between the request and listening, ms. */
    wakeUpMs: number
}

export function windowParameters(sf: number, bandwidthHz: number, t: WindowTiming): { timeoutSymbols: number; offsetMs: number } {
    const tSym = symbolMs(sf, bandwidthHz)
    const timeout = Math.max(Math.ceil(((2 * MIN_RX_SYMBOLS - 8) * tSym + 2 * t.rxErrorMs) / tSym), MIN_RX_SYMBOLS)
    const offset = 4 * tSym - (timeout * tSym) / 2 - t.wakeUpMs
    return { timeoutSymbols: timeout, offsetMs: offset }
}

function window(region: Region, frequencyHz: number, dr: number, opensAtMs: number, t: WindowTiming): RxWindow {
    const rate = rateOf(region, dr)
    const w = windowParameters(rate.sf, rate.bandwidthHz, t)
    return {
        frequencyHz: frequencyHz,
        sf: rate.sf,
        bandwidthHz: rate.bandwidthHz,
        codingRate: 5,
        openAtMs: opensAtMs + w.offsetMs,
        timeoutSymbols: w.timeoutSymbols,
        maxLength: rate.maxPayload + 13,
    }
}

/** RX1 for an uplink on channel `ch` at `upDr` that ended at txEndMs. */
export function rx1Window(region: Region, p: MacParams, ch: number, upDr: number, txEndMs: number, joinAccept: boolean, t: WindowTiming): RxWindow {
    const delay = joinAccept ? JOIN_ACCEPT_DELAY1_MS : p.rxDelay1Ms
    return window(region, region.rx1FrequencyHz(p.channels, ch), region.rx1Dr(upDr, p.rx1DrOffset), txEndMs + delay, t)
}

/** RX2: one second after RX1, on the RX2 frequency and data rate. */
export function rx2Window(region: Region, p: MacParams, txEndMs: number, joinAccept: boolean, t: WindowTiming): RxWindow {
    const delay = joinAccept ? JOIN_ACCEPT_DELAY2_MS : p.rxDelay1Ms + 1000
    return window(region, p.rx2FrequencyHz, p.rx2Dr, txEndMs + delay, t)
}

// The MAC parameters a network server can change (data rate, power, RX windows, channels...):
// one plain object, persisted as compact JSON whenever a MAC command changes it, so that a buoy
// waking from deep sleep does not make the network resend the same commands.
import { JoinAccept } from "./join.js"
import { channel, Channel, Region } from "./region.js"

export interface MacParams {
    dr: number
    txPowerIndex: number
    /** Transmissions of each unconfirmed uplink (LinkADRReq NbTrans), 1..15. */
    nbTrans: number
    rx1DrOffset: number
    rx2Dr: number
    rx2FrequencyHz: number
    /** RECEIVE_DELAY1; RX2 opens 1 s later (RXTimingSetupReq). */
    rxDelay1Ms: number
    /** Aggregated duty cycle 1/2^maxDutyCycle over all bands; 0 = none (DutyCycleReq). */
    maxDutyCycle: number
    channels: (Channel | null)[]
    /** Channel mask in 16-bit words: bit i of word k enables channel 16k + i. */
    mask: number[]
}

export function setChannelEnabled(mask: number[], ch: number, on: boolean): void {
    if (on) mask[ch >> 4] |= 1 << (ch & 15)
    else mask[ch >> 4] &= ~(1 << (ch & 15)) & 0xffff
}

export interface ParamOptions {
    /** US915/AU915: only these channels are enabled until the network says otherwise. */
    enabledChannels?: number[]
    dr?: number
    rx2Dr?: number
}

export function defaultParams(region: Region, opts: ParamOptions): MacParams {
    const channels = region.defaultChannels()
    const mask: number[] = []
    for (let k = 0; k * 16 < region.maxChannels; k++) mask.push(0)
    if (opts.enabledChannels) {
        for (const ch of opts.enabledChannels) setChannelEnabled(mask, ch, true)
    } else {
        for (let i = 0; i < channels.length; i++) if (channels[i] !== null) setChannelEnabled(mask, i, true)
    }
    return {
        dr: opts.dr !== undefined ? opts.dr : region.defaultDr,
        txPowerIndex: 0,
        nbTrans: 1,
        rx1DrOffset: 0,
        rx2Dr: opts.rx2Dr !== undefined ? opts.rx2Dr : region.rx2Dr,
        rx2FrequencyHz: region.rx2FrequencyHz,
        rxDelay1Ms: 1000,
        maxDutyCycle: 0,
        channels: channels,
        mask: mask,
    }
}

/**
 * Compact form for the settings store (DeviceScript settings are small, and code size counts):
 *   [2, dr, txPower, nbTrans, rx1DrOffset, rx2Dr, rx2Freq/100, rxDelay1 s, maxDutyCycle,
 *    mask words..., then per added channel: index, freq/100, minDr | maxDr << 4, rx1Freq/100]
 * Frequencies in 100 Hz units (as on the air) keep every number below 2^24.
 */
export function paramsToJson(region: Region, p: MacParams): number[] {
    const out = [2, p.dr, p.txPowerIndex, p.nbTrans, p.rx1DrOffset, p.rx2Dr, p.rx2FrequencyHz / 100, p.rxDelay1Ms / 1000, p.maxDutyCycle]
    for (const w of p.mask) out.push(w)
    if (!region.fixedChannels) {
        for (let i = 0; i < p.channels.length; i++) {
            const c = p.channels[i]
            if (c !== null) out.push(i, c.frequencyHz / 100, c.minDr | (c.maxDr << 4), c.rx1FrequencyHz / 100)
        }
    }
    return out
}

/** Restores paramsToJson's output over the region defaults; null when it does not fit the region. */
export function paramsFromJson(region: Region, j: any, defaults: MacParams): MacParams | null {
    const n = 9 + defaults.mask.length
    if (!Array.isArray(j) || j[0] !== 2 || j.length < n || (j.length - n) % 4 !== 0) return null
    for (const x of j) if (typeof x !== "number" || Math.floor(x) !== x || x < 0 || x > 16777215) return null
    const dr = region.dataRates[j[1]]
    const rx2 = region.dataRates[j[5]]
    if (dr === null || dr === undefined || rx2 === null || rx2 === undefined) return null
    if (j[2] > region.maxTxPowerIndex || j[3] < 1 || j[3] > 15 || j[4] > region.maxRx1DrOffset || j[7] < 1 || j[7] > 15 || j[8] > 15) return null
    const mask: number[] = []
    for (let k = 9; k < n; k++) {
        if (j[k] > 65535) return null
        mask.push(j[k])
    }
    const channels = defaults.channels.slice(0)
    for (let k = n; k < j.length; k += 4) {
        if (j[k] >= region.maxChannels || j[k + 2] > 255) return null
        channels[j[k]] = { frequencyHz: j[k + 1] * 100, minDr: j[k + 2] & 15, maxDr: j[k + 2] >> 4, rx1FrequencyHz: j[k + 3] * 100 }
    }
    return {
        dr: j[1],
        txPowerIndex: j[2],
        nbTrans: j[3],
        rx1DrOffset: j[4],
        rx2Dr: j[5],
        rx2FrequencyHz: j[6] * 100,
        rxDelay1Ms: j[7] * 1000,
        maxDutyCycle: j[8],
        channels: channels,
        mask: mask,
    }
}

/** CFList (RP002 §2.x "CFList"): type 0 adds up to 5 channels after the defaults; type 1 is a channel mask. */
export function applyCfList(region: Region, p: MacParams, cf: number[]): void {
    if (cf[15] === 0 && !region.fixedChannels) {
        let first = 0
        while (first < p.channels.length && p.channels[first] !== null) first++
        for (let i = 0; i < 5; i++) {
            const f = (cf[3 * i] | (cf[3 * i + 1] << 8) | (cf[3 * i + 2] << 16)) * 100
            const ch = first + i
            if (f === 0 || ch >= region.maxChannels || !region.validFrequency(f)) continue
            p.channels[ch] = channel(f, 0, 5)
            setChannelEnabled(p.mask, ch, true)
        }
    } else if (cf[15] === 1 && region.fixedChannels) {
        for (let k = 0; k < 5; k++) p.mask[k] = cf[2 * k] | (cf[2 * k + 1] << 8)
    }
}

/** The Join-accept's DLSettings, RxDelay and CFList over fresh parameters (LoRaWAN 1.0.4 §6.2.3). */
export function applyJoinAccept(region: Region, p: MacParams, ja: JoinAccept): void {
    if (ja.rx1DrOffset <= region.maxRx1DrOffset) p.rx1DrOffset = ja.rx1DrOffset
    const rx2 = region.dataRates[ja.rx2DataRate]
    if (rx2 !== null && rx2 !== undefined) p.rx2Dr = ja.rx2DataRate
    p.rxDelay1Ms = (ja.rxDelaySeconds === 0 ? 1 : ja.rxDelaySeconds) * 1000
    if (ja.cfList !== null) applyCfList(region, p, ja.cfList)
}

// Regional parameters (LoRa Alliance RP002-1.0.4; tables as in Semtech's LoRaMac-node
// src/mac/region/Region*.{c,h}): the Region type and helpers; each plan is in regions/<name>.ts,
// so that a firmware only compiles the one it uses (DeviceScript images are limited to 64 KB of
// code). A Region is data plus the few rules that differ between plans:
// the EU868/AS923 family has up to 16 channels the network can add (NewChannelReq, CFList of
// frequencies); US915/AU915 have 72 fixed channels the network only masks (LinkADRReq
// ChMaskCntl, CFList of masks).

export interface DataRate {
    sf: number
    bandwidthHz: number
    /** N: the largest FRMPayload, FOpts included (no repeater), RP002 "maximum payload size". */
    maxPayload: number
}

export interface Channel {
    frequencyHz: number
    minDr: number
    maxDr: number
    /** Downlink frequency for RX1 set by DlChannelReq; 0 = same as the uplink. */
    rx1FrequencyHz: number
}

/** A duty-cycle sub-band: [minHz, maxHz] and the fraction of time one device may transmit. */
export interface Band {
    minHz: number
    maxHz: number
    dutyCycle: number
}

export interface Region {
    name: string
    /** Indexed by DR; null where the plan defines no LoRa rate (FSK, RFU). */
    dataRates: (DataRate | null)[]
    minUplinkDr: number
    maxUplinkDr: number
    /** Data rate a device starts with (and uses for the Join-request). */
    defaultDr: number
    /** 16 for dynamic plans, 72 for US915/AU915. */
    maxChannels: number
    /** True for US915/AU915: fixed channel list, NewChannelReq/DlChannelReq not supported. */
    fixedChannels: boolean
    defaultChannels(): (Channel | null)[]
    rx2FrequencyHz: number
    rx2Dr: number
    maxRx1DrOffset: number
    /** DR used in RX1 for an uplink at upDr with the given RX1DROffset. */
    rx1Dr(upDr: number, rx1DrOffset: number): number
    /** Downlink frequency of RX1 for an uplink on channel index ch. */
    rx1FrequencyHz(channels: (Channel | null)[], ch: number): number
    maxEirpDbm: number
    /** Highest TXPower index: power = maxEirp - 2 dB × index (RP002). */
    maxTxPowerIndex: number
    /** Empty when the plan has no per-band duty cycle. */
    bands: Band[]
    /** Whether the frequency is inside the plan (NewChannelReq, RXParamSetupReq, DlChannelReq). */
    validFrequency(hz: number): boolean
    /**
     * Applies one LinkADRReq's ChMaskCntl/ChMask to `mask` (RP002 per region); false when the
     * request is not valid for this plan (RFU ChMaskCntl, undefined channel, empty mask).
     */
    applyChMask(channels: (Channel | null)[], mask: number[], chMaskCntl: number, chMask: number): boolean
}

export function channel(frequencyHz: number, minDr: number, maxDr: number): Channel {
    return { frequencyHz: frequencyHz, minDr: minDr, maxDr: maxDr, rx1FrequencyHz: 0 }
}

/** RX1 of the dynamic plans: the uplink frequency, unless DlChannelReq set another. */
export function dynamicRx1FrequencyHz(channels: (Channel | null)[], ch: number): number {
    const c = channels[ch]
    if (c === null || c === undefined) return 0
    return c.rx1FrequencyHz !== 0 ? c.rx1FrequencyHz : c.frequencyHz
}

/** Dynamic plans (EU868, AS923): ChMaskCntl 0 = ChMask is channels 0..15; 6 = every defined channel on. */
export function dynamicChMask(channels: (Channel | null)[], mask: number[], chMaskCntl: number, chMask: number): boolean {
    if (chMaskCntl === 6) {
        mask[0] = 0
        for (let i = 0; i < 16; i++) if (channels[i] !== null) mask[0] |= 1 << i
        return true
    }
    if (chMaskCntl !== 0 || chMask === 0) return false
    mask[0] = chMask
    for (let i = 0; i < 16; i++) if ((chMask >> i) & 1 && channels[i] === null) return false
    return true
}

/**
 * US915/AU915: ChMaskCntl 0..4 = ChMask is channels 16·cntl..16·cntl+15; 6/7 = all 125 kHz
 * channels on/off and ChMask is channels 64..71. 5 (banks, RP002-1.0.3+) is refused.
 */
export function fixedChMask(channels: (Channel | null)[], mask: number[], chMaskCntl: number, chMask: number): boolean {
    if (chMaskCntl <= 4) mask[chMaskCntl] = chMask
    else if (chMaskCntl === 6 || chMaskCntl === 7) {
        const w = chMaskCntl === 6 ? 0xffff : 0
        for (let k = 0; k < 4; k++) mask[k] = w
        mask[4] = chMask & 0xff
    } else return false
    return true
}

/**
 * The definition of `dr`; callers only pass data rates the region defines (checked where they
 * come in: options, LinkADRReq, RXParamSetupReq, the Join-accept), so the fallback to the
 * region's default is a guard, never a path.
 */
export function rateOf(region: Region, dr: number): DataRate {
    const r = region.dataRates[dr]
    if (r === null || r === undefined) {
        const d = region.dataRates[region.defaultDr]
        return d === null ? { sf: 12, bandwidthHz: 125000, maxPayload: 51 } : d
    }
    return r
}

/** The channel at `ch` when it is defined and enabled in the mask words. */
export function usableChannel(channels: (Channel | null)[], mask: number[], ch: number): Channel | null {
    const c = channels[ch]
    if (c === null || c === undefined) return null
    return ((mask[ch >> 4] >> (ch & 15)) & 1) === 1 ? c : null
}

/** Uplink channels of a US915/AU915 sub-band (1..8): 8 × 125 kHz plus the matching 500 kHz one. */
export function subBandChannels(subBand: number): number[] {
    const out: number[] = []
    for (let i = 0; i < 8; i++) out.push((subBand - 1) * 8 + i)
    out.push(63 + subBand)
    return out
}

/** 64 × 125 kHz channels from first125Hz every 200 kHz, then 8 × 500 kHz from first500Hz every 1.6 MHz. */
export function fixedPlan(first125Hz: number, maxDr125: number, first500Hz: number, dr500: number): (Channel | null)[] {
    const c: (Channel | null)[] = []
    for (let i = 0; i < 64; i++) c.push(channel(first125Hz + 200000 * i, 0, maxDr125))
    for (let i = 0; i < 8; i++) c.push(channel(first500Hz + 1600000 * i, dr500, dr500))
    return c
}

/** RX1 of US915/AU915: downlink channel (uplink channel mod 8), 923.3 MHz + 600 kHz steps. */
export function fixedRx1FrequencyHz(channels: (Channel | null)[], ch: number): number {
    return 923300000 + 600000 * (ch % 8)
}

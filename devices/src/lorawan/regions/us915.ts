// US915 (RP002-1.0.4 §2.5): 72 fixed channels.
import { fixedChMask, fixedPlan, fixedRx1FrequencyHz, Region } from "../region.js"

/** US915 (RP002-1.0.4 §2.5): uplink DR0..4, downlink DR8..13 (500 kHz). */
const US915_RX1_DR = [
    [10, 9, 8, 8],
    [11, 10, 9, 8],
    [12, 11, 10, 9],
    [13, 12, 11, 10],
    [13, 13, 12, 11],
]
export const US915: Region = {
    name: "US915",
    dataRates: [
        { sf: 10, bandwidthHz: 125000, maxPayload: 11 },
        { sf: 9, bandwidthHz: 125000, maxPayload: 53 },
        { sf: 8, bandwidthHz: 125000, maxPayload: 125 },
        { sf: 7, bandwidthHz: 125000, maxPayload: 242 },
        { sf: 8, bandwidthHz: 500000, maxPayload: 242 },
        null,
        null,
        null,
        { sf: 12, bandwidthHz: 500000, maxPayload: 53 },
        { sf: 11, bandwidthHz: 500000, maxPayload: 129 },
        { sf: 10, bandwidthHz: 500000, maxPayload: 242 },
        { sf: 9, bandwidthHz: 500000, maxPayload: 242 },
        { sf: 8, bandwidthHz: 500000, maxPayload: 242 },
        { sf: 7, bandwidthHz: 500000, maxPayload: 242 },
    ],
    minUplinkDr: 0,
    maxUplinkDr: 4,
    defaultDr: 0,
    maxChannels: 72,
    fixedChannels: true,
    defaultChannels: () => fixedPlan(902300000, 3, 903000000, 4),
    rx2FrequencyHz: 923300000,
    rx2Dr: 8,
    maxRx1DrOffset: 3,
    rx1Dr: (upDr, offset) => US915_RX1_DR[Math.min(upDr, 4)][Math.min(offset, 3)],
    rx1FrequencyHz: fixedRx1FrequencyHz,
    maxEirpDbm: 30,
    maxTxPowerIndex: 14,
    bands: [],
    applyChMask: fixedChMask,
    validFrequency: (hz) => hz >= 902000000 && hz <= 928000000,
}

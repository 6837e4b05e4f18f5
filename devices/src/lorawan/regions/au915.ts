// AU915 (RP002-1.0.4 §2.6): 72 fixed channels.
import { fixedChMask, fixedPlan, fixedRx1FrequencyHz, Region } from "../region.js"

/** AU915 (RP002-1.0.4 §2.6, uplink dwell time off): uplink DR0..6, downlink DR8..13. */
export const AU915: Region = {
    name: "AU915",
    dataRates: [
        { sf: 12, bandwidthHz: 125000, maxPayload: 51 },
        { sf: 11, bandwidthHz: 125000, maxPayload: 51 },
        { sf: 10, bandwidthHz: 125000, maxPayload: 51 },
        { sf: 9, bandwidthHz: 125000, maxPayload: 115 },
        { sf: 8, bandwidthHz: 125000, maxPayload: 242 },
        { sf: 7, bandwidthHz: 125000, maxPayload: 242 },
        { sf: 8, bandwidthHz: 500000, maxPayload: 242 },
        null,
        { sf: 12, bandwidthHz: 500000, maxPayload: 53 },
        { sf: 11, bandwidthHz: 500000, maxPayload: 129 },
        { sf: 10, bandwidthHz: 500000, maxPayload: 242 },
        { sf: 9, bandwidthHz: 500000, maxPayload: 242 },
        { sf: 8, bandwidthHz: 500000, maxPayload: 242 },
        { sf: 7, bandwidthHz: 500000, maxPayload: 242 },
    ],
    minUplinkDr: 0,
    maxUplinkDr: 6,
    defaultDr: 2,
    maxChannels: 72,
    fixedChannels: true,
    defaultChannels: () => fixedPlan(915200000, 5, 915900000, 6),
    rx2FrequencyHz: 923300000,
    rx2Dr: 8,
    maxRx1DrOffset: 5,
    // LoRaMac-node DatarateOffsetsAU915: DR8 + upDr - offset, limited to DR8..DR13.
    rx1Dr: (upDr, offset) => Math.min(13, Math.max(8, 8 + upDr - offset)),
    rx1FrequencyHz: fixedRx1FrequencyHz,
    maxEirpDbm: 30,
    maxTxPowerIndex: 14,
    bands: [],
    applyChMask: fixedChMask,
    validFrequency: (hz) => hz >= 915000000 && hz <= 928000000,
}

// AS923-1 (RP002-1.0.4 §2.7), uplink dwell time off.
import { channel, Channel, dynamicChMask, dynamicRx1FrequencyHz, Region } from "../region.js"

/** AS923 (group AS923-1, dwell time off), RP002-1.0.4 §2.7; RX1 offsets 6 and 7 mean +1 and +2. */
export const AS923: Region = {
    name: "AS923",
    dataRates: [
        { sf: 12, bandwidthHz: 125000, maxPayload: 51 },
        { sf: 11, bandwidthHz: 125000, maxPayload: 51 },
        { sf: 10, bandwidthHz: 125000, maxPayload: 115 },
        { sf: 9, bandwidthHz: 125000, maxPayload: 115 },
        { sf: 8, bandwidthHz: 125000, maxPayload: 242 },
        { sf: 7, bandwidthHz: 125000, maxPayload: 242 },
        { sf: 7, bandwidthHz: 250000, maxPayload: 242 },
        null,
    ],
    minUplinkDr: 0,
    maxUplinkDr: 6,
    defaultDr: 2,
    maxChannels: 16,
    fixedChannels: false,
    defaultChannels: () => {
        const c: (Channel | null)[] = [channel(923200000, 0, 5), channel(923400000, 0, 5)]
        while (c.length < 16) c.push(null)
        return c
    },
    rx2FrequencyHz: 923200000,
    rx2Dr: 2,
    maxRx1DrOffset: 7,
    rx1Dr: (upDr, offset) => {
        const effective = offset === 6 ? -1 : offset === 7 ? -2 : offset
        return Math.min(5, Math.max(0, upDr - effective))
    },
    rx1FrequencyHz: dynamicRx1FrequencyHz,
    maxEirpDbm: 16,
    maxTxPowerIndex: 7,
    bands: [],
    applyChMask: dynamicChMask,
    validFrequency: (hz) => hz >= 915000000 && hz <= 928000000,
}

// EU868 (RP002-1.0.4 §2.4): the plan of the European buoys.
import { channel, Channel, dynamicChMask, dynamicRx1FrequencyHz, Region } from "../region.js"

/** EU868 DR0..DR6 LoRa (DR7 is FSK, unsupported by this stack), RP002-1.0.4 §2.4.3 / §2.4.6. */
export const EU868: Region = {
    name: "EU868",
    dataRates: [
        { sf: 12, bandwidthHz: 125000, maxPayload: 51 },
        { sf: 11, bandwidthHz: 125000, maxPayload: 51 },
        { sf: 10, bandwidthHz: 125000, maxPayload: 51 },
        { sf: 9, bandwidthHz: 125000, maxPayload: 115 },
        { sf: 8, bandwidthHz: 125000, maxPayload: 242 },
        { sf: 7, bandwidthHz: 125000, maxPayload: 242 },
        { sf: 7, bandwidthHz: 250000, maxPayload: 242 },
        null,
    ],
    minUplinkDr: 0,
    maxUplinkDr: 6,
    defaultDr: 0,
    maxChannels: 16,
    fixedChannels: false,
    defaultChannels: () => {
        const c: (Channel | null)[] = [channel(868100000, 0, 5), channel(868300000, 0, 5), channel(868500000, 0, 5)]
        while (c.length < 16) c.push(null)
        return c
    },
    rx2FrequencyHz: 869525000,
    rx2Dr: 0,
    maxRx1DrOffset: 5,
    rx1Dr: (upDr, offset) => Math.max(0, upDr - offset),
    rx1FrequencyHz: dynamicRx1FrequencyHz,
    maxEirpDbm: 16,
    maxTxPowerIndex: 7,
    // ETSI EN 300 220-2 sub-bands as LoRaMac-node's EU868_BAND0..5 and LMIC's setupChannel use them.
    bands: [
        { minHz: 863000000, maxHz: 865000000, dutyCycle: 0.001 },
        { minHz: 865000000, maxHz: 868000000, dutyCycle: 0.01 },
        { minHz: 868000000, maxHz: 868600000, dutyCycle: 0.01 },
        { minHz: 868700000, maxHz: 869200000, dutyCycle: 0.001 },
        { minHz: 869400000, maxHz: 869650000, dutyCycle: 0.1 },
        { minHz: 869700000, maxHz: 870000000, dutyCycle: 0.01 },
    ],
    applyChMask: dynamicChMask,
    validFrequency: (hz) => hz >= 863000000 && hz <= 870000000,
}

// The status uplink (fPort 2) from the buoy's state. Field meanings: docs/payload-format.md.
import { SENSOR_FAULT_NAMES, StatusMessage } from "@reeflink/codecs"
import { BuoyState } from "./state.js"

export const FAULT_TEMPERATURE = 1
export const FAULT_PRESSURE = 2
export const FAULT_CONDUCTIVITY = 4
export const FAULT_BATTERY = 8

const U16_MAX = 65535
const U32_MAX = 4294967295

function clamp(v: number, min: number, max: number): number {
    return v < min ? min : v > max ? max : v
}

/** SNR as the status carries it: a multiple of 0.25 dB in −32..31.75. */
export function quarterDb(snrDb: number): number {
    return clamp(Math.floor(snrDb * 4 + 0.5), -128, 127) / 4
}

export function faultNames(bits: number): string[] {
    const names: string[] = []
    for (let i = 0; i < SENSOR_FAULT_NAMES.length; i++) if ((bits & (1 << i)) !== 0) names.push(SENSOR_FAULT_NAMES[i])
    return names
}

export interface StatusContext {
    nowMs: number
    resetCause: string
    firmwareVersion: string
    queueDepth: number
    airtimeLast24hMs: number
    sampleIntervalS: number
}

export function buildStatus(s: BuoyState, c: StatusContext): StatusMessage {
    return {
        type: "status",
        batteryMv: clamp(s.batteryMv, 0, U16_MAX),
        firmwareVersion: c.firmwareVersion,
        resetCause: c.resetCause,
        uptimeS: clamp(Math.floor((c.nowMs - s.bootedAtMs) / 1000), 0, U32_MAX),
        queueDepth: clamp(c.queueDepth, 0, U16_MAX),
        droppedSamples: clamp(s.droppedSamples, 0, U32_MAX),
        sensorFaults: faultNames(s.faultBits),
        uplinksSent: clamp(s.uplinksSent, 0, U32_MAX),
        downlinksReceived: clamp(s.downlinksReceived, 0, U16_MAX),
        lastRssiDbm: clamp(Math.floor(s.lastRssiDbm), -32768, 32767),
        lastSnrDb: quarterDb(s.lastSnrDb),
        airtimeLast24hMs: clamp(Math.ceil(c.airtimeLast24hMs), 0, U32_MAX),
        sampleIntervalS: clamp(c.sampleIntervalS, 0, U16_MAX),
    }
}

// The buoy's configuration: defaults, the flash record, and the configuration downlinks (fPort 10,
// docs/payload-format.md) applied to it. Pure: the caller persists and acts on the outcome.
import { CommandResult, ConfigDownlink, MAX_PAYLOAD_BUDGET, MIN_INTERVAL_S, MIN_PAYLOAD_BUDGET, TTN_DAILY_AIRTIME_MS } from "@reeflink/codecs"
import { RecordReader, RecordWriter } from "./record.js"

export interface BuoyConfig {
    /** Seconds between samples (downlink setInterval; 10..65 535 by downlink). */
    sampleIntervalS: number
    /** Samples per measurement uplink; 0 = as many as fit (downlink setBatch). */
    samplesPerUplink: number
    /** Byte budget of a measurement frame; 0 = the data rate's maximum (downlink setBatch). */
    maxPayloadBytes: number
    /** Seconds between periodic status uplinks. */
    statusIntervalS: number
    /** Uplink airtime allowed in any 24 h, ms (The Things Network fair use: 30 s). */
    dailyAirtimeMs: number
    /** A measurement frame goes out at the latest when its oldest sample is this old, s. */
    maxHoldS: number
}

export const DEFAULT_CONFIG: BuoyConfig = {
    sampleIntervalS: 600,
    samplesPerUplink: 0,
    maxPayloadBytes: 0,
    statusIntervalS: 86400,
    dailyAirtimeMs: TTN_DAILY_AIRTIME_MS,
    maxHoldS: 3 * 3600,
}

/** Smallest interval accepted from code (the simulator); downlinks are held to MIN_INTERVAL_S. */
const MIN_LOCAL_INTERVAL_S = 1
const RECORD_VERSION = 1

export function copyConfig(c: BuoyConfig): BuoyConfig {
    return {
        sampleIntervalS: c.sampleIntervalS,
        samplesPerUplink: c.samplesPerUplink,
        maxPayloadBytes: c.maxPayloadBytes,
        statusIntervalS: c.statusIntervalS,
        dailyAirtimeMs: c.dailyAirtimeMs,
        maxHoldS: c.maxHoldS,
    }
}

function isIntIn(v: number, min: number, max: number): boolean {
    return typeof v === "number" && Math.floor(v) === v && v >= min && v <= max
}

/** Null when valid, else the first bad field. */
export function configProblem(c: BuoyConfig): string | null {
    if (!isIntIn(c.sampleIntervalS, MIN_LOCAL_INTERVAL_S, 65535)) return "sampleIntervalS"
    if (!isIntIn(c.samplesPerUplink, 0, 255)) return "samplesPerUplink"
    if (!(c.maxPayloadBytes === 0 || isIntIn(c.maxPayloadBytes, MIN_PAYLOAD_BUDGET, MAX_PAYLOAD_BUDGET))) return "maxPayloadBytes"
    if (!isIntIn(c.statusIntervalS, 60, 4294967295)) return "statusIntervalS"
    if (!isIntIn(c.dailyAirtimeMs, 1000, 86400000)) return "dailyAirtimeMs"
    if (!isIntIn(c.maxHoldS, 0, 4294967295)) return "maxHoldS"
    return null
}

export function encodeConfigRecord(c: BuoyConfig): number[] {
    const w = new RecordWriter()
    w.u8(RECORD_VERSION).u16(c.sampleIntervalS).u8(c.samplesPerUplink).u8(c.maxPayloadBytes)
    w.u32(c.statusIntervalS).u32(c.dailyAirtimeMs).u32(c.maxHoldS)
    return w.bytes
}

/** The stored configuration, or null when the record is missing, of another version or invalid. */
export function decodeConfigRecord(bytes: number[] | null): BuoyConfig | null {
    if (bytes === null) return null
    const r = new RecordReader(bytes)
    if (r.u8() !== RECORD_VERSION) return null
    const c: BuoyConfig = {
        sampleIntervalS: r.u16(),
        samplesPerUplink: r.u8(),
        maxPayloadBytes: r.u8(),
        statusIntervalS: r.u32(),
        dailyAirtimeMs: r.u32(),
        maxHoldS: r.u32(),
    }
    if (r.overrun || r.remaining() !== 0 || configProblem(c) !== null) return null
    return c
}

/** What a configuration downlink asks for besides the new configuration. */
export interface ConfigOutcome {
    config: BuoyConfig
    results: CommandResult[]
    configChanged: boolean
    requestStatus: boolean
    clearQueue: boolean
    reboot: boolean
}

/**
 * Applies the commands in order. The codec has already range-checked the arguments
 * (setInterval ≥ 10 s, budgets 0 or 18..242), so every known command is "ok"; "invalid_argument"
 * guards against a codec that would let a bad value through.
 */
export function applyConfigDownlink(current: BuoyConfig, downlink: ConfigDownlink): ConfigOutcome {
    const config = copyConfig(current)
    const out: ConfigOutcome = { config: config, results: [], configChanged: false, requestStatus: false, clearQueue: false, reboot: false }
    for (let i = 0; i < downlink.commands.length; i++) {
        const c = downlink.commands[i]
        let result = "ok"
        if (c.command === "setInterval") {
            if (isIntIn(c.intervalS as number, MIN_INTERVAL_S, 65535)) {
                config.sampleIntervalS = c.intervalS as number
                out.configChanged = true
            } else result = "invalid_argument"
        } else if (c.command === "setBatch") {
            const budget = c.maxPayloadBytes as number
            if (isIntIn(c.samplesPerUplink as number, 0, 255) && (budget === 0 || isIntIn(budget, MIN_PAYLOAD_BUDGET, MAX_PAYLOAD_BUDGET))) {
                config.samplesPerUplink = c.samplesPerUplink as number
                config.maxPayloadBytes = budget
                out.configChanged = true
            } else result = "invalid_argument"
        } else if (c.command === "requestStatus") {
            out.requestStatus = true
        } else if (c.command === "clearQueue") {
            out.clearQueue = true
        } else if (c.command === "reboot") {
            out.reboot = true
        } else {
            result = "unsupported"
        }
        out.results.push({ command: c.command, result: result })
    }
    return out
}

// The scheduler's rules, as pure functions of the numbers they decide on (docs/firmware.md
// "Uplink scheduling" states them; app.cases.ts tests each one).
import { MAX_PAYLOAD_BUDGET, MAX_SAMPLES_PER_FRAME } from "@reeflink/codecs"
import { AirtimeLedger } from "./airtime.js"
import { BuoyConfig } from "./config.js"

/**
 * Why a measurement frame would be packed now:
 * - "hold": the oldest queued sample has waited config.maxHoldS, or the queue is full (the next
 *   sample would evict one): send whatever fits;
 * - "batch": samplesPerUplink > 0 and that many are queued: send them (or what fits);
 * - "fill": samplesPerUplink = 0: pack, and send only if the frame is full (more samples queued
 *   than fit the byte budget, or the channel set changes inside the queue, or 255 samples);
 * - "none": nothing to do yet.
 */
export type MeasurementTrigger = "none" | "hold" | "batch" | "fill"

export function measurementTrigger(queueLength: number, oldestAgeS: number, config: BuoyConfig, queueCapacity: number): MeasurementTrigger {
    if (queueLength === 0) return "none"
    if (oldestAgeS >= config.maxHoldS || queueLength >= queueCapacity) return "hold"
    if (config.samplesPerUplink > 0) return queueLength >= config.samplesPerUplink ? "batch" : "none"
    return "fill"
}

/** How many queued samples to offer the encoder. */
export function samplesToOffer(queueLength: number, config: BuoyConfig): number {
    const limit = config.samplesPerUplink > 0 ? config.samplesPerUplink : MAX_SAMPLES_PER_FRAME
    return queueLength < limit ? queueLength : limit
}

/** A packed frame is sent unless it was packed to probe ("fill") and is not full yet. */
export function shouldSendFrame(trigger: MeasurementTrigger, consumed: number, offered: number): boolean {
    if (trigger === "hold" || trigger === "batch") return consumed > 0
    if (trigger === "fill") return consumed > 0 && (consumed < offered || consumed >= MAX_SAMPLES_PER_FRAME)
    return false
}

/** Byte budget of a measurement frame: the link's maximum, lowered by config.maxPayloadBytes. */
export function frameBudgetBytes(linkMaxPayload: number, config: BuoyConfig): number {
    let budget = linkMaxPayload < MAX_PAYLOAD_BUDGET ? linkMaxPayload : MAX_PAYLOAD_BUDGET
    if (config.maxPayloadBytes > 0 && config.maxPayloadBytes < budget) budget = config.maxPayloadBytes
    return budget
}

/**
 * Earliest time (≥ nowMs) an uplink of `airtimeMs` may start, or null if never (longer than the
 * budget). Acknowledgements and status ("control") may use the whole daily budget; measurement
 * frames must leave `reserveMs` of it (one status frame's airtime), so that the buoy can always
 * answer a configuration downlink and report its state.
 */
export function uplinkAllowedAtMs(
    nowMs: number,
    airtimeMs: number,
    control: boolean,
    dutyReadyAtMs: number,
    ledger: AirtimeLedger,
    dailyAirtimeMs: number,
    reserveMs: number
): number | null {
    const limit = control ? dailyAirtimeMs : dailyAirtimeMs - reserveMs
    const budgetAt = ledger.earliestMs(nowMs, airtimeMs, limit)
    if (budgetAt === null) return null
    return budgetAt > dutyReadyAtMs ? budgetAt : dutyReadyAtMs > nowMs ? dutyReadyAtMs : nowMs
}

/** The next sample time on the sampling grid strictly after nowMs (missed samples are skipped, not bunched). */
export function nextSampleTimeMs(scheduledMs: number, nowMs: number, intervalS: number): number {
    const step = intervalS * 1000
    if (scheduledMs > nowMs) return scheduledMs
    return scheduledMs + (Math.floor((nowMs - scheduledMs) / step) + 1) * step
}

/** Deep sleep only when the wait is long enough to pay for a reboot; otherwise stay up (light sleep). */
export function sleepKind(nowMs: number, wakeAtMs: number, minDeepSleepMs: number): "deep" | "light" {
    return wakeAtMs - nowMs >= minDeepSleepMs ? "deep" : "light"
}

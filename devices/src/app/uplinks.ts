// Stage "uplink": what to send next, and sending it. Priority: configuration acknowledgements,
// then status (requested, due, or first after a boot), then measurement frames. Every frame must
// pass the duty cycle and the daily airtime budget (schedule.ts uplinkAllowedAtMs); measurement
// frames leave one status frame's airtime of the budget to the other two.
import { encodeUplink, FPORT_STATUS, MeasurementEncoder, MeasurementSample, STATUS_LENGTH } from "@reeflink/codecs"
import { AirtimeLedger, dutyCycleReadyAtMs } from "./airtime.js"
import { BuoyContext } from "./context.js"
import { handleDownlink } from "./downlinks.js"
import { ageOf, QueuedSample, toMeasurement } from "./sample.js"
import { frameBudgetBytes, measurementTrigger, samplesToOffer, shouldSendFrame, uplinkAllowedAtMs } from "./schedule.js"
import { PendingAck } from "./state.js"
import { buildStatus } from "./status.js"

export type UplinkKind = "configAck" | "status" | "measurements"

export interface PlannedUplink {
    kind: UplinkKind
    fPort: number
    bytes: number[]
    /** Measurement frames: queued samples the frame carries; status: the fault bits it reports. */
    consumed: number
    airtimeMs: number
}

export type UplinkDecision = { kind: "send"; uplink: PlannedUplink } | { kind: "wait"; untilMs: number } | { kind: "idle" }

const IDLE: UplinkDecision = { kind: "idle" }

/** True when a status uplink is wanted: asked for, first since boot, or its interval has passed. */
export function statusWanted(ctx: BuoyContext, nowMs: number): boolean {
    const s = ctx.state
    return s.statusRequested || s.lastStatusAtMs < 0 || nowMs >= s.lastStatusAtMs + ctx.config.statusIntervalS * 1000
}

/** True when this wake may have something to send (the link is started only then). */
export function uplinkWork(ctx: BuoyContext, nowMs: number): boolean {
    return ctx.acks.pending.length > 0 || statusWanted(ctx, nowMs) || ctx.queue.length() > 0
}

function ackFrame(ctx: BuoyContext, ack: PendingAck): number[] | null {
    // An ack must fit the current data rate: keep as many results as fit.
    const maxResults = Math.floor((ctx.ports.link.maxPayload() - 2) / 2)
    if (maxResults < 1) return null
    const results = ack.results.length > maxResults ? ack.results.slice(0, maxResults) : ack.results
    const r = encodeUplink({ type: "configAck", seq: ack.seq, results: results })
    return r.ok === true ? r.value.bytes : null
}

function gate(ctx: BuoyContext, nowMs: number, kind: UplinkKind, fPort: number, bytes: number[], consumed: number): UplinkDecision {
    const link = ctx.ports.link
    const airtimeMs = link.airtimeMs(bytes.length)
    const reserveMs = link.airtimeMs(STATUS_LENGTH)
    const at = uplinkAllowedAtMs(nowMs, airtimeMs, kind !== "measurements", ctx.state.dutyReadyAtMs, ctx.ledger, ctx.config.dailyAirtimeMs, reserveMs)
    if (at === null) {
        ctx.ports.log(kind + " frame of " + bytes.length + " B (" + airtimeMs + " ms) can never fit the daily airtime budget")
        return IDLE
    }
    if (at > nowMs) return { kind: "wait", untilMs: at }
    return { kind: "send", uplink: { kind: kind, fPort: fPort, bytes: bytes, consumed: consumed, airtimeMs: airtimeMs } }
}

/** Encodes `offered` with their ages at `endS` (whole seconds of the clock, see planMeasurements). */
async function pack(ctx: BuoyContext, offered: QueuedSample[], endS: number, budget: number) {
    const samples: MeasurementSample[] = []
    for (let i = 0; i < offered.length; i++) samples.push(toMeasurement(offered[i], ageOf(offered[i], endS) as number))
    const encoder = new MeasurementEncoder(samples, budget)
    while (!encoder.step()) await ctx.ports.runtime.yieldNow()
    return encoder.output()
}

/**
 * Packs the head of the queue, just before sending. Ages count to the end of the frame's airtime,
 * when the gateway timestamps it (docs/payload-format.md "Ages"): age = ⌊end⌋ − timeS in whole
 * seconds, the nearest second given that timeS is the sampling time rounded down. The frame's
 * airtime depends on its length, which the ages change: packed once for the longest frame, and
 * again if the actual length ends the frame in another second.
 */
async function planMeasurements(ctx: BuoyContext, nowMs: number): Promise<UplinkDecision> {
    const queue = ctx.queue
    const link = ctx.ports.link
    const nowS = Math.floor(nowMs / 1000)
    const budget = frameBudgetBytes(link.maxPayload(), ctx.config)
    let endS = Math.floor((nowMs + link.airtimeMs(budget)) / 1000)
    let offered = await queue.peek(samplesToOffer(queue.length(), ctx.config))
    // Samples older than the codec can date (194 days) are dropped, oldest first.
    let expired = 0
    while (expired < offered.length && ageOf(offered[expired], endS) === null) expired++
    if (expired > 0) {
        await queue.consume(expired)
        ctx.state.droppedSamples += expired
        ctx.ports.log(expired + " sample(s) too old to send dropped")
        offered = await queue.peek(samplesToOffer(queue.length(), ctx.config))
    }
    ctx.state.droppedSamples += queue.takeLost()
    if (offered.length === 0) return IDLE
    const trigger = measurementTrigger(queue.length(), nowS - offered[0].timeS, ctx.config, queue.capacity())
    if (trigger === "none") return IDLE

    let frame = await pack(ctx, offered, endS, budget)
    if (frame.ok === true) {
        const actualEndS = Math.floor((nowMs + link.airtimeMs(frame.value.bytes.length)) / 1000)
        if (actualEndS !== endS) frame = await pack(ctx, offered, actualEndS, budget)
    }
    if (frame.ok === false) {
        ctx.ports.log("measurement frame not packed: " + frame.error.code + " " + frame.error.message)
        return IDLE
    }
    if (!shouldSendFrame(trigger, frame.value.consumed, offered.length)) return IDLE
    return gate(ctx, nowMs, "measurements", 1, frame.value.bytes, frame.value.consumed)
}

export async function planNextUplink(ctx: BuoyContext, nowMs: number): Promise<UplinkDecision> {
    if (ctx.acks.pending.length > 0) {
        const bytes = ackFrame(ctx, ctx.acks.pending[0])
        if (bytes !== null) return gate(ctx, nowMs, "configAck", 3, bytes, 0)
        ctx.ports.log("acknowledgement " + ctx.acks.pending[0].seq + " does not fit: dropped")
        ctx.acks.pending.shift()
        ctx.acksDirty = true
    }
    if (statusWanted(ctx, nowMs)) {
        const status = buildStatus(ctx.state, {
            nowMs: nowMs,
            resetCause: ctx.state.bootCause,
            firmwareVersion: ctx.options.firmwareVersion,
            queueDepth: ctx.queue.length(),
            airtimeLast24hMs: ctx.ledger.usedMs(nowMs),
            sampleIntervalS: ctx.config.sampleIntervalS,
        })
        const r = encodeUplink(status)
        if (r.ok === true && r.value.bytes.length <= ctx.ports.link.maxPayload()) return gate(ctx, nowMs, "status", FPORT_STATUS, r.value.bytes, ctx.state.faultBits)
        ctx.ports.log("status not sent: " + (r.ok === false ? r.error.message : "larger than the data rate allows"))
    }
    return await planMeasurements(ctx, nowMs)
}

export type SendResult = "sent" | "failed" | "timed_out"

/** Sends a planned uplink; books its airtime whatever the outcome (it may have been transmitted). */
export async function sendUplink(ctx: BuoyContext, u: PlannedUplink): Promise<SendResult> {
    const ports = ctx.ports
    const startMs = ctx.clock.nowMs()
    const r = await ports.runtime.withTimeout(async () => await ports.link.send({ fPort: u.fPort, payload: u.bytes, confirmed: false }), ctx.options.sendTimeoutMs)
    bookAirtime(ctx.ledger, ctx, startMs, u.airtimeMs)
    if (r.ok === false) {
        ctx.state.sendFailures++
        ports.log(u.kind + " uplink failed (" + (r.timedOut ? "timeout" : r.message) + "), " + ctx.state.sendFailures + " in a row")
        return r.timedOut ? "timed_out" : "failed"
    }
    const s = ctx.state
    s.sendFailures = 0
    s.uplinksSent++
    if (u.kind === "configAck") {
        ctx.acks.last = ctx.acks.pending[0]
        ctx.acks.pending.shift()
        ctx.acksDirty = true
    } else if (u.kind === "status") {
        s.lastStatusAtMs = startMs
        s.statusRequested = false
        // Only the faults this status reported (a fault is cleared once it has been reported).
        s.faultBits &= ~u.consumed
    } else {
        await ctx.queue.consume(u.consumed)
    }
    if (r.value !== null) await handleDownlink(ctx, r.value)
    return "sent"
}

function bookAirtime(ledger: AirtimeLedger, ctx: BuoyContext, startMs: number, airtimeMs: number): void {
    ledger.record(startMs + airtimeMs, airtimeMs)
    ctx.ledgerDirty = true
    const ready = dutyCycleReadyAtMs(startMs, airtimeMs, ctx.options.dutyCycle)
    if (ready > ctx.state.dutyReadyAtMs) ctx.state.dutyReadyAtMs = ready
}

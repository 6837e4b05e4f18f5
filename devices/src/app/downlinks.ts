// Stage "downlink": configuration commands (fPort 10) applied, persisted, and queued for
// acknowledgement (fPort 3) in the next uplink. A downlink repeating the sequence number of the
// last one applied (or of one still waiting for its ack) is acknowledged again, not re-applied:
// a network server retrying an unacknowledged downlink must not reboot the buoy twice.
import { decodeDownlink, FPORT_CONFIG } from "@reeflink/codecs"
import { LinkDownlink } from "../link.js"
import { applyConfigDownlink, encodeConfigRecord } from "./config.js"
import { BuoyContext, CONFIG_KEY } from "./context.js"
import { MAX_ACK_RESULTS, MAX_PENDING_ACKS, PendingAck } from "./state.js"

const U16_MAX = 65535

export async function handleDownlink(ctx: BuoyContext, d: LinkDownlink): Promise<void> {
    const s = ctx.state
    if (s.downlinksReceived < U16_MAX) s.downlinksReceived++
    s.lastRssiDbm = d.rssiDbm
    s.lastSnrDb = d.snrDb
    if (d.fPort !== FPORT_CONFIG) {
        ctx.ports.log("downlink on fPort " + d.fPort + " ignored")
        return
    }
    const decoded = decodeDownlink(d.payload, d.fPort)
    if (decoded.ok === false) {
        // Without a decoded sequence number and known opcodes there is nothing to acknowledge.
        ctx.ports.log("configuration downlink rejected: " + decoded.error.code + " at byte " + decoded.error.offset)
        return
    }
    const downlink = decoded.value
    for (let i = 0; i < ctx.acks.pending.length; i++) {
        if (ctx.acks.pending[i].seq === downlink.seq) {
            ctx.ports.log("downlink " + downlink.seq + " repeated while its ack is pending")
            return
        }
    }
    if (ctx.acks.last !== null && ctx.acks.last.seq === downlink.seq) {
        ctx.ports.log("downlink " + downlink.seq + " repeated: acknowledging again")
        queueAck(ctx, ctx.acks.last)
        return
    }

    const outcome = applyConfigDownlink(ctx.config, downlink)
    if (outcome.configChanged) {
        const oldIntervalMs = ctx.config.sampleIntervalS * 1000
        ctx.config = outcome.config
        await ctx.ports.store.write(CONFIG_KEY, encodeConfigRecord(ctx.config))
        // Keep the grid anchored at the last sample; a shorter interval may make a sample due now.
        const lastSampleMs = s.nextSampleAtMs - oldIntervalMs
        const candidate = lastSampleMs + ctx.config.sampleIntervalS * 1000
        const nowMs = ctx.clock.nowMs()
        s.nextSampleAtMs = candidate > nowMs ? candidate : nowMs
    }
    if (outcome.requestStatus) s.statusRequested = true
    if (outcome.clearQueue) await ctx.queue.clear()
    if (outcome.reboot) s.rebootAfterAck = true
    const results = outcome.results.length > MAX_ACK_RESULTS ? outcome.results.slice(0, MAX_ACK_RESULTS) : outcome.results
    queueAck(ctx, { seq: downlink.seq, results: results })
    ctx.ports.log("downlink " + downlink.seq + " applied: " + results.length + " command(s)")
}

function queueAck(ctx: BuoyContext, ack: PendingAck): void {
    ctx.acks.pending.push(ack)
    if (ctx.acks.pending.length > MAX_PENDING_ACKS) ctx.acks.pending.shift()
    ctx.acksDirty = true
}

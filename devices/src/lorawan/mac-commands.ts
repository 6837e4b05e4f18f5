// MAC commands of LoRaWAN 1.0.4 §5 that a network server sends to a Class A device, and the
// answers the device queues for its next uplink. The handling of each request follows the spec
// and Semtech's reference MAC (LoRaMac-node src/mac/LoRaMac.c ProcessMacCommands and
// src/mac/region/RegionCommon.c / RegionEU868.c): a request is applied only when every field is
// acceptable, and the answer's status bits say which field was not.
import { readUint16LE, readUint24LE } from "./bytes.js"
import { MacParams, setChannelEnabled } from "./mac-params.js"
import { Region, usableChannel } from "./region.js"

/** Command identifiers (CIDs), 1.0.4 Table 4; the same CID serves the request and its answer. */
export const enum Cid {
    LinkCheck = 0x02,
    LinkAdr = 0x03,
    DutyCycle = 0x04,
    RxParamSetup = 0x05,
    DevStatus = 0x06,
    NewChannel = 0x07,
    RxTimingSetup = 0x08,
    TxParamSetup = 0x09,
    DlChannel = 0x0a,
    DeviceTime = 0x0d,
}

/** Payload length of each downlink (server → device) command, by CID; -1 = unknown. */
export function downlinkCommandLength(cid: number): number {
    switch (cid) {
        case Cid.LinkCheck:
            return 2
        case Cid.LinkAdr:
            return 4
        case Cid.DutyCycle:
            return 1
        case Cid.RxParamSetup:
            return 4
        case Cid.DevStatus:
            return 0
        case Cid.NewChannel:
            return 5
        case Cid.RxTimingSetup:
            return 1
        case Cid.TxParamSetup:
            return 1
        case Cid.DlChannel:
            return 4
        case Cid.DeviceTime:
            return 5
    }
    return -1
}

/** Payload length of each uplink (device → server) command this MAC sends, by CID. */
export function uplinkCommandLength(cid: number): number {
    switch (cid) {
        case Cid.LinkAdr:
        case Cid.RxParamSetup:
        case Cid.NewChannel:
        case Cid.DlChannel:
            return 1
        case Cid.DevStatus:
            return 2
    }
    return 0
}

/** What the handler needs to know about the device and the downlink that carried the commands. */
export interface MacCommandContext {
    region: Region
    adrEnabled: boolean
    /** SNR of the downlink carrying the commands (DevStatusAns margin). */
    snrDb: number
    /** DevStatusAns battery: 0 external power, 1..254 level, 255 unknown (§5.5). */
    battery: number
}

export interface MacCommandOutcome {
    /** Answers to send once, in the next uplink. */
    answers: number[]
    /** Answers to repeat in every uplink until a downlink arrives (§5.4, §5.7, §5.11: "sticky"). */
    stickyAnswers: number[]
    /** True when params changed (the MAC persists them). */
    paramsChanged: boolean
    /** LinkCheckAns, when the frame had one. */
    linkCheck: { marginDb: number; gatewayCount: number } | null
    /** Commands understood (in order), for logs and tests. */
    handled: number[]
    /** Bytes left unparsed after an unknown or truncated command (the rest of FOpts is dropped, §5). */
    ignoredBytes: number
}

/** LinkADRReq fields (§5.3). */
interface LinkAdrReq {
    dr: number
    txPower: number
    chMask: number
    chMaskCntl: number
    nbTrans: number
}

function readLinkAdr(cmds: number[], at: number): LinkAdrReq {
    return {
        dr: cmds[at] >> 4,
        txPower: cmds[at] & 0x0f,
        chMask: readUint16LE(cmds, at + 1),
        chMaskCntl: (cmds[at + 3] >> 4) & 0x07,
        nbTrans: cmds[at + 3] & 0x0f,
    }
}

/**
 * Applies a block of contiguous LinkADRReq commands as one request (1.0.4 §5.3.1: the channel
 * mask is built by the whole block, the other fields come from the last command) and returns the
 * LinkADRAns status: bit 0 channel mask ACK, bit 1 data rate ACK, bit 2 power ACK.
 */
function linkAdrBlock(p: MacParams, ctx: MacCommandContext, reqs: LinkAdrReq[]): number {
    const region = ctx.region
    const mask = p.mask.slice(0)
    let maskOk = true
    for (const r of reqs) if (!region.applyChMask(p.channels, mask, r.chMaskCntl, r.chMask)) maskOk = false
    let anyEnabled = false
    for (let i = 0; i < region.maxChannels; i++) if ((mask[i >> 4] >> (i & 15)) & 1) anyEnabled = true
    if (!anyEnabled) maskOk = false

    const last = reqs[reqs.length - 1]
    // With ADR off the device keeps its own data rate, power and NbTrans and only takes the mask
    // (LoRaMac-node RegionCommonLinkAdrReqVerifyParams); 0xF means "keep the current value" (1.0.4).
    const dr = !ctx.adrEnabled || last.dr === 0x0f ? p.dr : last.dr
    const txPower = !ctx.adrEnabled || last.txPower === 0x0f ? p.txPowerIndex : last.txPower
    const nbTrans = !ctx.adrEnabled ? p.nbTrans : last.nbTrans === 0 ? 1 : last.nbTrans

    let drOk = dr >= region.minUplinkDr && dr <= region.maxUplinkDr && region.dataRates[dr] !== null
    if (drOk) {
        // At least one channel of the new mask must carry the data rate.
        let carried = false
        for (let i = 0; i < region.maxChannels; i++) {
            const c = p.channels[i]
            if ((mask[i >> 4] >> (i & 15)) & 1 && c !== null && dr >= c.minDr && dr <= c.maxDr) carried = true
        }
        drOk = carried
    }
    const powerOk = txPower <= region.maxTxPowerIndex
    const status = (powerOk ? 4 : 0) | (drOk ? 2 : 0) | (maskOk ? 1 : 0)
    if (status === 7) {
        p.dr = dr
        p.txPowerIndex = txPower
        p.nbTrans = nbTrans
        p.mask = mask
    }
    return status
}

/**
 * Processes the MAC commands of one downlink (FOpts, or the FRMPayload of an FPort 0 frame),
 * changing `p` in place and returning the answers. Parsing stops at the first unknown CID or
 * truncated command, since the length of what follows is then unknown (§5).
 */
export function handleMacCommands(cmds: number[], p: MacParams, ctx: MacCommandContext): MacCommandOutcome {
    const out: MacCommandOutcome = {
        answers: [],
        stickyAnswers: [],
        paramsChanged: false,
        linkCheck: null,
        handled: [],
        ignoredBytes: 0,
    }
    const region = ctx.region
    let adrBlockDone = false
    let i = 0
    while (i < cmds.length) {
        const cid = cmds[i]
        const len = downlinkCommandLength(cid)
        if (len < 0 || i + 1 + len > cmds.length) {
            out.ignoredBytes = cmds.length - i
            break
        }
        const at = i + 1
        i = at + len
        out.handled.push(cid)
        if (cid === Cid.LinkCheck) {
            out.linkCheck = { marginDb: cmds[at], gatewayCount: cmds[at + 1] }
        } else if (cid === Cid.LinkAdr) {
            // Gather the contiguous block; a later, separate block is ignored (LoRaMac-node does the same).
            const reqs: LinkAdrReq[] = [readLinkAdr(cmds, at)]
            while (i < cmds.length && cmds[i] === Cid.LinkAdr && i + 5 <= cmds.length) {
                reqs.push(readLinkAdr(cmds, i + 1))
                out.handled.push(Cid.LinkAdr)
                i += 5
            }
            if (adrBlockDone) continue
            adrBlockDone = true
            const status = linkAdrBlock(p, ctx, reqs)
            if (status === 7) out.paramsChanged = true
            for (let k = 0; k < reqs.length; k++) out.answers.push(Cid.LinkAdr, status)
        } else if (cid === Cid.DutyCycle) {
            p.maxDutyCycle = cmds[at] & 0x0f
            out.paramsChanged = true
            out.answers.push(Cid.DutyCycle)
        } else if (cid === Cid.RxParamSetup) {
            const rx1DrOffset = (cmds[at] >> 4) & 0x07
            let rx2Dr = cmds[at] & 0x0f
            if (rx2Dr === 0x0f) rx2Dr = p.rx2Dr // 1.0.4: 0xF keeps the current value
            const freq = readUint24LE(cmds, at + 1) * 100
            const freqOk = region.validFrequency(freq)
            const drOk = region.dataRates[rx2Dr] !== undefined && region.dataRates[rx2Dr] !== null
            const offsetOk = rx1DrOffset <= region.maxRx1DrOffset
            const status = (offsetOk ? 4 : 0) | (drOk ? 2 : 0) | (freqOk ? 1 : 0)
            if (status === 7) {
                p.rx1DrOffset = rx1DrOffset
                p.rx2Dr = rx2Dr
                p.rx2FrequencyHz = freq
                out.paramsChanged = true
            }
            out.stickyAnswers.push(Cid.RxParamSetup, status)
        } else if (cid === Cid.DevStatus) {
            let margin = Math.floor(ctx.snrDb + 0.5)
            if (margin > 31) margin = 31
            if (margin < -32) margin = -32
            out.answers.push(Cid.DevStatus, ctx.battery & 0xff, margin & 0x3f)
        } else if (cid === Cid.NewChannel) {
            if (region.fixedChannels) continue // not defined for fixed plans: no answer (LoRaMac-node)
            const ch = cmds[at]
            const freq = readUint24LE(cmds, at + 1) * 100
            const minDr = cmds[at + 4] & 0x0f
            const maxDr = cmds[at + 4] >> 4
            const defaults = region.defaultChannels()
            let freqOk: boolean
            let drOk: boolean
            if (ch >= region.maxChannels || defaults[ch] !== null) {
                // The default channels cannot be changed (RP002; LoRaMac-node RegionEU868ChannelAdd).
                freqOk = false
                drOk = false
            } else if (freq === 0) {
                // Frequency 0 removes the channel; its DR range does not matter.
                freqOk = true
                drOk = true
            } else {
                freqOk = region.validFrequency(freq)
                drOk = minDr <= maxDr && maxDr <= region.maxUplinkDr && region.dataRates[minDr] !== null && region.dataRates[maxDr] !== null
            }
            const status = (drOk ? 2 : 0) | (freqOk ? 1 : 0)
            if (status === 3) {
                if (freq === 0) {
                    p.channels[ch] = null
                    setChannelEnabled(p.mask, ch, false)
                } else {
                    p.channels[ch] = { frequencyHz: freq, minDr: minDr, maxDr: maxDr, rx1FrequencyHz: 0 }
                    setChannelEnabled(p.mask, ch, true)
                }
                out.paramsChanged = true
            }
            out.answers.push(Cid.NewChannel, status)
        } else if (cid === Cid.RxTimingSetup) {
            let del = cmds[at] & 0x0f
            if (del === 0) del = 1
            p.rxDelay1Ms = del * 1000
            out.paramsChanged = true
            out.stickyAnswers.push(Cid.RxTimingSetup)
        } else if (cid === Cid.TxParamSetup) {
            // Dwell-time limits exist only in AS923 and are not implemented: no answer, so the
            // network knows the device did not take them (LoRaMac-node's EU868 does the same).
        } else if (cid === Cid.DlChannel) {
            if (region.fixedChannels) continue
            const ch = cmds[at]
            const freq = readUint24LE(cmds, at + 1) * 100
            const freqOk = region.validFrequency(freq)
            const exists = ch < region.maxChannels && p.channels[ch] !== null
            const status = (exists ? 2 : 0) | (freqOk ? 1 : 0)
            if (status === 3) {
                const c = p.channels[ch]
                if (c !== null) p.channels[ch] = { frequencyHz: c.frequencyHz, minDr: c.minDr, maxDr: c.maxDr, rx1FrequencyHz: freq }
                out.paramsChanged = true
            }
            out.stickyAnswers.push(Cid.DlChannel, status)
        }
        // DeviceTimeAns: parsed for its length only (this device does not request the time).
    }
    return out
}

/** Whole commands from `queue` that fit in `room` bytes, and what is left for later. */
export function takeCommands(queue: number[], room: number): { taken: number[]; rest: number[] } {
    const taken: number[] = []
    let i = 0
    while (i < queue.length) {
        const n = 1 + uplinkCommandLength(queue[i])
        if (taken.length + n > room) break
        for (let k = 0; k < n; k++) taken.push(queue[i + k])
        i += n
    }
    return { taken: taken, rest: queue.slice(i) }
}

/** True when the mask enables at least one defined channel that carries `dr`. */
export function drUsable(p: MacParams, region: Region, dr: number): boolean {
    for (let i = 0; i < region.maxChannels; i++) {
        const c = usableChannel(p.channels, p.mask, i)
        if (c !== null && dr >= c.minDr && dr <= c.maxDr) return true
    }
    return false
}

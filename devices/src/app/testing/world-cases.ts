// The buoy application end to end in a simulated world (simulation.ts): scripted sensors and radio,
// flash that survives resets, every deep sleep a reset. Run in the DeviceScript VM
// (src/app/app.vmtest.ts) and in Node (devices/test/app.test.ts).
import { ConfigAck, decodeUplink, encodeDownlink, FPORT_CONFIG_ACK, FPORT_STATUS, StatusMessage } from "@reeflink/codecs"
import { LinkDownlink } from "../../link.js"
import { decodeConfigRecord } from "../config.js"
import { BuoyOptions, buoyOptions, CONFIG_KEY, STATE_KEY } from "../context.js"
import { decodeState } from "../state.js"
import { checkEqual, checkTrue, TestCase, TestEnv } from "./check.js"
import { BuoyWorld } from "./simulation.js"

const MINUTE = 60000
const HOUR = 3600000

function options(o: { samplesPerUplink?: number; sampleIntervalS?: number; statusIntervalS?: number; smallQueue?: boolean; minDeepSleepMs?: number }): BuoyOptions {
    return buoyOptions({
        firmwareVersion: "0.2.0",
        initialConfig: {
            sampleIntervalS: o.sampleIntervalS !== undefined ? o.sampleIntervalS : 600,
            samplesPerUplink: o.samplesPerUplink !== undefined ? o.samplesPerUplink : 0,
            maxPayloadBytes: 0,
            statusIntervalS: o.statusIntervalS !== undefined ? o.statusIntervalS : 86400,
            dailyAirtimeMs: 30000,
            maxHoldS: 3 * 3600,
        },
        queue: o.smallQueue ? { segmentSamples: 4, maxSegments: 3 } : undefined,
        minDeepSleepMs: o.minDeepSleepMs,
        sensorTimeoutMs: 50,
        sendTimeoutMs: 50,
        linkStartTimeoutMs: 50,
    })
}

function configDownlink(seq: number, commands: { command: string; intervalS?: number }[]): LinkDownlink {
    const r = encodeDownlink({ type: "config", seq: seq, commands: commands })
    if (r.ok === false) throw new Error("test downlink does not encode: " + r.error.message)
    return { fPort: r.value.fPort, payload: r.value.bytes, rssiDbm: -110, snrDb: -5.5 }
}

function statuses(w: BuoyWorld): StatusMessage[] {
    const out: StatusMessage[] = []
    for (let i = 0; i < w.sent.length; i++) {
        if (w.sent[i].fPort !== FPORT_STATUS) continue
        const r = decodeUplink(w.sent[i].bytes, FPORT_STATUS)
        if (r.ok === true && r.value.type === "status") out.push(r.value)
    }
    return out
}

function acks(w: BuoyWorld): ConfigAck[] {
    const out: ConfigAck[] = []
    for (let i = 0; i < w.sent.length; i++) {
        if (w.sent[i].fPort !== FPORT_CONFIG_ACK) continue
        const r = decodeUplink(w.sent[i].bytes, FPORT_CONFIG_ACK)
        if (r.ok === true && r.value.type === "configAck") out.push(r.value)
    }
    return out
}

function ports(w: BuoyWorld): number[] {
    const out: number[] = []
    for (let i = 0; i < w.sent.length; i++) out.push(w.sent[i].fPort)
    return out
}

function countLog(w: BuoyWorld, text: string): number {
    let n = 0
    for (let i = 0; i < w.log.length; i++) if (w.log[i].indexOf(text) >= 0) n++
    return n
}

/** Pseudo-random 12-bit wiggle, so that frames fill up like real data. */
function noisy(base: number, scale: number): (i: number) => number {
    return (i: number) => base + scale * i + ((Math.imul(i + 1, 0x9e3779b1) >>> 20) & 0xfff)
}

/** Every sampled value reaches a frame unchanged, once, with the time it was taken (±1 s). */
async function checkSamplesArrive(w: BuoyWorld, count: number, intervalMs: number, what: string): Promise<void> {
    const got = await w.measurements()
    checkEqual(got.length, count, what + ": samples received")
    for (let k = 0; k < got.length; k++) {
        if (k % 8 === 0) await w.env.yieldNow()
        const s = got[k].sample
        checkEqual(
            [s.temperatureRaw, s.pressureRaw, s.conductivityRaw],
            [w.temperature.value(k), w.pressure.value(k), w.conductivity.value(k)],
            what + ": values of sample " + k
        )
        const t = got[k].atMs - k * intervalMs
        checkTrue(t >= -1000 && t <= 1000, what + ": sample " + k + " dated " + got[k].atMs + " ms, taken at " + k * intervalMs)
    }
}

/**
 * Every sample reaches a frame once, in order, and is dated (end of airtime − age) within a second
 * of the world time its sensors were read, however many wakes, restarts and reboots it waited.
 */
async function checkTrueAges(w: BuoyWorld, what: string): Promise<number> {
    const got = await w.measurements()
    for (let k = 0; k < got.length; k++) {
        if (k % 8 === 0) await w.env.yieldNow()
        checkEqual(got[k].sample.temperatureRaw, w.temperature.value(k), what + ": sample " + k)
        const err = got[k].atMs - w.temperature.readAtMs[k]
        checkTrue(err > -1000 && err < 1000, what + ": sample " + k + " dated " + err + " ms from when it was taken")
    }
    return got.length
}

/** Radio down for an hour (three failed sends, then the radio watchdog's reboot, twice), then back. */
async function outageWithReboots(w: BuoyWorld): Promise<void> {
    await w.runUntil(25 * MINUTE)
    w.radioMode = "fail"
    await w.runUntil(85 * MINUTE)
    checkEqual(w.reboots, 2, "the radio watchdog rebooted after each three failed sends")
    w.radioMode = "ok"
    await w.runUntil(4 * HOUR)
}

export const WORLD_CASES: TestCase[] = [
    {
        name: "first boot: status first; a regular series goes out when its oldest sample has waited 3 h",
        run: async (env: TestEnv) => {
            const w = new BuoyWorld(env, options({}), 0)
            await w.runUntil(4 * HOUR)
            const st = statuses(w)
            checkEqual([st[0].resetCause, st[0].queueDepth, st[0].batteryMv, st[0].firmwareVersion], ["power_on", 1, 3900, "0.2.0"], "boot status")
            checkEqual(ports(w), [2, 1], "one status, one measurement frame")
            checkEqual(w.sent[1].atMs, 3 * HOUR, "the frame leaves at maxHoldS")
            await checkSamplesArrive(w, 19, 10 * MINUTE, "held frame")
            checkEqual(countLog(w, "boot: deep_sleep_wake"), w.deepSleeps - 1, "every wake after a deep sleep boots from flash")
            checkTrue(w.deepSleeps >= 23, "deep sleep between samples")
            checkEqual(w.watchdogMs, 0, "device watchdog disarmed for deep sleep")
        },
    },
    {
        name: "SF12 with noisy data: frames leave when full (≤ 51 bytes), values and ages unchanged",
        run: async (env: TestEnv) => {
            const w = new BuoyWorld(env, options({}), 0)
            w.temperature.value = noisy(120000, 3)
            w.pressure.value = noisy(5000, 1)
            w.conductivity.value = noisy(530000, 2)
            await w.runUntil(6 * HOUR)
            let frames = 0
            for (let i = 0; i < w.sent.length; i++) {
                checkTrue(w.sent[i].bytes.length <= 51, "frame " + i + " fits DR0")
                if (w.sent[i].fPort === 1) frames++
            }
            checkTrue(frames >= 2, "several full frames in 6 h (" + frames + ")")
            const got = await w.measurements()
            checkTrue(got.length >= 24, "most samples sent")
            await checkSamplesArrive(w, got.length, 10 * MINUTE, "full frames")
        },
    },
    {
        name: "configuration downlink: applied, persisted, acknowledged before the requested status",
        run: async (env: TestEnv) => {
            const w = new BuoyWorld(env, options({}), 0)
            w.downlinks.push(configDownlink(5, [{ command: "setInterval", intervalS: 1200 }, { command: "requestStatus" }]))
            await w.runUntil(2 * HOUR)
            checkEqual(ports(w).slice(0, 3), [2, 3, 2], "boot status, ack, requested status")
            checkEqual(acks(w)[0], { type: "configAck", seq: 5, results: [{ command: "setInterval", result: "ok" }, { command: "requestStatus", result: "ok" }] }, "ack")
            checkEqual(w.sent[1].atMs >= w.sent[0].atMs + w.sent[0].airtimeMs * 100, true, "the ack waited for the duty cycle")
            const stored = decodeConfigRecord(await w.store.read(CONFIG_KEY))
            checkEqual(stored !== null ? stored.sampleIntervalS : 0, 1200, "interval persisted")
            checkEqual(statuses(w)[1].sampleIntervalS, 1200, "status reports the new interval")
            const state = decodeState(await w.store.read(STATE_KEY))
            checkEqual(state !== null ? [state.downlinksReceived, state.lastRssiDbm, state.lastSnrDb] : [], [1, -110, -5.5], "downlink counters")
            // The same seq again (a network server retrying): acknowledged again with the first
            // results, not applied (its clearQueue would be).
            w.downlinks.push(configDownlink(5, [{ command: "clearQueue" }]))
            await w.runUntil(4 * HOUR)
            const a = acks(w)
            checkEqual(a.length, 2, "acknowledged twice")
            checkEqual(a[1], a[0], "with the first results")
        },
    },
    {
        name: "reboot command: acknowledged first, then the buoy reboots and reports resetCause software",
        run: async (env: TestEnv) => {
            const w = new BuoyWorld(env, options({}), 0)
            w.downlinks.push(configDownlink(9, [{ command: "reboot" }]))
            await w.runUntil(1 * HOUR)
            checkEqual(w.reboots, 1, "rebooted once")
            checkEqual(ports(w).slice(0, 3), [2, 3, 2], "status, ack, status after the reboot")
            checkEqual(acks(w)[0].results, [{ command: "reboot", result: "ok" }], "ack")
            checkEqual(statuses(w)[1].resetCause, "software", "reset cause")
        },
    },
    {
        name: "a hung sensor: its channel is left out, the others still go, the fault is reported",
        run: async (env: TestEnv) => {
            const w = new BuoyWorld(env, options({ samplesPerUplink: 3 }), 5)
            await w.runUntil(1 * HOUR - 1)
            w.conductivity.mode = "hang"
            await w.runUntil(2 * HOUR - 1)
            w.conductivity.mode = "ok"
            w.downlinks.push(configDownlink(1, [{ command: "requestStatus" }]))
            await w.runUntil(3 * HOUR - 1)
            const got = await w.measurements()
            checkEqual(got.length, 18, "every sample sent")
            for (let k = 0; k < got.length; k++) {
                await env.yieldNow()
                const hung = k >= 6 && k < 12
                checkEqual(got[k].sample.conductivityRaw === undefined, hung, "conductivity of sample " + k)
                checkEqual(got[k].sample.temperatureRaw !== undefined && got[k].sample.pressureRaw !== undefined, true, "other channels of sample " + k)
            }
            checkTrue(w.conductivity.resets >= 6, "the driver is reset after each failure")
            const st = statuses(w)
            checkEqual(st[st.length - 1].sensorFaults, ["conductivity"], "fault reported in the next status")
        },
    },
    {
        name: "a hung radio: after three timed-out sends the watchdog reboots; no sample is lost",
        run: async (env: TestEnv) => {
            const w = new BuoyWorld(env, options({ samplesPerUplink: 1 }), 5)
            await w.runUntil(5 * MINUTE)
            w.radioMode = "hang"
            await w.runUntil(35 * MINUTE)
            checkEqual(w.reboots, 1, "watchdog reboot")
            checkEqual(countLog(w, "radio watchdog"), 1, "logged")
            w.radioMode = "ok"
            await w.runUntil(3 * HOUR)
            checkEqual(statuses(w)[1].resetCause, "watchdog", "reported after the reboot")
            const got = await w.measurements()
            checkTrue(got.length >= 15, "samples sent after the radio came back")
            await checkSamplesArrive(w, got.length, 10 * MINUTE, "after the radio hang")
        },
    },
    {
        name: "duty cycle and the 30 s daily budget hold at SF12 with a frame every 5 minutes; status keeps its reserve",
        run: async (env: TestEnv) => {
            const w = new BuoyWorld(env, options({ samplesPerUplink: 1, sampleIntervalS: 300, statusIntervalS: 4 * 3600 }), 0)
            await w.runUntil(6 * HOUR)
            for (let i = 0; i < w.sent.length; i++) {
                await env.yieldNow()
                const u = w.sent[i]
                checkTrue(w.airtimeIn24h(u.atMs) <= 30000, "24 h airtime at uplink " + i)
                if (i > 0) {
                    const p = w.sent[i - 1]
                    checkTrue(u.atMs >= p.atMs + p.airtimeMs * 100, "duty cycle between uplinks " + (i - 1) + " and " + i)
                }
            }
            checkTrue(w.airtimeIn24h(6 * HOUR) > 25000, "the budget was used")
            const st = statuses(w)
            checkTrue(st.length >= 2, "the 4-hourly status still left after the budget filled")
            checkTrue(w.queueLength() > 30, "samples wait in the queue for the budget")
        },
    },
    {
        name: "out of coverage: a full queue evicts the oldest, the status counts them",
        run: async (env: TestEnv) => {
            const w = new BuoyWorld(env, options({ smallQueue: true, samplesPerUplink: 1 }), 5)
            w.link.setJoins(false)
            await w.runUntil(20 * 10 * MINUTE - 1)
            checkEqual(w.sent.length, 0, "nothing sent")
            w.link.setJoins(true)
            await w.runUntil(21 * 10 * MINUTE)
            const st = statuses(w)
            checkEqual([st[0].droppedSamples, st[0].queueDepth], [21 - 12, 12], "21 samples into 12 places")
            const got = await w.measurements()
            checkEqual(got[0].sample.temperatureRaw, 100000 + 9, "the oldest kept is sample 9")
        },
    },
    {
        name: "clearQueue: the queue is emptied and nothing counts as dropped",
        run: async (env: TestEnv) => {
            const w = new BuoyWorld(env, options({}), 0)
            w.downlinks.push(configDownlink(3, [{ command: "clearQueue" }, { command: "requestStatus" }]))
            await w.runUntil(30 * MINUTE)
            const st = statuses(w)
            checkEqual([st[1].queueDepth <= 3, st[1].droppedSamples], [true, 0], "requested status after clearQueue")
        },
    },
    {
        name: "restarts take 1.5 s and the counter keeps running (the simulator VM): ages stay true through an outage and watchdog reboots",
        run: async (env: TestEnv) => {
            const w = new BuoyWorld(env, options({ samplesPerUplink: 1 }), 5)
            w.bootMs = 1500
            w.counterSurvivesReset = true
            await outageWithReboots(w)
            checkTrue((await checkTrueAges(w, "VM-like restarts")) >= 23, "every sample sent")
        },
    },
    {
        name: "boots take 1.5 s and the counter restarts with the chip (a board): ages stay true through an outage and watchdog reboots",
        run: async (env: TestEnv) => {
            const w = new BuoyWorld(env, options({ samplesPerUplink: 1 }), 5)
            w.bootMs = 1500
            await outageWithReboots(w)
            checkTrue((await checkTrueAges(w, "board-like boots")) >= 23, "every sample sent")
        },
    },
    {
        name: "a sensor fault not yet reported survives the watchdog's reboot: the next status names it, then it is cleared",
        run: async (env: TestEnv) => {
            const w = new BuoyWorld(env, options({ samplesPerUplink: 1 }), 5)
            await w.runUntil(15 * MINUTE)
            w.conductivity.mode = "fail"
            w.radioMode = "fail"
            await w.runUntil(21 * MINUTE)
            w.conductivity.mode = "ok" // one failed read (the sample at 20 min), back before the reboot
            await w.runUntil(55 * MINUTE)
            checkEqual(w.reboots, 1, "rebooted by the radio watchdog before any status could go")
            w.radioMode = "ok"
            await w.runUntil(2 * HOUR)
            const st = statuses(w)
            checkEqual([st.length, st[0].sensorFaults], [2, []], "boot status, then one after the reboot")
            checkEqual([st[1].resetCause, st[1].sensorFaults], ["watchdog", ["conductivity"]], "the status after the reboot reports the fault")
            const state = decodeState(await w.store.read(STATE_KEY))
            checkEqual(state !== null ? state.faultBits : -1, 0, "cleared once reported")
        },
    },
    {
        name: "a sensor fault then a power loss while awake: the fault is in flash, the status after the boot names it",
        run: async (env: TestEnv) => {
            const w = new BuoyWorld(env, options({ minDeepSleepMs: 100 * HOUR }), 5)
            w.link.setJoins(false)
            await w.runUntil(25 * MINUTE)
            w.conductivity.mode = "fail"
            await w.runUntil(35 * MINUTE)
            w.conductivity.mode = "ok"
            w.resetPending = true // power lost while awake, before any deep-sleep checkpoint
            await w.wake()
            w.link.setJoins(true)
            await w.runUntil(1 * HOUR)
            const st = statuses(w)
            checkEqual([st[0].resetCause, st[0].sensorFaults], ["unknown", ["conductivity"]], "first status, after the power loss")
        },
    },
    {
        name: "a crash while awake: resetCause unknown, and the clock never runs behind the newest sample",
        run: async (env: TestEnv) => {
            const w = new BuoyWorld(env, options({ smallQueue: true, minDeepSleepMs: 100 * HOUR }), 0)
            w.link.setJoins(false)
            await w.runUntil(1 * HOUR)
            w.resetPending = true // power lost while awake: nothing persisted since the boot
            await w.wake()
            checkEqual(countLog(w, "boot: unknown"), 1, "reset cause")
            w.link.setJoins(true)
            await w.runUntil(5 * HOUR)
            const got = await w.measurements()
            checkTrue(got.length >= 4, "samples sent")
            for (let k = 1; k < got.length; k++) {
                if (k % 8 === 0) await env.yieldNow()
                checkTrue(got[k].atMs > got[k - 1].atMs, "sample " + k + " after sample " + (k - 1))
            }
            checkEqual(got[0].sample.temperatureRaw, 100000, "samples spilled to flash before the crash survive")
        },
    },
]

// Unit cases of the buoy application's pure parts (records, configuration, queue, airtime rules,
// schedule rules, state, status), run in the DeviceScript VM (src/app/app.vmtest.ts) and in Node
// (devices/test/app.test.ts).
import { AGE_MAX_S, decodeDownlink, decodeUplink, encodeUplink, fromHex, MeasurementSample, TTN_DAILY_AIRTIME_MS } from "@reeflink/codecs"
import { AirtimeLedger, DAY_MS, dutyCycleReadyAtMs } from "../airtime.js"
import { applyConfigDownlink, copyConfig, DEFAULT_CONFIG, decodeConfigRecord, encodeConfigRecord } from "../config.js"
import { Runtime, TimedResult } from "../ports.js"
import { SampleQueue } from "../queue.js"
import { RecordReader, RecordWriter } from "../record.js"
import { ageOf, QueuedSample, toMeasurement } from "../sample.js"
import {
    frameBudgetBytes,
    measurementTrigger,
    nextSampleTimeMs,
    samplesToOffer,
    shouldSendFrame,
    sleepKind,
    uplinkAllowedAtMs,
} from "../schedule.js"
import {
    classifyBoot,
    decodeAcks,
    decodeState,
    encodeAcks,
    encodeState,
    freshState,
    PHASE_ASLEEP,
    PHASE_AWAKE,
    PHASE_REBOOT_COMMANDED,
    PHASE_REBOOT_WATCHDOG,
} from "../state.js"
import { buildStatus, FAULT_CONDUCTIVITY, FAULT_TEMPERATURE } from "../status.js"
import { checkEqual, checkTrue, TestCase, TestEnv } from "./check.js"
import { MemoryStore, PowerCut } from "./memory-store.js"

/** A Runtime for the parts that only need to yield. */
export function yieldingRuntime(env: TestEnv): Runtime {
    return {
        counterMs: () => 0,
        yieldNow: async () => await env.yieldNow(),
        sleepMs: async (ms: number) => {},
        withTimeout: async <T>(op: () => Promise<T>, ms: number): Promise<TimedResult<T>> => await env.withTimeout(op, ms),
    }
}

function sample(i: number): QueuedSample {
    return { timeS: 1000 + i, temperatureRaw: 100000 + i, pressureRaw: 200000 + i, conductivityRaw: 300000 + i }
}

function times(samples: QueuedSample[]): number[] {
    const out: number[] = []
    for (let i = 0; i < samples.length; i++) out.push(samples[i].timeS - 1000)
    return out
}

function range(from: number, to: number): number[] {
    const out: number[] = []
    for (let i = from; i < to; i++) out.push(i)
    return out
}

const SMALL_QUEUE = { segmentSamples: 4, maxSegments: 3 }

async function pushAll(q: SampleQueue, from: number, to: number): Promise<number> {
    let evicted = 0
    for (let i = from; i < to; i++) evicted += await q.push(sample(i))
    return evicted
}

export const UNIT_CASES: TestCase[] = [
    {
        name: "records: unsigned and signed fields round-trip, overrun is detected",
        run: async () => {
            const w = new RecordWriter().u8(255).u16(65535).u24(16777215).u32(4294967295).u48(281474976710655).i16(-32768).i8(-1)
            checkEqual(w.bytes.length, 1 + 2 + 3 + 4 + 6 + 2 + 1, "length")
            const r = new RecordReader(w.bytes)
            checkEqual([r.u8(), r.u16(), r.u24(), r.u32(), r.u48(), r.i16(), r.i8()], [255, 65535, 16777215, 4294967295, 281474976710655, -32768, -1], "values")
            checkTrue(!r.overrun, "no overrun")
            r.u8()
            checkTrue(r.overrun, "reading past the end is flagged")
        },
    },
    {
        name: "config: defaults, flash record round trip, damaged or foreign records rejected",
        run: async () => {
            checkEqual(DEFAULT_CONFIG.sampleIntervalS, 600, "10-minute default")
            checkEqual(DEFAULT_CONFIG.dailyAirtimeMs, TTN_DAILY_AIRTIME_MS, "TTN fair use")
            const c = copyConfig(DEFAULT_CONFIG)
            c.sampleIntervalS = 1800
            c.samplesPerUplink = 12
            c.maxPayloadBytes = 51
            checkEqual(decodeConfigRecord(encodeConfigRecord(c)), c, "round trip")
            checkEqual(decodeConfigRecord(null), null, "missing")
            const bytes = encodeConfigRecord(c)
            bytes[0] = 9
            checkEqual(decodeConfigRecord(bytes), null, "other record version")
            const bad = encodeConfigRecord(c)
            bad[4] = 5 // maxPayloadBytes 5: below the codec's 18
            checkEqual(decodeConfigRecord(bad), null, "invalid value")
            checkEqual(decodeConfigRecord(encodeConfigRecord(c).slice(0, 8)), null, "truncated")
        },
    },
    {
        name: "config downlink: the payload-format example applies every command in order",
        run: async () => {
            const d = decodeDownlink(fromHex("10c8010708020c33030405") as number[], 10)
            checkTrue(d.ok === true, "example decodes")
            if (d.ok === false) return
            const out = applyConfigDownlink(DEFAULT_CONFIG, d.value)
            checkEqual([out.config.sampleIntervalS, out.config.samplesPerUplink, out.config.maxPayloadBytes], [1800, 12, 51], "new configuration")
            checkEqual([out.configChanged, out.requestStatus, out.clearQueue, out.reboot], [true, true, true, true], "actions")
            checkEqual(out.results, [
                { command: "setInterval", result: "ok" },
                { command: "setBatch", result: "ok" },
                { command: "requestStatus", result: "ok" },
                { command: "clearQueue", result: "ok" },
                { command: "reboot", result: "ok" },
            ], "results")
            checkEqual(DEFAULT_CONFIG.sampleIntervalS, 600, "the current configuration is not modified")
            const odd = applyConfigDownlink(DEFAULT_CONFIG, { type: "config", seq: 1, commands: [{ command: "setInterval", intervalS: 3 }] })
            checkEqual(odd.results[0].result, "invalid_argument", "an interval below 10 s that slipped past the codec")
            checkEqual(odd.config.sampleIntervalS, 600, "and is not applied")
        },
    },
    {
        name: "queue: oldest first, spilled to flash in blocks, bounded records",
        run: async (env) => {
            const store = new MemoryStore()
            const q = new SampleQueue(store, yieldingRuntime(env), SMALL_QUEUE)
            await q.load()
            checkEqual(await pushAll(q, 0, 10), 0, "no eviction below capacity")
            checkEqual(q.length(), 10, "length")
            checkTrue(store.hasKey("rl.q0") && store.hasKey("rl.q1") && !store.hasKey("rl.q2"), "two full blocks spilled, the tail in RAM")
            checkEqual(times(await q.peek(20)), range(0, 10), "peek all")
            checkEqual(times(await q.peek(3)), range(0, 3), "peek 3")
            await q.consume(5)
            checkEqual(times(await q.peek(20)), range(5, 10), "after consuming 5")
            checkEqual(await q.newestTimeS(), 1009, "newest sample")
            checkTrue(store.largestRecord <= 200, "records fit a settings packet")
            checkEqual(q.capacity(), 12, "capacity = block size × blocks")
        },
    },
    {
        name: "queue: a full queue evicts the oldest sample, one per push, and stays within its keys",
        run: async (env) => {
            const store = new MemoryStore()
            const q = new SampleQueue(store, yieldingRuntime(env), SMALL_QUEUE)
            await q.load()
            checkEqual(await pushAll(q, 0, 30), 18, "30 pushes into 12 places evict 18")
            checkEqual(q.length(), 12, "full")
            checkEqual(times(await q.peek(20)), range(18, 30), "the newest 12 remain")
            await q.persist()
            checkTrue(store.keyCount() <= 3 + 2, "3 block slots + meta + tail")
        },
    },
    {
        name: "queue: persisted queue comes back after a reset, and continues",
        run: async (env) => {
            const store = new MemoryStore()
            const q = new SampleQueue(store, yieldingRuntime(env), SMALL_QUEUE)
            await q.load()
            await pushAll(q, 0, 7)
            await q.consume(2)
            await q.persist()
            const again = new SampleQueue(store, yieldingRuntime(env), SMALL_QUEUE)
            checkEqual(await again.load(), 0, "nothing lost")
            checkEqual(times(await again.peek(20)), range(2, 7), "same samples")
            checkEqual(await again.peek(1), [sample(2)], "same values")
            await pushAll(again, 7, 11)
            checkEqual(times(await again.peek(20)), range(2, 11), "continues")
        },
    },
    {
        name: "queue: a power cut inside a spill neither loses persisted samples nor duplicates any",
        run: async (env) => {
            for (let writesBeforeCut = 0; writesBeforeCut <= 2; writesBeforeCut++) {
                const store = new MemoryStore()
                const q = new SampleQueue(store, yieldingRuntime(env), SMALL_QUEUE)
                await q.load()
                await pushAll(q, 0, 3)
                await q.persist()
                store.writesBeforeCut = writesBeforeCut
                let cut = false
                try {
                    await q.push(sample(3)) // fills the block: block write, then meta
                    await q.persist()
                } catch (e) {
                    cut = e instanceof PowerCut
                }
                store.writesBeforeCut = -1
                const after = new SampleQueue(store, yieldingRuntime(env), SMALL_QUEUE)
                await after.load()
                const got = times(await after.peek(20))
                const what = "cut after " + writesBeforeCut + " write(s)"
                checkTrue(cut, what + ": the cut happened")
                // Before the block's meta is written the stored tail (0..2) is the truth; after, the block (0..3).
                checkEqual(got, writesBeforeCut < 2 ? range(0, 3) : range(0, 4), what)
            }
        },
    },
    {
        name: "queue: a damaged flash block is skipped and counted, the rest is kept",
        run: async (env) => {
            const store = new MemoryStore()
            const q = new SampleQueue(store, yieldingRuntime(env), SMALL_QUEUE)
            await q.load()
            await pushAll(q, 0, 10)
            await q.persist()
            store.damage("rl.q0", 3)
            const after = new SampleQueue(store, yieldingRuntime(env), SMALL_QUEUE)
            checkEqual(await after.load(), 4, "the block's 4 samples are lost")
            checkEqual(times(await after.peek(20)), range(4, 10), "the rest remains")
            store.damage("rl.q1", 20)
            const third = new SampleQueue(store, yieldingRuntime(env), SMALL_QUEUE)
            // Block 0 counts again (the skip above was never persisted); damage inside block 1's
            // sample bytes is not detected: the records carry no CRC.
            checkEqual(await third.load(), 4, "only block 0 is lost")
        },
    },
    {
        name: "queue: clear empties it, and nothing is evicted",
        run: async (env) => {
            const q = new SampleQueue(new MemoryStore(), yieldingRuntime(env), SMALL_QUEUE)
            await q.load()
            await pushAll(q, 0, 9)
            await q.clear()
            checkEqual(q.length(), 0, "empty")
            checkEqual(await q.peek(5), [], "nothing to peek")
            checkEqual(await pushAll(q, 9, 12), 0, "room again")
            checkEqual(times(await q.peek(5)), range(9, 12), "new samples only")
        },
    },
    {
        name: "ages: from the monotonic sample time at packing; beyond the codec's 194 days → null",
        run: async () => {
            const s: QueuedSample = { timeS: 5000, temperatureRaw: 7, conductivityRaw: 9 }
            checkEqual(ageOf(s, 5600), 600, "age")
            checkEqual(ageOf(s, 4000), 0, "never negative")
            checkEqual(ageOf(s, 5000 + AGE_MAX_S), AGE_MAX_S, "oldest datable")
            checkEqual(ageOf(s, 5001 + AGE_MAX_S), null, "too old")
            const m: MeasurementSample = { ageS: 600, temperatureRaw: 7, conductivityRaw: 9 }
            checkEqual(toMeasurement(s, 600), m, "absent channels stay absent")
        },
    },
    {
        name: "airtime ledger: 24 h sliding window, earliest time, conservative merging, record round trip",
        run: async (env) => {
            const l = new AirtimeLedger()
            l.record(1000, 2000)
            l.record(3600000, 3000)
            checkEqual(l.usedMs(3600000), 5000, "both in the window")
            checkEqual(l.usedMs(1000 + DAY_MS), 3000, "the first leaves after 24 h")
            checkEqual(l.earliestMs(3600000, 26000, 30000), 1000 + DAY_MS, "26 s more fit once the first 2 s expire")
            checkEqual(l.earliestMs(3600000, 25000, 30000), 3600000, "25 s fit now")
            checkEqual(l.earliestMs(3600000, 31000, 30000), null, "never")
            const big = new AirtimeLedger()
            let exact = 0
            for (let i = 0; i < 100; i++) {
                big.record(i * 60000, 100 + i)
                exact += 100 + i
                await env.yieldNow()
            }
            checkEqual(big.usedMs(100 * 60000), exact, "merging keeps the sum")
            checkTrue(big.encode().length <= 200, "bounded record")
            // Merged entries take the newer time: they leave the window later, never earlier.
            checkTrue(big.usedMs(DAY_MS + 30 * 60000) >= exactWindow(31, 100), "merge is conservative")
            const copy = new AirtimeLedger()
            copy.load(big.encode())
            checkEqual(copy.usedMs(100 * 60000), exact, "round trip")
            copy.load([9, 9, 9])
            checkEqual(copy.usedMs(0), 0, "damaged record gives an empty ledger")
        },
    },
    {
        name: "EU868 duty cycle: 1 % means 99 times the airtime of silence",
        run: async () => {
            checkEqual(dutyCycleReadyAtMs(0, 1000), 100000, "1 s on air → next at 100 s")
            checkEqual(dutyCycleReadyAtMs(5000, 2793), 5000 + 279300, "SF12 51-byte frame")
            checkEqual(dutyCycleReadyAtMs(5000, 2793, 0), 7793, "no duty cycle (e.g. AS923 in New Caledonia)")
        },
    },
    {
        name: "schedule: measurement triggers, samples offered, when a packed frame is sent",
        run: async () => {
            const c = copyConfig(DEFAULT_CONFIG)
            checkEqual(measurementTrigger(0, 0, c, 1008), "none", "empty queue")
            checkEqual(measurementTrigger(5, 600, c, 1008), "fill", "samplesPerUplink 0: probe for a full frame")
            checkEqual(measurementTrigger(5, c.maxHoldS, c, 1008), "hold", "oldest waited maxHoldS")
            checkEqual(measurementTrigger(12, 600, c, 12), "hold", "a full queue sends before it evicts")
            c.samplesPerUplink = 6
            checkEqual(measurementTrigger(5, 600, c, 1008), "none", "batch not reached")
            checkEqual(measurementTrigger(6, 600, c, 1008), "batch", "batch reached")
            checkEqual(samplesToOffer(40, c), 6, "a batch offers samplesPerUplink")
            c.samplesPerUplink = 0
            checkEqual(samplesToOffer(400, c), 255, "at most a frame's 255")
            checkEqual(shouldSendFrame("fill", 17, 17), false, "everything fitted: the frame is not full yet")
            checkEqual(shouldSendFrame("fill", 17, 18), true, "one more did not fit (or the channel set changed)")
            checkEqual(shouldSendFrame("fill", 255, 255), true, "a frame of 255 is full")
            checkEqual(shouldSendFrame("hold", 3, 3), true, "held too long: send what there is")
            checkEqual(shouldSendFrame("batch", 6, 6), true, "batch")
            checkEqual(frameBudgetBytes(51, c), 51, "DR0 budget")
            c.maxPayloadBytes = 30
            checkEqual(frameBudgetBytes(51, c), 30, "configured below the data rate")
            checkEqual(frameBudgetBytes(22, c), 22, "data rate below the configuration")
        },
    },
    {
        name: "schedule: the uplink gate (duty cycle, daily budget, reserve for ack and status)",
        run: async () => {
            const l = new AirtimeLedger()
            l.record(0, 27000)
            const now = 600000
            checkEqual(uplinkAllowedAtMs(now, 1000, false, 0, l, 30000, 2200), DAY_MS, "measurements must leave 2.2 s: wait until the 27 s leave the window")
            checkEqual(uplinkAllowedAtMs(now, 1000, true, 0, l, 30000, 2200), now, "an ack may use the reserve")
            checkEqual(uplinkAllowedAtMs(now, 1000, true, now + 5000, l, 30000, 2200), now + 5000, "duty cycle first")
            checkEqual(uplinkAllowedAtMs(now, 31000, true, 0, new AirtimeLedger(), 30000, 2200), null, "longer than the budget")
        },
    },
    {
        name: "schedule: the sampling grid skips missed samples; deep sleep only for long waits",
        run: async () => {
            checkEqual(nextSampleTimeMs(600000, 100000, 600), 600000, "not yet due")
            checkEqual(nextSampleTimeMs(600000, 600000, 600), 1200000, "due now: next on the grid")
            checkEqual(nextSampleTimeMs(600000, 3000000, 600), 3600000, "after a long block: the next grid point, no burst")
            checkEqual(sleepKind(0, 29999, 30000), "light", "short wait")
            checkEqual(sleepKind(0, 30000, 30000), "deep", "long wait")
        },
    },
    {
        name: "state and acknowledgement records round-trip; boot causes",
        run: async () => {
            const s = freshState(123456789012)
            s.phase = PHASE_ASLEEP
            s.lastStatusAtMs = 5
            s.statusRequested = true
            s.droppedSamples = 4000000000
            s.lastRssiDbm = -117
            s.lastSnrDb = -7.25
            s.faultBits = FAULT_TEMPERATURE | FAULT_CONDUCTIVITY
            s.dutyReadyAtMs = 99999999999
            s.counterMs = 987654321
            checkEqual(decodeState(encodeState(s)), s, "state round trip")
            // A record of the previous firmware (version 1: no counter at the end) still reads.
            const v1 = encodeState(s).slice(0, encodeState(s).length - 6)
            v1[0] = 1
            const old = decodeState(v1)
            checkEqual(old !== null ? [old.clockMs, old.counterMs, old.faultBits] : null, [123456789012, 0, FAULT_TEMPERATURE | FAULT_CONDUCTIVITY], "version 1 record")
            const never = freshState(1)
            checkEqual(decodeState(encodeState(never)), never, "no status sent yet (-1)")
            checkTrue(encodeState(s).length <= 200, "fits a settings record")
            checkEqual(decodeState(encodeState(s).slice(0, 20)), null, "truncated")
            const book = { pending: [{ seq: 7, results: [{ command: "setInterval", result: "ok" }, { command: "reboot", result: "unsupported" }] }], last: { seq: 6, results: [{ command: "clearQueue", result: "ok" }] } }
            checkEqual(decodeAcks(encodeAcks(book)), book, "acks round trip")
            checkEqual(decodeAcks(null), { pending: [], last: null }, "no acks")
            checkEqual(classifyBoot(null).resetCause, "power_on", "first boot")
            const saved = freshState(0)
            const causes: string[] = []
            const phases = [PHASE_ASLEEP, PHASE_REBOOT_COMMANDED, PHASE_REBOOT_WATCHDOG, PHASE_AWAKE]
            for (let i = 0; i < phases.length; i++) {
                saved.phase = phases[i]
                const k = classifyBoot(saved)
                causes.push(k.resetCause + (k.cold ? " cold" : " warm"))
            }
            checkEqual(causes, ["deep_sleep_wake warm", "software cold", "watchdog cold", "unknown cold"], "causes")
        },
    },
    {
        name: "status: built from the state, encodable, counters clamped to their fields",
        run: async () => {
            const s = freshState(0)
            s.batteryMv = 3712
            s.droppedSamples = 3
            s.faultBits = FAULT_CONDUCTIVITY
            s.uplinksSent = 1042
            s.downlinksReceived = 70000
            s.lastRssiDbm = -117
            s.lastSnrDb = -7.3
            const m = buildStatus(s, { nowMs: 86400000, resetCause: "deep_sleep_wake", firmwareVersion: "1.2.3", queueDepth: 17, airtimeLast24hMs: 27890.4, sampleIntervalS: 600 })
            checkEqual([m.uptimeS, m.queueDepth, m.sensorFaults, m.downlinksReceived, m.lastSnrDb, m.airtimeLast24hMs], [86400, 17, ["conductivity"], 65535, -7.25, 27891], "fields")
            const r = encodeUplink(m)
            checkTrue(r.ok === true, "encodes")
            if (r.ok === true) {
                const back = decodeUplink(r.value.bytes, r.value.fPort)
                checkTrue(back.ok === true && back.value.type === "status", "decodes")
            }
        },
    },
]

/** Airtime of entries i in [from, to) of the merge case (100 + i ms each), for the conservative check. */
function exactWindow(from: number, to: number): number {
    let sum = 0
    for (let i = from; i < to; i++) sum += 100 + i
    return sum
}

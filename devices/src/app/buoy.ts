// The buoy application: one wake is boot → sample (if due) → uplinks → sleep. On a board, deep
// sleep resets the chip and the next wake boots again from flash; in the simulator and in tests
// standby returns and the loop goes on. Each stage is a small module over one BuoyContext:
//   sampler.ts (sensors, watchdog per read) → queue.ts → uplinks.ts (schedule.ts rules, codec)
//   → downlinks.ts (config.ts) ; state.ts / airtime.ts persist what the next wake needs.
import { AirtimeLedger } from "./airtime.js"
import { MonotonicClock } from "./clock.js"
import { copyConfig, DEFAULT_CONFIG, decodeConfigRecord } from "./config.js"
import { ACKS_KEY, BuoyContext, BuoyOptions, BuoyPorts, CONFIG_KEY, DEFAULT_BUOY_OPTIONS, LEDGER_KEY, STATE_KEY } from "./context.js"
import { SampleQueue } from "./queue.js"
import { takeSample } from "./sampler.js"
import { nextSampleTimeMs, sleepKind } from "./schedule.js"
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
} from "./state.js"
import { planNextUplink, sendUplink, uplinkWork } from "./uplinks.js"

export interface WakePlan {
    /** Monotonic time of the next wake. */
    wakeAtMs: number
    sleep: "deep" | "light"
    /** Set when the wake ended in a reboot (commanded, or the radio watchdog). */
    rebooted: boolean
}

export class Buoy {
    readonly ports: BuoyPorts
    readonly options: BuoyOptions
    private ctx: BuoyContext | null

    constructor(ports: BuoyPorts, options?: BuoyOptions) {
        this.ports = ports
        this.options = options ? options : DEFAULT_BUOY_OPTIONS
        this.ctx = null
    }

    /** The loaded context (after boot()), for tests and the simulator's console. */
    context(): BuoyContext {
        if (this.ctx === null) throw new Error("Buoy.boot() has not run")
        return this.ctx
    }

    /** Loads everything from flash, works out why we started, and marks this run as awake. */
    async boot(): Promise<void> {
        const ports = this.ports
        const store = ports.store
        const saved = decodeState(await store.read(STATE_KEY))
        const kind = classifyBoot(saved)
        // clock.ts: a counter still running since the checkpoint continues it exactly (the VM's
        // program restarts; not a killed VM process, whose counter starts again below the
        // checkpoint's); a counter restarted by the reset counts from the checkpoint (+ the RTC
        // wake latency after a deep-sleep wake).
        const counter = ports.runtime.counterMs()
        let baseMs = 0
        if (saved !== null)
            baseMs =
                ports.power.restartKeepsCounter() && counter >= saved.counterMs
                    ? saved.clockMs - saved.counterMs
                    : saved.clockMs + (kind.resetCause === "deep_sleep_wake" ? this.options.wakeLatencyMs : 0)
        const clock = new MonotonicClock(ports.runtime, baseMs)
        const stored = decodeConfigRecord(await store.read(CONFIG_KEY))
        const config = stored !== null ? stored : copyConfig(this.options.initialConfig !== null ? this.options.initialConfig : DEFAULT_CONFIG)
        const queue = new SampleQueue(store, ports.runtime, this.options.queue !== null ? this.options.queue : undefined)
        const lost = await queue.load()
        const ledger = new AirtimeLedger()
        ledger.load(await store.read(LEDGER_KEY))
        let clockNow = clock.nowMs()
        let adjustedClock = clock
        if (kind.cold && saved !== null) {
            // Off for an unknown time: never let the clock fall behind the newest sample.
            const newest = await queue.newestTimeS()
            if (newest !== null && clockNow < (newest + 1) * 1000) {
                adjustedClock = new MonotonicClock(ports.runtime, baseMs + (newest + 1) * 1000 - clockNow)
                clockNow = adjustedClock.nowMs()
            }
        }
        const state = saved !== null ? saved : freshState(clockNow)
        if (kind.cold) {
            state.bootCause = kind.resetCause
            state.bootedAtMs = clockNow
            state.lastStatusAtMs = -1
            state.droppedSamples = 0
            state.uplinksSent = 0
            state.downlinksReceived = 0
            // faultBits survive: a fault not yet reported goes into the status this boot sends.
            state.sendFailures = 0
            state.rebootAfterAck = false
        }
        if (state.nextSampleAtMs > clockNow + config.sampleIntervalS * 1000) state.nextSampleAtMs = clockNow
        state.droppedSamples += lost
        state.phase = PHASE_AWAKE
        state.clockMs = clockNow
        state.counterMs = adjustedClock.counterAt(clockNow)
        await store.write(STATE_KEY, encodeState(state))
        this.ctx = {
            ports: ports,
            options: this.options,
            clock: adjustedClock,
            config: config,
            state: state,
            acks: decodeAcks(await store.read(ACKS_KEY)),
            ledger: ledger,
            queue: queue,
            acksDirty: false,
            ledgerDirty: false,
        }
        ports.log("boot: " + kind.resetCause + ", " + queue.length() + " queued, interval " + config.sampleIntervalS + " s")
    }

    /** Does everything due now; returns when and how to sleep. */
    async step(): Promise<WakePlan> {
        const ctx = this.context()
        const ports = this.ports
        const s = ctx.state
        await ports.power.armWatchdog(this.options.awakeWatchdogMs)
        let nowMs = ctx.clock.nowMs()

        if (nowMs >= s.nextSampleAtMs) {
            const outcome = await takeSample(ports.sensors, ctx.clock.nowS(), ports.runtime, this.options.sensorTimeoutMs, ports.log)
            const newFaults = outcome.faultBits & ~s.faultBits
            s.faultBits |= outcome.faultBits
            if (outcome.batteryMv !== null) s.batteryMv = outcome.batteryMv
            if (outcome.sample !== null) s.droppedSamples += await ctx.queue.push(outcome.sample)
            s.nextSampleAtMs = nextSampleTimeMs(s.nextSampleAtMs, nowMs, ctx.config.sampleIntervalS)
            // A new fault is written at once, so that a power loss before the next checkpoint keeps it.
            if (newFaults !== 0) await this.persist()
            nowMs = ctx.clock.nowMs()
        }

        let retryAtMs = -1
        const ready = uplinkWork(ctx, nowMs) && (await this.linkReady())
        if (s.sendFailures >= this.options.maxSendFailures) return await this.reboot(PHASE_REBOOT_WATCHDOG, "radio watchdog: " + s.sendFailures + " failed link starts or sends")
        if (ready) {
            for (let i = 0; i < this.options.maxUplinksPerWake; i++) {
                // Ages are counted when the frame is packed: pack only once the link can send it.
                const linkDelay = ports.link.transmitDelayMs ? ports.link.transmitDelayMs() : 0
                if (linkDelay > this.options.maxLinkWaitMs) {
                    retryAtMs = ctx.clock.nowMs() + linkDelay
                    break
                }
                if (linkDelay > 0) await ports.runtime.sleepMs(linkDelay)
                const decision = await planNextUplink(ctx, ctx.clock.nowMs())
                if (decision.kind === "wait") retryAtMs = decision.untilMs
                if (decision.kind !== "send") break
                const result = await sendUplink(ctx, decision.uplink)
                if (result !== "sent") {
                    if (s.sendFailures >= this.options.maxSendFailures) return await this.reboot(PHASE_REBOOT_WATCHDOG, "radio watchdog: " + s.sendFailures + " failed link starts or sends")
                    break
                }
                if (s.rebootAfterAck && ctx.acks.pending.length === 0) return await this.reboot(PHASE_REBOOT_COMMANDED, "reboot requested by downlink")
            }
        }

        nowMs = ctx.clock.nowMs()
        let wakeAtMs = s.nextSampleAtMs
        if (retryAtMs > 0 && retryAtMs < wakeAtMs) wakeAtMs = retryAtMs
        if (wakeAtMs < nowMs) wakeAtMs = nowMs
        return { wakeAtMs: wakeAtMs, sleep: sleepKind(nowMs, wakeAtMs, this.options.minDeepSleepMs), rebooted: false }
    }

    /** Sleeps as planned. Before deep sleep everything the next wake needs is written to flash. */
    async sleep(plan: WakePlan): Promise<void> {
        const ctx = this.context()
        let ms = plan.wakeAtMs - ctx.clock.nowMs()
        if (plan.sleep === "light") {
            await this.ports.power.armWatchdog(ms + this.options.awakeWatchdogMs)
            if (ms > 0) await this.ports.runtime.sleepMs(ms)
            return
        }
        ctx.state.phase = PHASE_ASLEEP
        ctx.state.clockMs = plan.wakeAtMs
        await this.persist()
        await this.ports.power.armWatchdog(0)
        // Measured after the flash writes: the wake is at the checkpoint's time (clock.ts).
        ms = plan.wakeAtMs - ctx.clock.nowMs()
        await this.ports.power.standby(ms > 0 ? ms : 0)
        // Only in the simulator and tests: the "wake" continues this run.
        ctx.state.phase = PHASE_AWAKE
    }

    /** Runs wakes forever (on a board each deep sleep ends the program; the next boot calls run() again). */
    async run(): Promise<void> {
        await this.boot()
        for (;;) {
            const plan = await this.step()
            if (plan.rebooted) return
            await this.sleep(plan)
        }
    }

    /** Writes the queue tail, acks, ledger and state (state last: it says the rest is consistent). */
    async persist(): Promise<void> {
        const ctx = this.context()
        const store = this.ports.store
        await ctx.queue.persist()
        if (ctx.acksDirty) await store.write(ACKS_KEY, encodeAcks(ctx.acks))
        if (ctx.ledgerDirty) await store.write(LEDGER_KEY, ctx.ledger.encode())
        ctx.acksDirty = false
        ctx.ledgerDirty = false
        // Asleep: the planned wake (set by sleep()); awake or rebooting: now (a reboot's checkpoint
        // too, or the clock would lose the whole wake).
        if (ctx.state.phase !== PHASE_ASLEEP) ctx.state.clockMs = ctx.clock.nowMs()
        ctx.state.counterMs = ctx.clock.counterAt(ctx.state.clockMs)
        await store.write(STATE_KEY, encodeState(ctx.state))
    }

    private async linkReady(): Promise<boolean> {
        const ctx = this.context()
        const link = this.ports.link
        if (link.ready()) return true
        const r = await this.ports.runtime.withTimeout(async () => await link.start(), this.options.linkStartTimeoutMs)
        if (r.ok === true && r.value === true) return true
        if (r.ok === false && r.timedOut) ctx.state.sendFailures++
        this.ports.log("link not ready (" + (r.ok === false ? r.message : "join or connection failed") + ")")
        return false
    }

    private async reboot(phase: number, why: string): Promise<WakePlan> {
        const ctx = this.context()
        this.ports.log(why)
        ctx.state.phase = phase
        await this.persist()
        await this.ports.power.reboot()
        return { wakeAtMs: ctx.clock.nowMs(), sleep: "light", rebooted: true }
    }
}

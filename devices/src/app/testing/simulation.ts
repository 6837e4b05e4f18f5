// A buoy in a simulated world, for the tests and the benchmark: a world clock, flash that survives
// resets, a scripted radio, scripted sensors. Every deep sleep ends the Buoy instance (as the chip
// reset does) and the next wake boots a new one from the store, so persistence is exercised on
// every cycle.
import { decodeUplink, FPORT_MEASUREMENTS, MeasurementSample } from "@reeflink/codecs"
import { LinkDownlink, LinkUplink } from "../../link.js"
import { BuoySensors, RawSensor, SensorError } from "../../sensors/sensor.js"
import { Buoy } from "../buoy.js"
import { BuoyOptions } from "../context.js"
import { Power, Runtime, TimedResult } from "../ports.js"
import { ScriptedLink } from "../scripted-link.js"
import { TestEnv } from "./check.js"
import { MemoryStore } from "./memory-store.js"

/** A sensor whose next reading a test decides. */
export class ScriptedSensor implements RawSensor {
    readonly name: string
    value: (call: number) => number
    /** "ok", "fail" (throws SensorError), or "hang" (never answers). */
    mode: string
    calls: number
    resets: number
    /** World time of every read, in call order. */
    readonly readAtMs: number[]
    private env: TestEnv
    private now: () => number

    constructor(name: string, env: TestEnv, value: (call: number) => number, now: () => number) {
        this.name = name
        this.env = env
        this.value = value
        this.now = now
        this.mode = "ok"
        this.calls = 0
        this.resets = 0
        this.readAtMs = []
    }

    reset(): void {
        this.resets++
    }

    async read(): Promise<number> {
        const call = this.calls++
        this.readAtMs.push(this.now())
        if (this.mode === "fail") throw new SensorError("i2c", this.name + " does not answer")
        if (this.mode === "hang") return await this.env.hang<number>()
        return this.value(call)
    }
}

/** An uplink as the world saw it. */
export interface SentUplink {
    atMs: number
    fPort: number
    bytes: number[]
    airtimeMs: number
}

class WorldRuntime implements Runtime {
    private world: BuoyWorld

    constructor(world: BuoyWorld) {
        this.world = world
    }

    counterMs(): number {
        return this.world.nowMs - this.world.counterOriginMs
    }

    async yieldNow(): Promise<void> {
        await this.world.env.yieldNow()
    }

    async sleepMs(ms: number): Promise<void> {
        this.world.nowMs += ms
        await this.world.env.yieldNow()
    }

    async withTimeout<T>(op: () => Promise<T>, ms: number): Promise<TimedResult<T>> {
        return await this.world.env.withTimeout(op, ms)
    }
}

class WorldPower implements Power {
    private world: BuoyWorld

    constructor(world: BuoyWorld) {
        this.world = world
    }

    async standby(ms: number): Promise<void> {
        this.world.deepSleeps++
        this.world.nowMs += ms
        this.world.resetPending = true
    }

    async reboot(): Promise<void> {
        this.world.reboots++
        this.world.resetPending = true
    }

    async armWatchdog(ms: number): Promise<void> {
        this.world.watchdogMs = ms
    }

    restartKeepsCounter(): boolean {
        return this.world.counterSurvivesReset
    }
}

export class BuoyWorld {
    env: TestEnv
    nowMs: number
    readonly store: MemoryStore
    readonly link: ScriptedLink
    readonly temperature: ScriptedSensor
    readonly pressure: ScriptedSensor
    readonly conductivity: ScriptedSensor
    readonly sensors: BuoySensors
    readonly sent: SentUplink[]
    readonly log: string[]
    /** Downlinks to deliver after the next uplinks, in order (null: none). */
    readonly downlinks: (LinkDownlink | null)[]
    /** "ok", "fail" (send throws) or "hang" (send never returns). */
    radioMode: string
    batteryMv: number
    ntcCelsius: number
    deepSleeps: number
    reboots: number
    wakes: number
    watchdogMs: number
    resetPending: boolean
    /**
     * Time from a reset (a deep-sleep wake, a reboot) to the program's start: a board's boot, or
     * the simulator VM's program restart (about 1.1 s measured in docs/hil.md). 0: instant.
     */
    bootMs: number
    /** True: the platform counter keeps running across resets (the simulator VM); false: it restarts (a board). */
    counterSurvivesReset: boolean
    /** World time the platform counter counts from. */
    counterOriginMs: number
    options: BuoyOptions
    buoy: Buoy | null

    constructor(env: TestEnv, options: BuoyOptions, dataRate: number) {
        this.env = env
        this.nowMs = 0
        this.store = new MemoryStore()
        this.sent = []
        this.log = []
        this.downlinks = []
        this.radioMode = "ok"
        this.batteryMv = 3900
        this.ntcCelsius = NaN
        this.deepSleeps = 0
        this.reboots = 0
        this.wakes = 0
        this.watchdogMs = 0
        this.resetPending = true
        this.bootMs = 0
        this.counterSurvivesReset = false
        this.counterOriginMs = 0
        this.options = options
        this.buoy = null
        const world = this
        const now = () => world.nowMs
        // Slow, distinct series: sample i reads 100 000 + i, 200 000 + 2i, 300 000 + 3i.
        this.temperature = new ScriptedSensor("temperature", env, (i: number) => 100000 + i, now)
        this.pressure = new ScriptedSensor("pressure", env, (i: number) => 200000 + 2 * i, now)
        this.conductivity = new ScriptedSensor("conductivity", env, (i: number) => 300000 + 3 * i, now)
        this.link = new ScriptedLink({
            dataRate: dataRate,
            joins: true,
            onUplink: async (up: LinkUplink) => await world.onUplink(up),
        })
        this.sensors = {
            temperature: this.temperature,
            pressure: this.pressure,
            conductivity: this.conductivity,
            batteryMillivolts: async () => world.batteryMv,
            temperatureCheck: null,
        }
    }

    private async onUplink(up: LinkUplink): Promise<LinkDownlink | null> {
        if (this.radioMode === "fail") throw new Error("radio SPI error")
        if (this.radioMode === "hang") return await this.env.hang<LinkDownlink | null>()
        this.sent.push({ atMs: this.nowMs, fPort: up.fPort, bytes: up.payload, airtimeMs: this.link.airtimeMs(up.payload.length) })
        const d = this.downlinks.length > 0 ? this.downlinks.shift() : null
        return d === undefined ? null : d
    }

    /** One wake: boot (after a reset) or continue, do what is due, sleep. */
    async wake(): Promise<void> {
        this.wakes++
        if (this.resetPending || this.buoy === null) {
            this.resetPending = false
            if (!this.counterSurvivesReset) this.counterOriginMs = this.nowMs
            this.nowMs += this.bootMs
            const world = this
            this.buoy = new Buoy(
                {
                    runtime: new WorldRuntime(this),
                    power: new WorldPower(this),
                    store: this.store,
                    link: this.link,
                    sensors: this.sensors,
                    log: (line: string) => {
                        world.log.push(line)
                    },
                },
                this.options
            )
            await this.buoy.boot()
        }
        const buoy = this.buoy
        const plan = await buoy.step()
        if (plan.rebooted) return
        await buoy.sleep(plan)
    }

    /** Wakes until the world clock reaches `untilMs`. */
    async runUntil(untilMs: number): Promise<void> {
        while (this.nowMs < untilMs) {
            const before = this.nowMs
            await this.wake()
            // A wake that neither slept nor rebooted must still move time on (it never should).
            if (this.nowMs === before && !this.resetPending) this.nowMs += 1000
        }
    }

    /**
     * Measurement samples of every frame sent so far, decoded, with the time each was taken as the
     * server works it out: end of the frame's airtime − age (the world clock stands still while sending).
     */
    async measurements(): Promise<{ atMs: number; sample: MeasurementSample }[]> {
        const out: { atMs: number; sample: MeasurementSample }[] = []
        for (let i = 0; i < this.sent.length; i++) {
            await this.env.yieldNow()
            const u = this.sent[i]
            if (u.fPort !== FPORT_MEASUREMENTS) continue
            const r = decodeUplink(u.bytes, u.fPort)
            if (r.ok === false || r.value.type !== "measurements") throw new Error("frame " + i + " does not decode")
            for (let k = 0; k < r.value.samples.length; k++) {
                const s = r.value.samples[k]
                out.push({ atMs: u.atMs + u.airtimeMs - s.ageS * 1000, sample: s })
            }
        }
        return out
    }

    /** Samples queued in the buoy (as of its last wake). */
    queueLength(): number {
        return this.buoy === null ? 0 : this.buoy.context().queue.length()
    }

    /** Uplink airtime in the 24 h window ending at `endMs`. */
    airtimeIn24h(endMs: number): number {
        let sum = 0
        for (let i = 0; i < this.sent.length; i++) if (this.sent[i].atMs > endMs - 86400000 && this.sent[i].atMs <= endMs) sum += this.sent[i].airtimeMs
        return sum
    }
}

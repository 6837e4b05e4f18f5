// The one context a buoy wake works on: ports, options, and everything loaded from flash. The
// stages (sampler.ts, uplinks.ts, downlinks.ts) take it; buoy.ts runs them in order.
import { EU868_DUTY_CYCLE } from "@reeflink/codecs"
import { LinkLayer } from "../link.js"
import { BuoySensors } from "../sensors/sensor.js"
import { AirtimeLedger } from "./airtime.js"
import { MonotonicClock } from "./clock.js"
import { BuoyConfig } from "./config.js"
import { KeyValueStore, Logger, Power, Runtime } from "./ports.js"
import { QueueOptions, SampleQueue } from "./queue.js"
import { AckBook, BuoyState } from "./state.js"

export interface BuoyPorts {
    runtime: Runtime
    power: Power
    store: KeyValueStore
    link: LinkLayer
    sensors: BuoySensors
    log: Logger
}

export interface BuoyOptions {
    firmwareVersion: string
    /** Configuration used when flash holds none (first boot). */
    initialConfig: BuoyConfig | null
    queue: QueueOptions | null
    /** Shorter waits are spent in light sleep (a deep-sleep wake costs a boot). */
    minDeepSleepMs: number
    /** Time from an RTC wake to the program's start, added to the clock (measure on hardware). */
    wakeLatencyMs: number
    sensorTimeoutMs: number
    linkStartTimeoutMs: number
    sendTimeoutMs: number
    /** Consecutive failed sends before the radio watchdog reboots the buoy. */
    maxSendFailures: number
    maxUplinksPerWake: number
    /** Longest wait, awake, for the link's own duty cycle before packing a frame; longer waits end the wake. */
    maxLinkWaitMs: number
    /** Device watchdog while awake: the device resets if one wake takes longer. */
    awakeWatchdogMs: number
    /** Duty cycle the uplinks keep (EU868: 0.01 in the default channels' sub-bands; 0: none). */
    dutyCycle: number
}

export const DEFAULT_BUOY_OPTIONS: BuoyOptions = {
    firmwareVersion: "0.0.0",
    initialConfig: null,
    queue: null,
    minDeepSleepMs: 30000,
    wakeLatencyMs: 0,
    sensorTimeoutMs: 4000,
    linkStartTimeoutMs: 60000,
    sendTimeoutMs: 30000,
    maxSendFailures: 3,
    maxUplinksPerWake: 8,
    maxLinkWaitMs: 30000,
    awakeWatchdogMs: 600000,
    dutyCycle: EU868_DUTY_CYCLE,
}

/** DEFAULT_BUOY_OPTIONS with some fields replaced (no object spread in older DeviceScript code). */
export function buoyOptions(o: {
    firmwareVersion?: string
    initialConfig?: BuoyConfig
    queue?: QueueOptions
    minDeepSleepMs?: number
    wakeLatencyMs?: number
    sensorTimeoutMs?: number
    linkStartTimeoutMs?: number
    sendTimeoutMs?: number
    maxSendFailures?: number
    maxUplinksPerWake?: number
    maxLinkWaitMs?: number
    awakeWatchdogMs?: number
    dutyCycle?: number
}): BuoyOptions {
    const d = DEFAULT_BUOY_OPTIONS
    return {
        firmwareVersion: o.firmwareVersion !== undefined ? o.firmwareVersion : d.firmwareVersion,
        initialConfig: o.initialConfig !== undefined ? o.initialConfig : d.initialConfig,
        queue: o.queue !== undefined ? o.queue : d.queue,
        minDeepSleepMs: o.minDeepSleepMs !== undefined ? o.minDeepSleepMs : d.minDeepSleepMs,
        wakeLatencyMs: o.wakeLatencyMs !== undefined ? o.wakeLatencyMs : d.wakeLatencyMs,
        sensorTimeoutMs: o.sensorTimeoutMs !== undefined ? o.sensorTimeoutMs : d.sensorTimeoutMs,
        linkStartTimeoutMs: o.linkStartTimeoutMs !== undefined ? o.linkStartTimeoutMs : d.linkStartTimeoutMs,
        sendTimeoutMs: o.sendTimeoutMs !== undefined ? o.sendTimeoutMs : d.sendTimeoutMs,
        maxSendFailures: o.maxSendFailures !== undefined ? o.maxSendFailures : d.maxSendFailures,
        maxUplinksPerWake: o.maxUplinksPerWake !== undefined ? o.maxUplinksPerWake : d.maxUplinksPerWake,
        maxLinkWaitMs: o.maxLinkWaitMs !== undefined ? o.maxLinkWaitMs : d.maxLinkWaitMs,
        awakeWatchdogMs: o.awakeWatchdogMs !== undefined ? o.awakeWatchdogMs : d.awakeWatchdogMs,
        dutyCycle: o.dutyCycle !== undefined ? o.dutyCycle : d.dutyCycle,
    }
}

export const CONFIG_KEY = "rl.cfg"
export const STATE_KEY = "rl.state"
export const ACKS_KEY = "rl.acks"
export const LEDGER_KEY = "rl.air"

export interface BuoyContext {
    ports: BuoyPorts
    options: BuoyOptions
    clock: MonotonicClock
    config: BuoyConfig
    state: BuoyState
    acks: AckBook
    ledger: AirtimeLedger
    queue: SampleQueue
    /** Records to rewrite before sleeping. */
    acksDirty: boolean
    ledgerDirty: boolean
}

// Stage "sample": reads every sensor under a timeout, so that a hung or failing sensor costs its
// own channel only. A failed read raises the sensor's fault flag (reported in the next status) and
// resets its driver, so the next read starts over (reset command, PROM reload): the sensor side of
// the watchdog. The sample keeps the channels that worked; the codec starts a new frame when the
// channel set changes.
import { RAW_MAX } from "@reeflink/codecs"
import { BuoySensors, RawSensor } from "../sensors/sensor.js"
import { Logger, Runtime } from "./ports.js"
import { hasChannels, QueuedSample } from "./sample.js"
import { FAULT_BATTERY, FAULT_CONDUCTIVITY, FAULT_PRESSURE, FAULT_TEMPERATURE } from "./status.js"

export interface SampleOutcome {
    /** Null when no channel could be read. */
    sample: QueuedSample | null
    /** FAULT_* bits raised by this sample. */
    faultBits: number
    /** Null when there is no battery input or its read failed. */
    batteryMv: number | null
}

/** One raw reading, or null (and the sensor reset) on failure, timeout or an out-of-range value. */
async function readRaw(sensor: RawSensor, runtime: Runtime, timeoutMs: number, log: Logger): Promise<number | null> {
    const r = await runtime.withTimeout(async () => await sensor.read(), timeoutMs)
    if (r.ok === false) {
        log("sensor " + sensor.name + " failed (" + (r.timedOut ? "timeout" : r.message) + ")")
        sensor.reset()
        return null
    }
    const v = r.value
    if (typeof v !== "number" || Math.floor(v) !== v || v < 0 || v > RAW_MAX) {
        log("sensor " + sensor.name + " gave " + v + ", outside 0.." + RAW_MAX)
        sensor.reset()
        return null
    }
    return v
}

export async function takeSample(sensors: BuoySensors, timeS: number, runtime: Runtime, timeoutMs: number, log: Logger): Promise<SampleOutcome> {
    const sample: QueuedSample = { timeS: timeS }
    let faults = 0
    if (sensors.temperature !== null) {
        const v = await readRaw(sensors.temperature, runtime, timeoutMs, log)
        if (v === null) faults |= FAULT_TEMPERATURE
        else sample.temperatureRaw = v
    }
    if (sensors.pressure !== null) {
        const v = await readRaw(sensors.pressure, runtime, timeoutMs, log)
        if (v === null) faults |= FAULT_PRESSURE
        else sample.pressureRaw = v
    }
    if (sensors.conductivity !== null) {
        const v = await readRaw(sensors.conductivity, runtime, timeoutMs, log)
        if (v === null) faults |= FAULT_CONDUCTIVITY
        else sample.conductivityRaw = v
    }
    const check = sensors.temperatureCheck
    if (check !== null && sample.temperatureRaw !== undefined) {
        const celsius = check.celsiusOf(sample.temperatureRaw)
        const ref = await runtime.withTimeout(async () => await check.referenceCelsius(), timeoutMs)
        if (ref.ok === false) {
            log("NTC reference failed (" + (ref.timedOut ? "timeout" : ref.message) + "): temperature not checked")
        } else if (celsius !== null && Math.abs(celsius - ref.value) > check.maxDifferenceC) {
            log("temperature " + celsius + " °C disagrees with the NTC's " + ref.value + " °C")
            faults |= FAULT_TEMPERATURE
        }
    }
    let batteryMv: number | null = null
    const battery = sensors.batteryMillivolts
    if (battery !== null) {
        const b = await runtime.withTimeout(async () => await battery(), timeoutMs)
        if (b.ok === true) batteryMv = b.value
        else {
            faults |= FAULT_BATTERY
            log("battery read failed (" + (b.timedOut ? "timeout" : b.message) + ")")
        }
    }
    return { sample: hasChannels(sample) ? sample : null, faultBits: faults, batteryMv: batteryMv }
}

// The buoy's monotonic clock: milliseconds since its first power-on, carried across deep sleep
// (which resets the chip) and reboots through the persisted state. Sample times are on this clock;
// a sample's age is the difference with "now" when its frame is packed. It is never a wall clock.
//
// After a deep-sleep wake the clock resumes at the planned wake time (+ wakeLatencyMs, the time
// from the RTC wake to the program's start, to be measured on hardware). After any other reset
// the time the device was off is unknown: the clock resumes at the last checkpoint, and never
// before the newest queued sample, so it never runs backwards (docs/firmware.md "Power").
import { Runtime } from "./ports.js"

export class MonotonicClock {
    private baseMs: number
    private runtime: Runtime

    constructor(runtime: Runtime, baseMs: number) {
        this.runtime = runtime
        this.baseMs = baseMs
    }

    nowMs(): number {
        return this.baseMs + this.runtime.elapsedMs()
    }

    nowS(): number {
        return Math.floor(this.nowMs() / 1000)
    }
}

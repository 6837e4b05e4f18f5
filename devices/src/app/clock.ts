// The buoy's monotonic clock: milliseconds since its first power-on, carried across deep sleep
// (which resets the chip) and reboots through the persisted state. Sample times are on this clock;
// a sample's age is the difference with the end of the frame that carries it (uplinks.ts). It is
// never a wall clock.
//
// clock = base + the platform's counter (Runtime.counterMs). Every checkpoint in flash pairs a
// clock time with the counter value at that instant (for deep sleep: the planned wake and the
// counter projected to it). At the next start (buoy.ts boot):
// - the platform keeps its counter across restarts (Power.restartKeepsCounter: the simulator VM
//   restarts the program, not the process) and it is ≥ the checkpoint's: the clock continues
//   exactly, whatever the restart took;
// - otherwise the counter restarted with the chip at the reset, which happened at the checkpoint:
//   after a deep-sleep wake the clock resumes at the planned wake + wakeLatencyMs (RTC wake to the
//   counter's start, to be measured on hardware) + the counter (boot time included). After any
//   other reset the time off is unknown: it resumes at the last checkpoint + the counter, and never
//   before the newest queued sample, so it never runs backwards (docs/firmware.md "Power").
import { Runtime } from "./ports.js"

export class MonotonicClock {
    private baseMs: number
    private runtime: Runtime

    constructor(runtime: Runtime, baseMs: number) {
        this.runtime = runtime
        this.baseMs = baseMs
    }

    nowMs(): number {
        return this.baseMs + this.runtime.counterMs()
    }

    nowS(): number {
        return Math.floor(this.nowMs() / 1000)
    }

    /** The platform counter's value when this clock reads `clockMs` (for checkpoints). */
    counterAt(clockMs: number): number {
        return clockMs - this.baseMs
    }
}

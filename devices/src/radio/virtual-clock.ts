// A Clock whose time only moves when someone sleeps: receive windows 1 to 6 s after an uplink
// and duty-cycle waits of minutes run instantly in tests, deterministically.
import { Pause } from "../crypto/pace.js"
import { Clock } from "./radio.js"

export class VirtualClock implements Clock {
    private t: number
    private yieldNow: Pause

    /** `yieldNow` lets the VM run other fibers on each sleep (DeviceScript: () => ds.sleep(0)). */
    constructor(startMs: number, yieldNow: Pause) {
        this.t = startMs
        this.yieldNow = yieldNow
    }

    now(): number {
        return this.t
    }

    async sleep(ms: number): Promise<void> {
        if (ms > 0) this.t += ms
        await this.yieldNow()
    }
}

// The application's ports on DeviceScript: settings in flash, fibers for timeouts, standby for
// deep sleep, the control service's reset_in register as the device watchdog. DeviceScript only.
import * as ds from "@devicescript/core"
import { currentControl, standby } from "@devicescript/runtime"
import { settings } from "@devicescript/settings"
import { KeyValueStore, MAX_KEY_LENGTH, MAX_RECORD_BYTES, Power, Runtime, TimedResult } from "./ports.js"

/** Binary records in DeviceScript settings (the settings service of the device itself). */
export class SettingsStore implements KeyValueStore {
    async read(key: string): Promise<number[] | null> {
        checkKey(key)
        const pkt = await ds.actionReport(
            settings,
            "get",
            async () => await settings.get(key),
            (p: ds.Packet) => p.decode()[0] === key
        )
        const b = pkt.decode()[1] as Buffer
        if (!b || b.length === 0) return null
        const out: number[] = []
        for (let i = 0; i < b.length; i++) out.push(b[i])
        return out
    }

    async write(key: string, bytes: number[]): Promise<void> {
        checkKey(key)
        if (bytes.length > MAX_RECORD_BYTES) throw new RangeError("setting " + key + " has " + bytes.length + " bytes, more than " + MAX_RECORD_BYTES)
        await settings.set(key, Buffer.from(bytes))
    }

    async remove(key: string): Promise<void> {
        checkKey(key)
        await settings.delete(key)
    }
}

function checkKey(key: string): void {
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) throw new RangeError("setting key '" + key + "' must have 1.." + MAX_KEY_LENGTH + " characters")
}

function messageOf(e: any): string {
    return e && e.message ? e.message : "error"
}

/** Fibers: the operation runs in its own fiber, terminated if the timeout expires first. */
export class DevicescriptRuntime implements Runtime {
    /** Since the chip's reset on a board (boot time included); since the VM process started in the simulator. */
    counterMs(): number {
        return ds.millis()
    }

    async yieldNow(): Promise<void> {
        await ds.sleep(0)
    }

    async sleepMs(ms: number): Promise<void> {
        await ds.sleep(ms)
    }

    async withTimeout<T>(op: () => Promise<T>, ms: number): Promise<TimedResult<T>> {
        return await runWithTimeout(op, ms)
    }
}

export async function runWithTimeout<T>(op: () => Promise<T>, ms: number): Promise<TimedResult<T>> {
    const caller = ds.Fiber.self()
    let finished = false
    let result: TimedResult<T> = { ok: false, timedOut: true, message: "timed out after " + ms + " ms" }
    const worker = (async () => {
        try {
            const value = await op()
            result = { ok: true, value: value }
        } catch (e) {
            result = { ok: false, timedOut: false, message: messageOf(e) }
        }
        finished = true
        if (caller.suspended) caller.resume(null)
    }).start()
    if (!finished) await ds.suspend(ms)
    if (!finished) {
        worker.terminate()
        return { ok: false, timedOut: true, message: "timed out after " + ms + " ms" }
    }
    return result
}

/** On a board: deep sleep (wakes with a reset), reboot, and the control service watchdog. */
export class BoardPower implements Power {
    async standby(ms: number): Promise<void> {
        await standby(ms)
    }

    async reboot(): Promise<void> {
        ds.reboot()
    }

    /** reset_in is in µs (uint32): at most 71 minutes. */
    async armWatchdog(ms: number): Promise<void> {
        const us = ms > 4000000 ? 4000000000 : ms * 1000
        await currentControl().resetIn.write(us)
    }

    restartKeepsCounter(): boolean {
        return false
    }
}

/**
 * In the simulator: "deep sleep" is a light sleep followed by a program restart, so that every
 * wake boots from the settings exactly as on a board; no watchdog.
 */
export class SimulatorPower implements Power {
    async standby(ms: number): Promise<void> {
        await ds.sleep(ms)
        ds.restart()
    }

    async reboot(): Promise<void> {
        ds.restart()
    }

    async armWatchdog(ms: number): Promise<void> {}

    /** ds.restart() restarts the program in the same VM process: ds.millis() keeps counting. */
    restartKeepsCounter(): boolean {
        return true
    }
}

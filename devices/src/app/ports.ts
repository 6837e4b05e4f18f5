// What the buoy application needs from the platform. src/app/devicescript-platform.ts implements
// these on DeviceScript; tests and the benchmark give fakes (src/app/testing/). Keeping the
// application behind them is what lets the same scheduling, queue and configuration code run in
// the DeviceScript VM, in Node tests and in the Node benchmark.

/** Persistent key-value storage (flash). Keys ≤ 13 characters, values ≤ MAX_RECORD_BYTES. */
export interface KeyValueStore {
    /** The stored bytes, or null when the key is absent. */
    read(key: string): Promise<number[] | null>
    write(key: string, bytes: number[]): Promise<void>
    remove(key: string): Promise<void>
}

/** DeviceScript settings are Jacdac packets: key + value must fit one 236-byte payload. */
export const MAX_RECORD_BYTES = 200
export const MAX_KEY_LENGTH = 13

export type TimedResult<T> = { ok: true; value: T } | { ok: false; timedOut: boolean; message: string }

export interface Runtime {
    /**
     * The platform's millisecond counter (ds.millis()). On a board it restarts at 0 when the chip
     * resets (every boot and deep-sleep wake); in the simulator VM it keeps counting across program
     * restarts. The clock (clock.ts) tells the two apart from its checkpoint.
     */
    counterMs(): number
    /** Lets other fibers run; needed between long computations in the VM (≈ 128k instructions). */
    yieldNow(): Promise<void>
    /** Waits with the CPU on (light sleep). */
    sleepMs(ms: number): Promise<void>
    /** Runs `op`; gives up after `ms` (the op may keep running in the background in Node). */
    withTimeout<T>(op: () => Promise<T>, ms: number): Promise<TimedResult<T>>
}

export interface Power {
    /**
     * Deep sleep for `ms`. On a board the chip resets on wake and this never returns; in the
     * simulator and tests it returns after the sleep (or restarts the program).
     */
    standby(ms: number): Promise<void>
    /** Restarts the device. Returns only in tests. */
    reboot(): Promise<void>
    /** Arms (or re-arms) the device watchdog: the device resets if not re-armed within `ms`. 0 disarms. */
    armWatchdog(ms: number): Promise<void>
    /**
     * True when standby and reboot restart the program but not the platform counter
     * (Runtime.counterMs): the simulator VM. False on a board, whose chip resets.
     */
    restartKeepsCounter(): boolean
}

export type Logger = (line: string) => void

// The few hardware operations the radio drivers need, so that the same driver code runs on the
// buoy (src/radio/ds-hal.ts: @devicescript/spi and GPIO) and against the register-level fakes
// of the tests (src/radio/fake-sx1276.ts, fake-sx1262.ts), in the VM and in Node.
import { Clock } from "./radio.js"

/** One SPI transaction with chip select held low: sends tx, returns what was clocked in. */
export interface SpiDevice {
    transfer(tx: number[]): Promise<number[]>
}

export interface OutputLine {
    write(high: boolean): void
}

export interface InputLine {
    read(): boolean
}

export interface RadioHal {
    spi: SpiDevice
    /** NRESET, active low. */
    reset: OutputLine
    /** SX1276 DIO0 (TxDone / RxDone); SX1262 DIO1 (the IRQ line). */
    irq: InputLine
    /** SX1276 DIO1 (RxTimeout); unused on the SX1262. */
    irq2: InputLine | null
    /** SX1262 BUSY; null for the SX1276. */
    busy: InputLine | null
    /** RF switch receive enable (Ebyte E22 RXEN), when the MCU drives it; null otherwise. */
    rxEnable: OutputLine | null
    clock: Clock
}

/**
 * Polls `line` every `stepMs` until it is high or `timeoutMs` passed. DeviceScript's pin
 * subscriptions poll every 100 ms, too coarse to time a receive window, hence the loop.
 */
export async function waitHigh(clock: Clock, lines: (InputLine | null)[], timeoutMs: number, stepMs: number): Promise<boolean> {
    const end = clock.now() + timeoutMs
    while (true) {
        for (const l of lines) if (l !== null && l.read()) return true
        if (clock.now() >= end) return false
        await clock.sleep(stepMs)
    }
}

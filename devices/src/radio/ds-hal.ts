// RadioHal on DeviceScript: @devicescript/spi (configured by firmware.ts) with chip select driven
// as a GPIO around each transfer, and the radio's control pins from the board (src/board.ts).
// DeviceScript only; the drivers themselves are runtime-neutral.
import * as ds from "@devicescript/core"
import { pinMode } from "@devicescript/gpio"
import { spi } from "@devicescript/spi"
import { RadioPins } from "../board"
import { InputLine, OutputLine, RadioHal } from "./hal"
import { Clock } from "./radio"

/** ds.millis()/ds.sleep(). */
export const DS_CLOCK: Clock = {
    now: () => ds.millis(),
    sleep: async (ms: number) => {
        await ds.sleep(ms)
    },
}

function output(pin: ds.OutputPin): OutputLine {
    return {
        write: (high: boolean) => {
            pinMode(pin, high ? ds.GPIOMode.OutputHigh : ds.GPIOMode.OutputLow)
        },
    }
}

function input(pin: ds.InputPin): InputLine {
    pinMode(pin, ds.GPIOMode.Input)
    return { read: () => pin.value === 1 }
}

export function dsRadioHal(pins: RadioPins): RadioHal {
    const nss = pins.nss
    pinMode(nss, ds.GPIOMode.OutputHigh)
    return {
        spi: {
            transfer: async (tx: number[]) => {
                const buf = Buffer.alloc(tx.length)
                for (let i = 0; i < tx.length; i++) buf[i] = tx[i]
                pinMode(nss, ds.GPIOMode.OutputLow)
                const r = await spi.transfer(buf)
                pinMode(nss, ds.GPIOMode.OutputHigh)
                const out: number[] = []
                for (let i = 0; i < r.length; i++) out.push(r[i])
                return out
            },
        },
        reset: output(pins.reset),
        irq: input(pins.chip === "sx1276" ? pins.dio0 : pins.dio1),
        irq2: pins.chip === "sx1276" ? input(pins.dio1) : null,
        busy: pins.busy ? input(pins.busy) : null,
        rxEnable: pins.rxEnable ? output(pins.rxEnable) : null,
        clock: DS_CLOCK,
    }
}

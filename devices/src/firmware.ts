// Buoy firmware entry: brings a board up. Sampling, the queue, the LoRaWAN stack and the sensor
// drivers plug in here as they land (see docs/firmware.md).
import * as ds from "@devicescript/core"
import { pinMode } from "@devicescript/gpio"
import { spi } from "@devicescript/spi"
import { BuoyBoard } from "./board"
import { PAYLOAD_VERSION } from "./codec"

export const FIRMWARE_VERSION = "0.1.0"

/** SX127x and SX126x both take SPI mode 0; 1 MHz leaves margin on long wires to an external module. */
const RADIO_SPI_HZ = 1000000

/** Holds the radio in reset, then releases it (SX1276 ≥ 100 µs low, SX1262 ≥ 100 µs low). */
async function resetRadio(board: BuoyBoard) {
    const r = board.radio
    pinMode(r.nss, ds.GPIOMode.OutputHigh)
    if (r.rxEnable) pinMode(r.rxEnable, ds.GPIOMode.OutputLow)
    pinMode(r.reset, ds.GPIOMode.OutputLow)
    await ds.sleep(1)
    pinMode(r.reset, ds.GPIOMode.OutputHigh)
    // SX1276 needs 5 ms after reset; the SX1262 signals readiness on BUSY.
    await ds.sleep(10)
}

export async function startBuoy(board: BuoyBoard) {
    console.log(
        "reeflink buoy firmware " + FIRMWARE_VERSION + ", payload v" + PAYLOAD_VERSION +
        ", board " + board.id + ", radio " + board.radio.chip
    )
    spi.configure({
        miso: board.radio.miso,
        mosi: board.radio.mosi,
        sck: board.radio.sck,
        mode: 0,
        hz: RADIO_SPI_HZ,
    })
    await resetRadio(board)
}

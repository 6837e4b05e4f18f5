// Buoy firmware entry on a board: brings the board up (radio SPI and reset), then runs the buoy
// application (src/app/buoy.ts) on the board's sensors and the given radio link.
import * as ds from "@devicescript/core"
import { pinMode } from "@devicescript/gpio"
import { spi } from "@devicescript/spi"
import { Buoy } from "./app/buoy"
import { buoyOptions } from "./app/context"
import { BoardPower, DevicescriptRuntime, SettingsStore } from "./app/devicescript-platform"
import { FIRMWARE_VERSION } from "./app/version"
import { BuoyBoard } from "./board"
import { PAYLOAD_VERSION } from "./codec"
import { LinkLayer } from "./link"
import { startBoardSensors } from "./sensors/board-sensors"

export { FIRMWARE_VERSION }

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

/**
 * Starts the buoy on `board`. `makeLink` builds the radio link once SPI is configured and the
 * radio is out of reset (the LoRaWAN MAC of src/lorawan; see docs/firmware.md).
 */
export async function startBuoy(board: BuoyBoard, makeLink: (board: BuoyBoard) => LinkLayer) {
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
    const buoy = new Buoy(
        {
            runtime: new DevicescriptRuntime(),
            power: new BoardPower(),
            store: new SettingsStore(),
            link: makeLink(board),
            sensors: startBoardSensors(board),
            log: (line: string) => console.log(line),
        },
        buoyOptions({ firmwareVersion: FIRMWARE_VERSION })
    )
    await buoy.run()
}

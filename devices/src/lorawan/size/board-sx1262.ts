// Bytecode-size probe: the LoRaWAN link as the ESP32-C3 + E22 firmware includes it (EU868, SX1262).
import * as ds from "@devicescript/core"
import { makeSx1262Link } from "../link-sx1262"
import { EU868 } from "../regions/eu868"

const board: any = ds.millis() > 1e12 ? null : undefined
if (board !== undefined) {
    const mac = makeSx1262Link(board, { region: EU868 }, 0x02)
    await mac.start()
}
console.log("lorawan size probe")

// Bytecode-size probe: the LoRaWAN link as the TTGO LoRa32 firmware includes it (EU868, SX1276).
import * as ds from "@devicescript/core"
import { makeSx1276Link } from "../link-sx1276"
import { EU868 } from "../regions/eu868"

const board: any = ds.millis() > 1e12 ? null : undefined
if (board !== undefined) {
    const mac = makeSx1276Link(board, { region: EU868 })
    await mac.start()
}
console.log("lorawan size probe")

// LoRaWAN link for boards with an SX1262 module (Ebyte E22-900M22S: TXEN on DIO2, TCXO on DIO3).
import { BuoyBoard } from "../board"
import { dsRadioHal } from "../radio/ds-hal"
import { Sx1262 } from "../radio/sx1262"
import { LoRaWanLinkOptions, makeLoRaWanMac } from "./buoy-link"
import { LoRaWanMac } from "./mac"

/** `tcxoVoltageCode`: SetDIO3AsTCXOCtrl code (E22: 0x02 = 1.8 V; verify on the module's datasheet), null for a crystal. */
export function makeSx1262Link(board: BuoyBoard, o: LoRaWanLinkOptions, tcxoVoltageCode: number | null): LoRaWanMac {
    return makeLoRaWanMac(new Sx1262(dsRadioHal(board.radio), { dio2RfSwitch: true, tcxoVoltageCode: tcxoVoltageCode }), o)
}

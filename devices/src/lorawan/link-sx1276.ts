// LoRaWAN link for boards with an SX1276 on PA_BOOST (LilyGO TTGO LoRa32, RFM95 modules).
import { BuoyBoard } from "../board"
import { dsRadioHal } from "../radio/ds-hal"
import { Sx1276 } from "../radio/sx1276"
import { LoRaWanLinkOptions, makeLoRaWanMac } from "./buoy-link"
import { LoRaWanMac } from "./mac"

export function makeSx1276Link(board: BuoyBoard, o: LoRaWanLinkOptions): LoRaWanMac {
    return makeLoRaWanMac(new Sx1276(dsRadioHal(board.radio), { paBoost: true }), o)
}

// The buoy's radio link on a board (DeviceScript only): the LoRaWAN MAC with keys and state in
// @devicescript/settings. The chip-specific factories are in link-sx1276.ts and link-sx1262.ts
// so that a board's firmware compiles only its own driver: a DeviceScript image holds at most
// 64 KB of code (runtime verify.c, check 1051), and the buoy application already uses half.
//     startBuoy({...}, (board) => makeSx1276Link(board, { region: EU868, rx2Dr: 3 }))
// firmware.ts has configured SPI and reset the radio when makeLink runs.
import * as ds from "@devicescript/core"
import { DS_CLOCK } from "../radio/ds-hal"
import { Radio } from "../radio/radio"
import { LoRaWanMac } from "./mac"
import { Region, subBandChannels } from "./region"
import { SettingsStore } from "./settings-store"

export interface LoRaWanLinkOptions {
    /** The plan, from regions/<name>.ts (EU868 for the European buoys). */
    region: Region
    /** US915/AU915 sub-band 1..8 (The Things Network: 2). */
    subBand?: number
    dataRate?: number
    /** RX2 data rate before the network sets one: The Things Network EU868 uses DR3. */
    rx2Dr?: number
    adr?: boolean
    log?: (line: string) => void
}

export function makeLoRaWanMac(radio: Radio, o: LoRaWanLinkOptions): LoRaWanMac {
    return new LoRaWanMac({
        region: o.region,
        radio: radio,
        clock: DS_CLOCK,
        store: new SettingsStore(),
        pause: async () => {
            await ds.sleep(0)
        },
        adr: o.adr,
        dataRate: o.dataRate,
        rx2Dr: o.rx2Dr,
        enabledChannels: o.subBand ? subBandChannels(o.subBand) : undefined,
        log: o.log,
    })
}

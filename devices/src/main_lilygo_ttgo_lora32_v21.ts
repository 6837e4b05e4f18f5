// Firmware for the LilyGO TTGO LoRa32 V2.1 (boards/lilygo_ttgo_lora32_v21.board.json).
import { pins } from "@dsboard/lilygo_ttgo_lora32_v21"
import { startPotentiometer } from "@devicescript/servers"
import { ESP32_ADC_FULL_SCALE_MV } from "./board"
import { startBuoy } from "./firmware"
import { makeSx1276Link } from "./lorawan/link-sx1276"
import { EU868 } from "./lorawan/regions/eu868"

// Radio link: the LoRaWAN MAC on the board's SX1276, EU868 (docs/lorawan-mac.md). Only this board's
// driver and region are compiled in, to stay under DeviceScript's 64 KiB of function bytecode.
await startBuoy({
    id: "lilygo_ttgo_lora32_v21",
    radio: {
        chip: "sx1276",
        sck: pins.LORA_SCK,
        miso: pins.LORA_MISO,
        mosi: pins.LORA_MOSI,
        nss: pins.LORA_NSS,
        reset: pins.LORA_RESET,
        dio0: pins.LORA_DIO0,
        dio1: pins.LORA_DIO1,
    },
    // NTC divider powered from NTC_POWER only while it is read: SEMITEC 103AT-2 + 10 kΩ 0.1 %.
    ntc: startPotentiometer({ pin: pins.NTC_ADC, pinHigh: pins.NTC_POWER }),
    ntcDivider: { r0Ohm: 10000, t0C: 25, betaK: 3435, refOhm: 10000, supplyMv: 3300, adcFullScaleMv: ESP32_ADC_FULL_SCALE_MV },
    battery: startPotentiometer({ pin: pins.BATTERY_ADC }),
    // On-board 100 kΩ / 100 kΩ divider.
    batteryDivider: { dividerRatio: 2, adcFullScaleMv: ESP32_ADC_FULL_SCALE_MV },
}, (board) => makeSx1276Link(board, { region: EU868, rx2Dr: 3 }))

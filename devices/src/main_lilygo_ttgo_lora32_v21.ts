// Firmware for the LilyGO TTGO LoRa32 V2.1 (boards/lilygo_ttgo_lora32_v21.board.json).
import { pins } from "@dsboard/lilygo_ttgo_lora32_v21"
import { startPotentiometer } from "@devicescript/servers"
import { startBuoy } from "./firmware"

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
    // NTC divider powered from NTC_POWER only while it is read.
    ntc: startPotentiometer({ pin: pins.NTC_ADC, pinHigh: pins.NTC_POWER }),
    battery: startPotentiometer({ pin: pins.BATTERY_ADC }),
    // On-board 100 kΩ / 100 kΩ divider.
    batteryDividerRatio: 2,
})

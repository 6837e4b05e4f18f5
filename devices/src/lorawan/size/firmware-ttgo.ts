// Bytecode-size probe: the TTGO LoRa32 firmware (src/main_lilygo_ttgo_lora32_v21.ts) with the LoRaWAN
// link wired in, to see whether it fits DeviceScript's 64 KB code limit (devices/bench/lorawan.bench.ts).
// Delete once main_lilygo_ttgo_lora32_v21.ts uses the link itself (the firmware bench then shows it).
import { pins } from "@dsboard/lilygo_ttgo_lora32_v21"
import { startPotentiometer } from "@devicescript/servers"
import { makeSx1276Link } from "../link-sx1276"
import { EU868 } from "../regions/eu868"
import { ESP32_ADC_FULL_SCALE_MV } from "../../board"
import { startBuoy } from "../../firmware"

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

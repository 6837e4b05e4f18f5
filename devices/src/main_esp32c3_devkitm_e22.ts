// Firmware for the ESP32-C3-DevKitM-1 + Ebyte E22-900M22S (boards/esp32c3_devkitm_e22.board.json).
import { pins } from "@dsboard/esp32c3_devkitm_e22"
import { startPotentiometer } from "@devicescript/servers"
import { ESP32C3_ADC_FULL_SCALE_MV } from "./board"
import { startBuoy } from "./firmware"
import { makeSx1262Link } from "./lorawan/link-sx1262"
import { EU868 } from "./lorawan/regions/eu868"

// Radio link: the LoRaWAN MAC on the board's SX1262, EU868 (docs/lorawan-mac.md). Only this board's
// driver and region are compiled in, to stay under DeviceScript's 64 KiB of function bytecode.
await startBuoy({
    id: "esp32c3_devkitm_e22",
    radio: {
        chip: "sx1262",
        sck: pins.LORA_SCK,
        miso: pins.LORA_MISO,
        mosi: pins.LORA_MOSI,
        nss: pins.LORA_NSS,
        reset: pins.LORA_RESET,
        dio1: pins.LORA_DIO1,
        busy: pins.LORA_BUSY,
        rxEnable: pins.LORA_RXEN,
    },
    // 100 kΩ NTC (SEMITEC 104JT) + 100 kΩ reference straight from 3V3 (no spare GPIO to switch it).
    ntc: startPotentiometer({ pin: pins.NTC_ADC }),
    ntcDivider: { r0Ohm: 100000, t0C: 25, betaK: 4390, refOhm: 100000, supplyMv: 3300, adcFullScaleMv: ESP32C3_ADC_FULL_SCALE_MV },
    battery: startPotentiometer({ pin: pins.BATTERY_ADC }),
    // 1 MΩ / 1 MΩ divider with 100 nF at the ADC pin.
    batteryDivider: { dividerRatio: 2, adcFullScaleMv: ESP32C3_ADC_FULL_SCALE_MV },
}, (board) => makeSx1262Link(board, { region: EU868, rx2Dr: 3 }, 0x02))

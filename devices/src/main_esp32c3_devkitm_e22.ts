// Firmware for the ESP32-C3-DevKitM-1 + Ebyte E22-900M22S (boards/esp32c3_devkitm_e22.board.json).
import { pins } from "@dsboard/esp32c3_devkitm_e22"
import { startPotentiometer } from "@devicescript/servers"
import { startBuoy } from "./firmware"

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
    // 100 kΩ NTC + 100 kΩ reference straight from 3V3 (no spare GPIO to switch it).
    ntc: startPotentiometer({ pin: pins.NTC_ADC }),
    battery: startPotentiometer({ pin: pins.BATTERY_ADC }),
    // 1 MΩ / 1 MΩ divider with 100 nF at the ADC pin.
    batteryDividerRatio: 2,
})

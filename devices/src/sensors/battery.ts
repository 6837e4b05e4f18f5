// Battery voltage through a resistor divider into an ADC pin: V_bat = V_pin · dividerRatio,
// V_pin = ratio · adcFullScaleMv (see ntc.ts for why the ESP32's full scale is a nominal figure).
// Reported in the status uplink as batteryMv; the server's `linear` calibration can correct it.
import { AnalogInput, SensorError } from "./sensor.js"

export interface BatteryDivider {
    /** V_battery / V_pin, e.g. 2 for two equal resistors. */
    dividerRatio: number
    /** Voltage at which the ADC reads full scale, mV. */
    adcFullScaleMv: number
}

/** mV of the battery from the ADC's full-scale ratio (0..1), rounded to 1 mV. */
export function batteryMillivolts(ratio: number, d: BatteryDivider): number {
    if (!(ratio >= 0 && ratio <= 1)) throw new SensorError("out_of_range", "battery ADC ratio " + ratio + " is outside 0..1")
    return Math.floor(ratio * d.adcFullScaleMv * d.dividerRatio + 0.5)
}

export function batteryMonitor(input: AnalogInput, d: BatteryDivider): () => Promise<number> {
    return async () => batteryMillivolts(await input.readRatio(), d)
}

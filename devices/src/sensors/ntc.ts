// NTC thermistor on an ADC divider: the buoy's cheap second temperature, used only to check the
// TSYS01 (a disagreement raises the temperature fault flag; see sensor.ts TemperatureCheck).
//
// Divider: supply ── R_ref ──┬── ADC pin ── NTC ── GND (boards/README.md "Wiring").
//   V_pin / V_supply = R_ntc / (R_ref + R_ntc)  ⇒  R_ntc = R_ref · x / (1 − x)
// The ESP32 ADC reads against its internal reference, not the supply, so the ratio the ADC gives is
// rescaled: x = ratio · adcFullScaleMv / supplyMv. DeviceScript's ESP32 ADC returns the raw 12-bit
// count shifted to 16 bits, uncalibrated, at 11 dB attenuation (microsoft/devicescript-esp32
// main/adc.c), so `adcFullScaleMv` is a nominal value to be checked per board.
// Temperature: the β equation, 1/T = 1/T0 + ln(R/R0)/β (T in kelvin), as thermistor datasheets give
// it; SEMITEC catalogue "NTC thermistors" (Cat. No. 129M): AT thermistor 103AT-2 (R25 = 10.0 kΩ,
// B25/85 = 3435 K ± 1 %) on the TTGO board, JT thermistor 104JT (100 kΩ, 4390 K) on the C3 board.
// β over 25..85 °C is a fit: a few tenths of a degree off in 20..30 °C water, enough for a check.
import { AnalogInput, SensorError } from "./sensor.js"

export interface NtcDivider {
    /** NTC resistance at t0C, Ω. */
    r0Ohm: number
    /** Reference temperature of r0Ohm, °C (25 on datasheets). */
    t0C: number
    /** β constant, K. */
    betaK: number
    /** Fixed resistor between the supply and the ADC pin, Ω. */
    refOhm: number
    /** Divider supply, mV. */
    supplyMv: number
    /** Voltage at which the ADC reads full scale, mV. */
    adcFullScaleMv: number
}

const KELVIN_OFFSET = 273.15

/** °C from the ADC's full-scale ratio (0..1). Throws SensorError("out_of_range") for an open or shorted divider. */
export function ntcCelsius(ratio: number, d: NtcDivider): number {
    const x = (ratio * d.adcFullScaleMv) / d.supplyMv
    if (!(x > 0 && x < 1)) throw new SensorError("out_of_range", "NTC divider ratio " + x + " (open or shorted thermistor)")
    const r = (d.refOhm * x) / (1 - x)
    const invT = 1 / (d.t0C + KELVIN_OFFSET) + Math.log(r / d.r0Ohm) / d.betaK
    return 1 / invT - KELVIN_OFFSET
}

/** The ADC ratio the divider gives at `celsius` (the inverse of ntcCelsius; for simulators and tests). */
export function ntcRatioAt(celsius: number, d: NtcDivider): number {
    const r = d.r0Ohm * Math.exp(d.betaK * (1 / (celsius + KELVIN_OFFSET) - 1 / (d.t0C + KELVIN_OFFSET)))
    const x = r / (d.refOhm + r)
    return (x * d.supplyMv) / d.adcFullScaleMv
}

/** Reads the NTC in °C. */
export function ntcThermometer(input: AnalogInput, d: NtcDivider): () => Promise<number> {
    return async () => ntcCelsius(await input.readRatio(), d)
}

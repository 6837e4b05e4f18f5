// The parts the simulated binding (jacdac-sim.ts) pretends to have: shared with the Node tests,
// which need the same numbers to predict what the firmware computes.
import { BatteryDivider } from "./battery.js"
import { NtcDivider } from "./ntc.js"

/** The simulated TSYS01's PROM coefficients k0..k4: the datasheet's example part. */
export const SIM_TSYS01_K = [40781, 32791, 36016, 24926, 28446]
/** A 10 kΩ NTC (β 3435 K) under a 10 kΩ reference, ADC full scale = supply. */
export const SIM_NTC: NtcDivider = { r0Ohm: 10000, t0C: 25, betaK: 3435, refOhm: 10000, supplyMv: 3300, adcFullScaleMv: 3300 }
export const SIM_BATTERY: BatteryDivider = { dividerRatio: 2, adcFullScaleMv: 3300 }
/** TSYS01 − NTC difference above which the temperature fault is raised, °C. */
export const SIM_NTC_CHECK_MAX_DIFFERENCE_C = 3

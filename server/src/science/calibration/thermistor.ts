import { ScienceError, requireFinite } from '../errors.js';
import { requireInvertedRaw, requireRaw } from './rawRange.js';

/**
 * Sea-Bird thermistor, Steinhart–Hart form as printed on SBE 37 sheets:
 *   T90 = 1 / (a0 + a1·ln n + a2·ln² n + a3·ln³ n) − 273.15
 * with n the raw thermistor count as the buoy sends it (the SBE 37
 * "instrument recovered" form; OOI ion-functions
 * ctd_sbe37im_tempwat_instrument_recovered).
 */
export interface ThermistorCoefficients {
  a0: number;
  a1: number;
  a2: number;
  a3: number;
}

export interface ThermistorModel {
  kind: 'thermistor-steinhart-hart';
  coefficients: ThermistorCoefficients;
}

export const THERMISTOR_COEFFICIENTS = ['a0', 'a1', 'a2', 'a3'] as const;

function inverseKelvin(c: ThermistorCoefficients, L: number): number {
  return c.a0 + L * (c.a1 + L * (c.a2 + L * c.a3));
}

/** Raw count n → temperature, °C ITS-90. */
export function thermistorTemperature(model: ThermistorModel, raw: number, record = 'thermistor'): number {
  const n = requireRaw(raw, record);
  if (n <= 0) {
    throw new ScienceError({ code: 'OUTSIDE_MODEL_DOMAIN', record, field: 'raw', message: 'ln n needs n > 0', value: raw });
  }
  const y = inverseKelvin(model.coefficients, Math.log(n));
  if (!(y > 0)) {
    throw new ScienceError({
      code: 'OUTSIDE_MODEL_DOMAIN',
      record,
      field: 'raw',
      message: `a0 + a1·ln n + … = ${y} is not a positive 1/K at n = ${n}`,
      value: raw,
    });
  }
  return 1 / y - 273.15;
}

/** Temperature (°C ITS-90) → raw count n (real; the simulator rounds it). */
export function thermistorRaw(model: ThermistorModel, t90_degC: number, record = 'thermistor'): number {
  requireFinite(t90_degC, record, 't90_degC');
  const c = model.coefficients;
  const target = 1 / (t90_degC + 273.15);
  // Start from the linear term, then Newton on the cubic in L = ln n.
  let L = c.a1 !== 0 ? (target - c.a0) / c.a1 : 12;
  for (let i = 0; i < 50; i++) {
    const f = inverseKelvin(c, L) - target;
    const df = c.a1 + L * (2 * c.a2 + 3 * c.a3 * L);
    const step = f / df;
    L -= step;
    if (!Number.isFinite(L) || Math.abs(step) < 1e-15 * Math.max(1, Math.abs(L))) break;
  }
  const n = Math.exp(L);
  requireInvertedRaw(n, record, 't90_degC', t90_degC);
  if (Math.abs(inverseKelvin(c, L) - target) > 1e-12 * target) {
    throw new ScienceError({ code: 'NOT_INVERTIBLE', record, field: 't90_degC', message: 'Newton did not converge', value: t90_degC });
  }
  return n;
}

import { ScienceError, requireFinite } from '../errors.js';
import { requireInvertedRaw, requireRaw } from './rawRange.js';

/**
 * Sea-Bird strain-gauge pressure sensor (SBE 37 / SBE 16plus sheets):
 *   t = PTEMPA0 + PTEMPA1·pt + PTEMPA2·pt²      (pressure-sensor temperature, °C)
 *   x = raw − PTCA0 − PTCA1·t − PTCA2·t²
 *   n = x·PTCB0 / (PTCB0 + PTCB1·t + PTCB2·t²)
 *   p_psia = PA0 + PA1·n + PA2·n²
 *   p_dbar = p_psia · 0.689475729 − 10.1325      (sea pressure)
 * (OOI ion-functions ctd_sbe37im_preswat_instrument_recovered.)
 *
 * Compensation input: with `compensation: 'pressure-temperature-counts'`
 * the buoy sends the pressure sensor's own temperature counts `pt` as a
 * second channel; with `'water-temperature'` it sends nothing more and the
 * calibrated thermistor temperature (°C) of the same sample is used as t
 * (the two agree within ~0.1 °C on a moored CTD, ≈ 0.001 dbar of error).
 */
export interface StrainGaugeCoefficients {
  PA0: number;
  PA1: number;
  PA2: number;
  PTCA0: number;
  PTCA1: number;
  PTCA2: number;
  PTCB0: number;
  PTCB1: number;
  PTCB2: number;
  /** Only needed with 'pressure-temperature-counts'. */
  PTEMPA0?: number;
  PTEMPA1?: number;
  PTEMPA2?: number;
}

export type StrainGaugeCompensation = 'pressure-temperature-counts' | 'water-temperature';

export interface StrainGaugeModel {
  kind: 'pressure-strain-gauge';
  compensation: StrainGaugeCompensation;
  coefficients: StrainGaugeCoefficients;
}

export const STRAIN_GAUGE_COEFFICIENTS = [
  'PA0', 'PA1', 'PA2', 'PTCA0', 'PTCA1', 'PTCA2', 'PTCB0', 'PTCB1', 'PTCB2',
] as const;
export const STRAIN_GAUGE_PTEMP_COEFFICIENTS = ['PTEMPA0', 'PTEMPA1', 'PTEMPA2'] as const;

const DBAR_PER_PSI = 0.689475729;
const ATMOSPHERE_DBAR = 10.1325;

/** What the compensation channel is: raw `pt` counts, or the water temperature in °C. */
export function compensationTemperature(
  model: StrainGaugeModel,
  compensation: number,
  record: string,
): number {
  requireFinite(compensation, record, 'compensation');
  if (model.compensation === 'water-temperature') return compensation;
  const c = model.coefficients;
  return (c.PTEMPA0 ?? 0) + compensation * ((c.PTEMPA1 ?? 0) + compensation * (c.PTEMPA2 ?? 0));
}

function tcDenominator(c: StrainGaugeCoefficients, t: number, record: string): number {
  const d = c.PTCB0 + t * (c.PTCB1 + t * c.PTCB2);
  if (d === 0 || c.PTCB0 === 0) {
    throw new ScienceError({ code: 'OUTSIDE_MODEL_DOMAIN', record, field: 'coefficients.PTCB0', message: 'PTCB0 + PTCB1·t + PTCB2·t² is zero', value: t });
  }
  return d;
}

/**
 * Raw pressure count → sea pressure, dbar.
 * @param compensation `pt` counts or water temperature °C, per model.compensation
 */
export function strainGaugePressure(
  model: StrainGaugeModel,
  raw: number,
  compensation: number,
  record = 'pressure',
): number {
  const r = requireRaw(raw, record);
  const c = model.coefficients;
  const t = compensationTemperature(model, compensation, record);
  const x = r - c.PTCA0 - t * (c.PTCA1 + t * c.PTCA2);
  const n = (x * c.PTCB0) / tcDenominator(c, t, record);
  const psia = c.PA0 + n * (c.PA1 + n * c.PA2);
  return psia * DBAR_PER_PSI - ATMOSPHERE_DBAR;
}

/** Sea pressure (dbar) → raw pressure count (real), for a given compensation input. */
export function strainGaugeRaw(
  model: StrainGaugeModel,
  p_dbar: number,
  compensation: number,
  record = 'pressure',
): number {
  requireFinite(p_dbar, record, 'p_dbar');
  const c = model.coefficients;
  const t = compensationTemperature(model, compensation, record);
  const psia = (p_dbar + ATMOSPHERE_DBAR) / DBAR_PER_PSI;
  // PA2·n² + PA1·n + (PA0 − psia) = 0; take the root continuous with the linear one.
  const cc = c.PA0 - psia;
  let n: number;
  if (c.PA2 === 0) {
    n = -cc / c.PA1;
  } else {
    const disc = c.PA1 * c.PA1 - 4 * c.PA2 * cc;
    if (disc < 0) {
      throw new ScienceError({ code: 'NOT_INVERTIBLE', record, field: 'p_dbar', message: 'PA polynomial never reaches this pressure', value: p_dbar });
    }
    n = (-2 * cc) / (c.PA1 + Math.sign(c.PA1 || 1) * Math.sqrt(disc));
  }
  const x = (n * tcDenominator(c, t, record)) / c.PTCB0;
  const raw = x + c.PTCA0 + t * (c.PTCA1 + t * c.PTCA2);
  return requireInvertedRaw(raw, record, 'p_dbar', p_dbar);
}

/** Inverse of the PTEMPA quadratic: pressure-sensor temperature °C → `pt` counts, for the simulator. */
export function pressureTemperatureRaw(model: StrainGaugeModel, t_degC: number, record = 'pressure'): number {
  requireFinite(t_degC, record, 't_degC');
  if (model.compensation === 'water-temperature') return t_degC;
  const a0 = model.coefficients.PTEMPA0 ?? 0;
  const a1 = model.coefficients.PTEMPA1 ?? 0;
  const a2 = model.coefficients.PTEMPA2 ?? 0;
  const cc = a0 - t_degC;
  let pt: number;
  if (a2 === 0) pt = -cc / a1;
  else {
    const disc = a1 * a1 - 4 * a2 * cc;
    pt = disc < 0 ? NaN : (-2 * cc) / (a1 + Math.sign(a1 || 1) * Math.sqrt(disc));
  }
  return requireInvertedRaw(pt, record, 't_degC', t_degC);
}

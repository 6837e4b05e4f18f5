import { ScienceError, requireFinite } from '../errors.js';
import { requireInvertedRaw, requireRaw } from './rawRange.js';

/**
 * Sea-Bird SBE 37 conductivity cell:
 *   f = raw / countsPerKHz · √(1 + WBOTC·t)           [kHz]
 *   C = (g + h·f² + i·f³ + j·f⁴) / (1 + CTcor·t + CPcor·p)   [S/m]
 * t in °C ITS-90, p in dbar. countsPerKHz is 256 000 for SBE 37 raw
 * counts (f = counts / 256 / 1000, OOI ion-functions
 * ctd_sbe37im_condwat_instrument_recovered); WBOTC is the cell's
 * thermal-expansion term, 0 when the sheet has none.
 */
export interface ConductivityCoefficients {
  g: number;
  h: number;
  i: number;
  j: number;
  CTcor: number;
  CPcor: number;
  /** Raw counts per kHz of cell frequency; default 256 000 (SBE 37). */
  countsPerKHz?: number;
  /** Optional; default 0. */
  WBOTC?: number;
}

export interface ConductivityModel {
  kind: 'conductivity-sbe37';
  coefficients: ConductivityCoefficients;
}

export const CONDUCTIVITY_COEFFICIENTS = ['g', 'h', 'i', 'j', 'CTcor', 'CPcor'] as const;
export const SBE37_COUNTS_PER_KHZ = 256_000;

function correction(c: ConductivityCoefficients, t: number, p: number): number {
  return 1 + c.CTcor * t + c.CPcor * p;
}

function frequencyFactor(c: ConductivityCoefficients, t: number, record: string): number {
  const k = 1 + (c.WBOTC ?? 0) * t;
  if (!(k > 0)) {
    throw new ScienceError({ code: 'OUTSIDE_MODEL_DOMAIN', record, field: 't90_degC', message: '1 + WBOTC·t must be > 0', value: t });
  }
  return Math.sqrt(k) / (c.countsPerKHz ?? SBE37_COUNTS_PER_KHZ);
}

function cellPolynomial(c: ConductivityCoefficients, f: number): number {
  return c.g + f * f * (c.h + f * (c.i + f * c.j));
}

/** Raw count → conductivity in S/m (× 10 for mS/cm). */
export function conductivityValue(
  model: ConductivityModel,
  raw: number,
  t90_degC: number,
  p_dbar: number,
  record = 'conductivity',
): number {
  const r = requireRaw(raw, record);
  requireFinite(t90_degC, record, 't90_degC');
  requireFinite(p_dbar, record, 'p_dbar');
  const c = model.coefficients;
  const f = r * frequencyFactor(c, t90_degC, record);
  return cellPolynomial(c, f) / correction(c, t90_degC, p_dbar);
}

/** Conductivity (S/m) → raw count (real). */
export function conductivityRaw(
  model: ConductivityModel,
  C_S_m: number,
  t90_degC: number,
  p_dbar: number,
  record = 'conductivity',
): number {
  requireFinite(C_S_m, record, 'C_S_m');
  requireFinite(t90_degC, record, 't90_degC');
  requireFinite(p_dbar, record, 'p_dbar');
  const c = model.coefficients;
  const target = C_S_m * correction(c, t90_degC, p_dbar);
  // The quadratic term dominates: start from it, then Newton on the quartic.
  let f = Math.sqrt(Math.max((target - c.g) / c.h, 1e-6));
  for (let n = 0; n < 60; n++) {
    const step = (cellPolynomial(c, f) - target) / (f * (2 * c.h + f * (3 * c.i + 4 * c.j * f)));
    f -= step;
    if (!Number.isFinite(f) || Math.abs(step) < 1e-15 * Math.max(1, Math.abs(f))) break;
  }
  if (!(f >= 0) || Math.abs(cellPolynomial(c, f) - target) > 1e-12 * Math.max(1, Math.abs(target))) {
    throw new ScienceError({
      code: 'NOT_INVERTIBLE',
      record,
      field: 'C_S_m',
      message: `no cell frequency gives C = ${C_S_m} S/m`,
      value: C_S_m,
    });
  }
  return requireInvertedRaw(f / frequencyFactor(c, t90_degC, record), record, 'C_S_m', C_S_m);
}

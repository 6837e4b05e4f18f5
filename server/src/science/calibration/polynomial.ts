import { ScienceError, requireFinite } from '../errors.js';
import { RAW_MAX, requireRaw } from './rawRange.js';

/**
 * Generic channels (battery voltage, plain pressure transducers, other
 * analog channels): value = c0 + c1·raw + c2·raw² + … (any degree ≥ 1),
 * and the linear special case value = offset + slope·raw.
 */
export interface PolynomialModel {
  kind: 'polynomial';
  /** c[k] multiplies raw^k; at least two entries, the last ≠ 0. */
  coefficients: { c: number[] };
}

export interface LinearModel {
  kind: 'linear';
  coefficients: { slope: number; offset: number };
}

export function polynomialValue(model: PolynomialModel, raw: number, record = 'polynomial'): number {
  const r = requireRaw(raw, record);
  return horner(model.coefficients.c, r);
}

export function linearValue(model: LinearModel, raw: number, record = 'linear'): number {
  const r = requireRaw(raw, record);
  return model.coefficients.offset + model.coefficients.slope * r;
}

export function linearRaw(model: LinearModel, value: number, record = 'linear'): number {
  requireFinite(value, record, 'value');
  const raw = (value - model.coefficients.offset) / model.coefficients.slope;
  return checkRange(raw, record, value);
}

function horner(c: number[], x: number): number {
  let y = 0;
  for (let k = c.length - 1; k >= 0; k--) y = y * x + (c[k] as number);
  return y;
}

function derivative(c: number[], x: number): number {
  let y = 0;
  for (let k = c.length - 1; k >= 1; k--) y = y * x + k * (c[k] as number);
  return y;
}

function checkRange(raw: number, record: string, value: number): number {
  if (!Number.isFinite(raw) || raw < 0 || raw > RAW_MAX) {
    throw new ScienceError({ code: 'NOT_INVERTIBLE', record, field: 'value', message: `value ${value} needs raw ${raw}, outside 0…${RAW_MAX}`, value });
  }
  return raw;
}

/**
 * True when the polynomial is strictly monotonic over the raw range, so
 * its inverse is unique. Checked on a dense grid of the derivative plus
 * its ends: enough for the low degrees calibration sheets use.
 */
export function isMonotonicOnRawRange(c: number[]): boolean {
  const steps = 4096;
  let sign = 0;
  for (let s = 0; s <= steps; s++) {
    const d = derivative(c, (RAW_MAX * s) / steps);
    const ds = Math.sign(d);
    if (ds === 0) continue;
    if (sign === 0) sign = ds;
    else if (ds !== sign) return false;
  }
  return sign !== 0;
}

/** Value → raw (real): bisection-safeguarded Newton inside 0…2²⁴−1. */
export function polynomialRaw(model: PolynomialModel, value: number, record = 'polynomial'): number {
  requireFinite(value, record, 'value');
  const c = model.coefficients.c;
  const g = (x: number) => horner(c, x) - value;
  let lo = 0;
  let hi = RAW_MAX;
  const glo = g(lo);
  const ghi = g(hi);
  if (glo === 0) return 0;
  if (ghi === 0) return hi;
  if (Math.sign(glo) === Math.sign(ghi)) checkRange(NaN, record, value);
  const rising = ghi > 0;
  let x = 0.5 * (lo + hi);
  for (let i = 0; i < 200; i++) {
    const gx = g(x);
    if (gx === 0) return x;
    if (gx > 0 === rising) hi = x;
    else lo = x;
    const newton = x - gx / derivative(c, x);
    const next = newton > lo && newton < hi ? newton : 0.5 * (lo + hi);
    if (Math.abs(next - x) <= 1e-12 * Math.max(1, Math.abs(x))) return next;
    x = next;
  }
  return x;
}

import { ScienceError, requireFinite } from '../errors.js';

/** Buoy channels are unsigned integers of at most 24 bits (see docs/calibration.md). */
export const RAW_MAX = 0xffffff;

/**
 * Checks a raw reading (or an inverse result) lies in 0…2²⁴−1. Real
 * values are accepted: the simulator feeds inverse results back before
 * rounding, and some channels are averaged on the buoy.
 */
export function requireRaw(raw: unknown, record: string, field = 'raw'): number {
  const value = requireFinite(raw, record, field);
  if (value < 0 || value > RAW_MAX) {
    throw new ScienceError({
      code: 'RAW_OUT_OF_RANGE',
      record,
      field,
      message: `raw reading must be within 0…${RAW_MAX} (24-bit unsigned), got ${value}`,
      value,
    });
  }
  return value;
}

/** Checks an inverse result lands in the raw range; NOT_INVERTIBLE otherwise. */
export function requireInvertedRaw(raw: number, record: string, field: string, value: number): number {
  if (!Number.isFinite(raw) || raw < 0 || raw > RAW_MAX) {
    throw new ScienceError({
      code: 'NOT_INVERTIBLE',
      record,
      field,
      message: `value ${value} needs raw reading ${raw}, outside 0…${RAW_MAX}`,
      value,
    });
  }
  return raw;
}

/**
 * Typed errors for the science modules. Every failure carries a stable
 * code, the record it concerns (a calibration record id, a datastream id,
 * or the function name for plain numeric calls) and the offending field,
 * so the ingest pipeline can store it next to the raw reading and move on.
 */

export type ScienceErrorCode =
  /** An input was NaN, ±Infinity or not a number at all. */
  | 'NOT_FINITE'
  /** A raw reading is outside what the buoy can send (negative, > 24 bits, not an integer count). */
  | 'RAW_OUT_OF_RANGE'
  /** The value is finite but the model has no meaning there (log of a non-positive count, division by ~0, negative conductivity ratio...). */
  | 'OUTSIDE_MODEL_DOMAIN'
  /** A value the computation needs was not supplied (e.g. temperature for the conductivity model). */
  | 'MISSING_INPUT'
  /** An inverse (physical value to raw) has no solution in the model's raw range. */
  | 'NOT_INVERTIBLE'
  /** A calibration record lacks a coefficient, or a coefficient is not a finite number. */
  | 'MISSING_COEFFICIENT'
  /** A calibration record field is malformed (empty serial, unknown model kind, bad dates). */
  | 'INVALID_RECORD'
  /** Two calibration records of one sensor are valid at the same instant. */
  | 'OVERLAPPING_VALIDITY'
  /** No calibration record of the sensor is valid at the sample's time. */
  | 'NO_CALIBRATION'
  /** A QC configuration is inconsistent (suspect span outside fail span, unknown spike method...). */
  | 'INVALID_QC_CONFIG'
  /** Arrays passed together have different lengths. */
  | 'LENGTH_MISMATCH'
  /** A streaming QC sample is not later than the previous one of its datastream. */
  | 'OUT_OF_ORDER';

export interface ScienceErrorDetail {
  code: ScienceErrorCode;
  /** What the error is about: calibration record id, datastream id, or function name. */
  record: string;
  /** The field or argument at fault, e.g. "coefficients.a1" or "C_mS_cm". */
  field: string;
  message: string;
  /** The offending value when there is one (kept as given, for the error log). */
  value?: unknown;
}

export class ScienceError extends Error {
  readonly code: ScienceErrorCode;
  readonly record: string;
  readonly field: string;
  readonly value: unknown;

  constructor(detail: ScienceErrorDetail) {
    super(`${detail.code} in ${detail.record} at ${detail.field}: ${detail.message}`);
    this.name = 'ScienceError';
    this.code = detail.code;
    this.record = detail.record;
    this.field = detail.field;
    this.value = detail.value;
  }

  toDetail(): ScienceErrorDetail {
    const detail: ScienceErrorDetail = {
      code: this.code,
      record: this.record,
      field: this.field,
      message: this.message,
    };
    if (this.value !== undefined) detail.value = this.value;
    return detail;
  }
}

/** A result that never throws, for pipeline stages (see STYLE.md: failures are data). */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ScienceErrorDetail };

/** Runs `fn`, turning a thrown ScienceError into `{ok:false}`; other errors are bugs and propagate. */
export function attempt<T>(fn: () => T): Result<T> {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    if (err instanceof ScienceError) return { ok: false, error: err.toDetail() };
    throw err;
  }
}

/** Throws NOT_FINITE unless `value` is a finite number. */
export function requireFinite(value: unknown, record: string, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ScienceError({
      code: 'NOT_FINITE',
      record,
      field,
      message: `expected a finite number, got ${String(value)}`,
      value,
    });
  }
  return value;
}

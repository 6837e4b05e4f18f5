import { ScienceError } from '../errors.js';
import { QartodFlag, isMissing, type Values } from './flags.js';
import { toMillisArray, type Times } from './time.js';

export interface FlatLineConfig {
  /** Values whose window range stays below this are "flat", observation units. */
  tolerance: number;
  /** Seconds of flat data before SUSPECT. */
  suspect_threshold: number;
  /** Seconds of flat data before FAIL. */
  fail_threshold: number;
}

export function checkFlatLineConfig(config: FlatLineConfig, record = 'flatLineTest'): void {
  for (const field of ['tolerance', 'suspect_threshold', 'fail_threshold'] as const) {
    const v = config[field];
    if (typeof v !== 'number' || !(v >= 0)) {
      throw new ScienceError({ code: 'INVALID_QC_CONFIG', record, field, message: `${field} must be a number ≥ 0`, value: v });
    }
  }
}

/** Number of earlier samples a threshold covers: trunc(threshold_s) / interval_s, truncated (ioos_qc). */
export function windowCount(threshold_s: number, interval_s: number): number {
  return Math.floor(Math.trunc(threshold_s) / interval_s);
}

/**
 * Flat-line verdict of the last sample of `window` (its `count` predecessors
 * and itself): flat when max − min of the non-missing values is below
 * tolerance. An all-missing window is not flat.
 */
export function isFlat(window: Values, tolerance: number): boolean {
  let min = Infinity;
  let max = -Infinity;
  for (const v of window) {
    if (isMissing(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min !== Infinity && Math.abs(max - min) < tolerance;
}

/**
 * Flag of values[k] from its own past only (so it is final at once and the
 * streaming form gives the same answer).
 */
export function flatLineFlagAt(values: Values, k: number, suspectCount: number, failCount: number, tolerance: number): QartodFlag {
  if (isMissing(values[k])) return QartodFlag.MISSING;
  const flatFor = (count: number) => k >= count && isFlat(values.slice(k - count, k + 1), tolerance);
  if (flatFor(failCount)) return QartodFlag.FAIL;
  if (flatFor(suspectCount)) return QartodFlag.SUSPECT;
  return QartodFlag.PASS;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * QARTOD flat line test shaped like ioos_qc qartod.flat_line_test: the
 * thresholds (seconds) become sample counts using the median sampling
 * interval; sample k is SUSPECT/FAIL when it and the `count` samples before
 * it span less than `tolerance`. Fewer than 3 samples all PASS.
 */
export function flatLineTest(values: Values, times: Times, config: FlatLineConfig): QartodFlag[] {
  checkFlatLineConfig(config);
  const n = values.length;
  const t = toMillisArray(times, n, 'flatLineTest');
  if (n < 3) return values.map(() => QartodFlag.PASS);
  const diffs = t.slice(1).map((x, i) => (x - (t[i] as number)) / 1000);
  const interval_s = median(diffs);
  if (!(interval_s > 0)) {
    throw new ScienceError({ code: 'OUT_OF_ORDER', record: 'flatLineTest', field: 'times', message: 'median sampling interval must be > 0', value: interval_s });
  }
  const suspectCount = windowCount(config.suspect_threshold, interval_s);
  const failCount = windowCount(config.fail_threshold, interval_s);
  return values.map((_, k) => flatLineFlagAt(values, k, suspectCount, failCount, config.tolerance));
}

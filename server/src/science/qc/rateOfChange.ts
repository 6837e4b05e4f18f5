import { ScienceError } from '../errors.js';
import { QartodFlag, isMissing, type Values } from './flags.js';
import { toMillisArray, type Times } from './time.js';

export interface RateOfChangeConfig {
  /** Largest plausible |Δvalue/Δt|, observation units per second. */
  threshold: number;
}

export function checkRateOfChangeConfig(config: RateOfChangeConfig, record = 'rateOfChangeTest'): void {
  if (typeof config.threshold !== 'number' || !(config.threshold >= 0)) {
    throw new ScienceError({ code: 'INVALID_QC_CONFIG', record, field: 'threshold', message: 'threshold must be a number ≥ 0 (units per second)', value: config.threshold });
  }
}

/**
 * Flag of `value` at `t_ms` given the sample just before it. As in ioos_qc:
 * SUSPECT when |Δv|/Δt exceeds the threshold, PASS otherwise (also when the
 * previous sample is missing or absent), MISSING when the value is missing.
 * Δt is in seconds.
 */
export function rateOfChangeFlag(
  prev: number | null | undefined,
  prevTime_ms: number | undefined,
  value: number | null | undefined,
  t_ms: number,
  config: RateOfChangeConfig,
): QartodFlag {
  if (isMissing(value)) return QartodFlag.MISSING;
  if (isMissing(prev) || prevTime_ms === undefined) return QartodFlag.PASS;
  const rate = Math.abs((value - prev) / ((t_ms - prevTime_ms) / 1000));
  return rate > config.threshold ? QartodFlag.SUSPECT : QartodFlag.PASS;
}

/** QARTOD rate of change test shaped like ioos_qc qartod.rate_of_change_test. */
export function rateOfChangeTest(values: Values, times: Times, config: RateOfChangeConfig): QartodFlag[] {
  checkRateOfChangeConfig(config);
  const t = toMillisArray(times, values.length, 'rateOfChangeTest');
  return values.map((v, k) => rateOfChangeFlag(k > 0 ? values[k - 1] : undefined, k > 0 ? t[k - 1] : undefined, v, t[k] as number, config));
}

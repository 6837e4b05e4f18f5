import { ScienceError } from '../errors.js';
import { QartodFlag, isMissing, type Values } from './flags.js';

export type SpikeMethod = 'average' | 'differential';

export interface SpikeConfig {
  /** |deviation| above this is SUSPECT, in observation units. */
  suspect_threshold: number;
  /** |deviation| above this is FAIL, in observation units. */
  fail_threshold: number;
  /** Default 'average'. */
  method?: SpikeMethod;
}

export function checkSpikeConfig(config: SpikeConfig, record = 'spikeTest'): void {
  if (config.method !== undefined && config.method !== 'average' && config.method !== 'differential') {
    throw new ScienceError({ code: 'INVALID_QC_CONFIG', record, field: 'method', message: "method must be 'average' or 'differential'", value: config.method });
  }
  for (const field of ['suspect_threshold', 'fail_threshold'] as const) {
    const v = config[field];
    if (typeof v !== 'number' || Number.isNaN(v)) {
      throw new ScienceError({ code: 'INVALID_QC_CONFIG', record, field, message: 'threshold must be a number', value: v });
    }
  }
}

/**
 * Spike flag of the middle of three consecutive samples (prev, value, next),
 * exactly as ioos_qc qartod.spike_test computes it for inner points:
 *  - average: |value − (prev + next)/2|; when only `next` is missing,
 *    ioos_qc's masked arithmetic leaves the reference at `prev`, so the
 *    deviation is |value − prev| (kept for one-to-one results);
 *  - differential: the smaller of |value − prev| and |value − next|, and
 *    only when the two steps have opposite signs (a peak or a trough).
 * Thresholds of 0 disable that level, as in ioos_qc.
 */
export function spikeFlagOfMiddle(
  prev: number | null | undefined,
  value: number | null | undefined,
  next: number | null | undefined,
  config: SpikeConfig,
): QartodFlag {
  if (isMissing(value) || isMissing(prev)) return QartodFlag.MISSING;
  let deviation: number;
  if ((config.method ?? 'average') === 'average') {
    deviation = isMissing(next) ? Math.abs(value - prev) : Math.abs(value - (prev + next) / 2);
  } else {
    if (isMissing(next)) return QartodFlag.MISSING;
    const before = value - prev;
    const after = next - value;
    deviation = before * after < 0 ? Math.min(Math.abs(before), Math.abs(after)) : 0;
  }
  let flag: QartodFlag = QartodFlag.PASS;
  if (config.suspect_threshold && deviation > config.suspect_threshold) flag = QartodFlag.SUSPECT;
  if (config.fail_threshold && deviation > config.fail_threshold) flag = QartodFlag.FAIL;
  return flag;
}

/**
 * QARTOD spike test shaped like ioos_qc qartod.spike_test: the first and
 * last samples are NOT_EVALUATED (no neighbour on one side) unless missing.
 */
export function spikeTest(values: Values, config: SpikeConfig): QartodFlag[] {
  checkSpikeConfig(config);
  const n = values.length;
  const out: QartodFlag[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const v = values[k];
    if (k === 0 || k === n - 1) out[k] = isMissing(v) ? QartodFlag.MISSING : QartodFlag.NOT_EVALUATED;
    else out[k] = spikeFlagOfMiddle(values[k - 1], v, values[k + 1], config);
  }
  return out;
}

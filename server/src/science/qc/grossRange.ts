import { ScienceError } from '../errors.js';
import { QartodFlag, isMissing, type Values } from './flags.js';

/** [min, max], inclusive: values on the bound pass. */
export type Span = readonly [number, number];

export interface GrossRangeConfig {
  /** Sensor or physical limits: outside is FAIL. */
  fail_span: Span;
  /** Operator limits, inside fail_span: outside is SUSPECT. */
  suspect_span?: Span;
}

function sorted(span: Span, field: string, record: string): [number, number] {
  if (!Array.isArray(span) || span.length !== 2 || !span.every((v) => typeof v === 'number' && !Number.isNaN(v))) {
    throw new ScienceError({ code: 'INVALID_QC_CONFIG', record, field, message: 'span must be two numbers [min, max]', value: span });
  }
  const [a, b] = span as [number, number];
  return a <= b ? [a, b] : [b, a];
}

/** Checks the spans once (the streaming form calls it when loading a config). */
export function checkGrossRangeConfig(config: GrossRangeConfig, record = 'grossRangeTest'): void {
  const fail = sorted(config.fail_span, 'fail_span', record);
  if (config.suspect_span !== undefined) {
    const suspect = sorted(config.suspect_span, 'suspect_span', record);
    if (suspect[0] < fail[0] || suspect[1] > fail[1]) {
      throw new ScienceError({ code: 'INVALID_QC_CONFIG', record, field: 'suspect_span', message: 'suspect_span must fall within fail_span', value: config.suspect_span });
    }
  }
}

/** Flag of one value; config assumed checked. */
export function grossRangeFlag(value: number | null | undefined, config: GrossRangeConfig): QartodFlag {
  if (isMissing(value)) return QartodFlag.MISSING;
  const f = config.fail_span;
  if (value < Math.min(f[0], f[1]) || value > Math.max(f[0], f[1])) return QartodFlag.FAIL;
  const s = config.suspect_span;
  if (s && (value < Math.min(s[0], s[1]) || value > Math.max(s[0], s[1]))) return QartodFlag.SUSPECT;
  return QartodFlag.PASS;
}

/**
 * QARTOD gross range test, as ioos_qc qartod.gross_range_test: FAIL
 * outside fail_span, SUSPECT outside suspect_span, MISSING for missing
 * values, PASS otherwise. Bounds are inclusive.
 */
export function grossRangeTest(values: Values, config: GrossRangeConfig): QartodFlag[] {
  checkGrossRangeConfig(config);
  return values.map((v) => grossRangeFlag(v, config));
}

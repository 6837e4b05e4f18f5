import { ScienceError } from '../errors.js';
import { QartodFlag, isMissing, type Values } from './flags.js';
import type { Span } from './grossRange.js';
import { toMillisArray, type TimeInput, type Times } from './time.js';

/**
 * Periods a climatology member's tspan can be expressed in, as pandas
 * Timestamp attributes in ioos_qc: month 1–12, quarter 1–4, dayofyear
 * 1–366, weekofyear ISO week 1–53 (all UTC).
 */
export type ClimatologyPeriod = 'month' | 'quarter' | 'dayofyear' | 'weekofyear';

export interface ClimatologyMember {
  /**
   * Time span, inclusive. With `period`, numbers in that unit (e.g. [1, 3]
   * for January–March); without, absolute times (epoch ms or Date).
   */
  tspan: readonly [TimeInput, TimeInput];
  /** Expected values: outside is SUSPECT. */
  vspan: Span;
  /** Optional hard limits for this window: outside is FAIL. */
  fspan?: Span;
  /** Optional depth span, metres positive down, inclusive. Without it the member only applies to samples without depth. */
  zspan?: Span;
  period?: ClimatologyPeriod;
}

export type ClimatologyConfig = readonly ClimatologyMember[];

const PERIODS: readonly ClimatologyPeriod[] = ['month', 'quarter', 'dayofyear', 'weekofyear'];

function span2(s: unknown, field: string, record: string): [number, number] {
  if (!Array.isArray(s) || s.length !== 2) {
    throw new ScienceError({ code: 'INVALID_QC_CONFIG', record, field, message: 'span must be [min, max]', value: s });
  }
  const a = s[0] instanceof Date ? s[0].getTime() : s[0];
  const b = s[1] instanceof Date ? s[1].getTime() : s[1];
  if (typeof a !== 'number' || typeof b !== 'number' || Number.isNaN(a) || Number.isNaN(b)) {
    throw new ScienceError({ code: 'INVALID_QC_CONFIG', record, field, message: 'span bounds must be numbers or Dates', value: s });
  }
  return a <= b ? [a, b] : [b, a];
}

/** A member with sorted numeric spans, ready to test against. */
interface PreparedMember {
  t: [number, number];
  v: [number, number];
  f?: [number, number];
  z?: [number, number];
  period?: ClimatologyPeriod;
}

export function prepareClimatology(config: ClimatologyConfig, record = 'climatologyTest'): PreparedMember[] {
  if (!Array.isArray(config)) {
    throw new ScienceError({ code: 'INVALID_QC_CONFIG', record, field: 'climatology', message: 'climatology must be a list of members' });
  }
  return config.map((m, i) => {
    if (m.period !== undefined && !PERIODS.includes(m.period)) {
      throw new ScienceError({ code: 'INVALID_QC_CONFIG', record, field: `climatology[${i}].period`, message: `period must be one of ${PERIODS.join(', ')}`, value: m.period });
    }
    const p: PreparedMember = { t: span2(m.tspan, `climatology[${i}].tspan`, record), v: span2(m.vspan, `climatology[${i}].vspan`, record) };
    if (m.fspan !== undefined) p.f = span2(m.fspan, `climatology[${i}].fspan`, record);
    if (m.zspan !== undefined) p.z = span2(m.zspan, `climatology[${i}].zspan`, record);
    if (m.period !== undefined) p.period = m.period;
    return p;
  });
}

/** ISO 8601 week number of a UTC instant (pandas weekofyear). */
function isoWeek(t_ms: number): number {
  const d = new Date(t_ms);
  const thursday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  thursday.setUTCDate(thursday.getUTCDate() + 4 - (thursday.getUTCDay() || 7));
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  return Math.ceil(((thursday.getTime() - yearStart) / 86_400_000 + 1) / 7);
}

/** Largest |epoch ms| a Date holds (ECMAScript time value range). */
const MAX_TIME_MS = 8.64e15;

/**
 * UTC month 1–12 of an epoch-ms instant by calendar arithmetic (H. Hinnant's civil_from_days),
 * equal to new Date(t).getUTCMonth() + 1 without making a Date (one call per sample and member).
 */
export function utcMonth(t_ms: number): number {
  if (!(Math.abs(t_ms) <= MAX_TIME_MS)) return NaN;
  const z = Math.floor(Math.trunc(t_ms) / 86_400_000) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  return mp < 10 ? mp + 3 : mp - 9;
}

function periodValue(t_ms: number, period: ClimatologyPeriod): number {
  switch (period) {
    case 'month':
      return utcMonth(t_ms);
    case 'quarter':
      return Math.floor((utcMonth(t_ms) - 1) / 3) + 1;
    case 'dayofyear': {
      const d = new Date(t_ms);
      return Math.floor((t_ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
    }
    case 'weekofyear':
      return isoWeek(t_ms);
  }
}

/**
 * Climatology flag of one sample, as ioos_qc ClimatologyConfig.check:
 * NOT_EVALUATED unless a member covers the sample's time (and depth: a
 * member with zspan needs a depth inside it, one without needs no depth);
 * then FAIL outside fspan, SUSPECT outside vspan, PASS inside. Members are
 * applied in order and a later matching member overrides an earlier one.
 * A missing value is MISSING.
 */
export function climatologyFlag(
  members: readonly PreparedMember[],
  value: number | null | undefined,
  t_ms: number,
  depth_m: number | null | undefined,
): QartodFlag {
  if (isMissing(value)) return QartodFlag.MISSING;
  let flag: QartodFlag = QartodFlag.NOT_EVALUATED;
  const hasDepth = !isMissing(depth_m);
  // Members usually share one period (e.g. twelve monthly envelopes): compute it once.
  let cachedPeriod: ClimatologyPeriod | undefined;
  let cachedValue = 0;
  for (const m of members) {
    let tv = t_ms;
    if (m.period) {
      if (m.period !== cachedPeriod) {
        cachedPeriod = m.period;
        cachedValue = periodValue(t_ms, m.period);
      }
      tv = cachedValue;
    }
    if (tv < m.t[0] || tv > m.t[1]) continue;
    if (m.z) {
      if (!hasDepth || depth_m < m.z[0] || depth_m > m.z[1]) continue;
    } else if (hasDepth) continue;
    if (m.f && (value < m.f[0] || value > m.f[1])) flag = QartodFlag.FAIL;
    else if (value < m.v[0] || value > m.v[1]) flag = QartodFlag.SUSPECT;
    else flag = QartodFlag.PASS;
  }
  return flag;
}

/**
 * QARTOD climatology test, ioos_qc qartod.climatology_test with the
 * arguments in the order the other tests use (values first).
 * @param times epoch ms or Date per value
 * @param depths metres positive down per value; null where unknown
 */
export function climatologyTest(
  values: Values,
  times: Times,
  depths: Values,
  config: ClimatologyConfig,
): QartodFlag[] {
  const members = prepareClimatology(config);
  const t = toMillisArray(times, values.length, 'climatologyTest');
  if (depths.length !== values.length) {
    throw new ScienceError({ code: 'LENGTH_MISMATCH', record: 'climatologyTest', field: 'depths', message: `${depths.length} depths for ${values.length} values` });
  }
  return values.map((v, k) => climatologyFlag(members, v, t[k] as number, depths[k]));
}


import { ScienceError } from '../errors.js';

/**
 * QARTOD primary flags (IOOS, "Manual for Real-Time Quality Control of
 * In-situ Temperature and Salinity Data", and ioos_qc QartodFlags).
 */
export const QartodFlag = {
  PASS: 1,
  NOT_EVALUATED: 2,
  SUSPECT: 3,
  FAIL: 4,
  MISSING: 9,
} as const;
export type QartodFlag = (typeof QartodFlag)[keyof typeof QartodFlag];

/** A value ioos_qc would mask: null/undefined, NaN or ±Infinity. */
export function isMissing(v: number | null | undefined): v is null | undefined {
  return v === null || v === undefined || !Number.isFinite(v);
}

/** Input arrays: null/undefined/NaN entries are missing values (numpy masked). */
export type Values = ReadonlyArray<number | null | undefined>;

// Precedence for the aggregate, lowest first (ioos_qc qartod_compare).
const PRIORITY: readonly QartodFlag[] = [QartodFlag.MISSING, QartodFlag.NOT_EVALUATED, QartodFlag.PASS, QartodFlag.SUSPECT, QartodFlag.FAIL];
const RANK: Record<number, number> = Object.fromEntries(PRIORITY.map((f, i) => [f, i]));

/** Aggregate of flags for one sample: FAIL > SUSPECT > PASS > NOT_EVALUATED > MISSING. */
export function aggregateFlag(flags: readonly QartodFlag[]): QartodFlag {
  let best: QartodFlag = QartodFlag.MISSING;
  for (const f of flags) if ((RANK[f] ?? -1) > (RANK[best] ?? -1)) best = f;
  return best;
}

/**
 * ioos_qc qartod_compare: per-sample aggregate of equal-length flag arrays.
 * @throws ScienceError LENGTH_MISMATCH
 */
export function qartodAggregate(flagArrays: ReadonlyArray<readonly QartodFlag[]>): QartodFlag[] {
  const n = flagArrays[0]?.length ?? 0;
  flagArrays.forEach((a, i) => {
    if (a.length !== n) {
      throw new ScienceError({ code: 'LENGTH_MISMATCH', record: 'qartodAggregate', field: `flagArrays[${i}]`, message: `length ${a.length}, expected ${n}` });
    }
  });
  const out: QartodFlag[] = new Array(n);
  for (let k = 0; k < n; k++) out[k] = aggregateFlag(flagArrays.map((a) => a[k] as QartodFlag));
  return out;
}

/**
 * OceanSITES quality flags (OceanSITES Data Format Reference Manual,
 * reference table 2): 0 no QC performed, 1 good data, 2 probably good
 * data, 3 bad data that are potentially correctable, 4 bad data, 5 value
 * changed, 6 not used, 7 nominal value, 8 interpolated value, 9 missing value.
 */
export const OceanSitesFlag = {
  NO_QC_PERFORMED: 0,
  GOOD: 1,
  PROBABLY_GOOD: 2,
  BAD_POTENTIALLY_CORRECTABLE: 3,
  BAD: 4,
  VALUE_CHANGED: 5,
  NOT_USED: 6,
  NOMINAL_VALUE: 7,
  INTERPOLATED_VALUE: 8,
  MISSING: 9,
} as const;
export type OceanSitesFlag = (typeof OceanSitesFlag)[keyof typeof OceanSitesFlag];

/** flag_values / flag_meanings attributes for the NetCDF writer. */
export const OCEANSITES_FLAG_VALUES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] as const;
export const OCEANSITES_FLAG_MEANINGS =
  'no_qc_performed good_data probably_good_data bad_data_that_are_potentially_correctable bad_data value_changed not_used nominal_value interpolated_value missing_value';

/**
 * QARTOD aggregate → OceanSITES QC flag. Suspect maps to 3 rather than 2:
 * a QARTOD suspect value needs a look before use, which is what 3 says;
 * 2 ("probably good") would invite users to take it. Not evaluated maps to
 * 0: no test could run on it.
 */
export function toOceanSitesFlag(flag: QartodFlag): OceanSitesFlag {
  switch (flag) {
    case QartodFlag.PASS:
      return OceanSitesFlag.GOOD;
    case QartodFlag.NOT_EVALUATED:
      return OceanSitesFlag.NO_QC_PERFORMED;
    case QartodFlag.SUSPECT:
      return OceanSitesFlag.BAD_POTENTIALLY_CORRECTABLE;
    case QartodFlag.FAIL:
      return OceanSitesFlag.BAD;
    case QartodFlag.MISSING:
      return OceanSitesFlag.MISSING;
  }
}

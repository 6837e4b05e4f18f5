import type { NcVariableInfo } from '../model.js';
import { textAttribute } from '../model.js';

/**
 * Quality-control flags. OceanSITES (`<PARAM>_QC`, user manual 1.4 reference
 * table 2) and IMOS (`<PARAM>_quality_control`, IMOS IODE flags) share the
 * same 0..9 scale for what matters here:
 * 0 no QC, 1 good, 2 probably good, 3 bad but potentially correctable,
 * 4 bad, 5 value changed, 6/7 not used (IMOS: below/above detection),
 * 8 interpolated, 9 missing value.
 */
export type QcConvention = 'OceanSITES' | 'IMOS';

/** Flags treated as bad when records are skipped: 3 and 4 (bad), 9 (missing). */
export const DEFAULT_BAD_QC_FLAGS: readonly number[] = [3, 4, 9];

/** Stored value used for a flag that is itself missing (its _FillValue): "missing value". */
export const MISSING_QC_FLAG = 9;

const QC_SUFFIXES: ReadonlyArray<readonly [string, QcConvention]> = [
  ['_QC', 'OceanSITES'],
  ['_quality_control', 'IMOS'],
];

/**
 * Finds the QC variable of a data variable: the `<name>_QC` or
 * `<name>_quality_control` naming first, then `ancillary_variables`.
 */
export function findQcVariable(
  data: NcVariableInfo,
  byName: (name: string) => NcVariableInfo | undefined,
): { variable: NcVariableInfo; convention: QcConvention } | undefined {
  for (const [suffix, convention] of QC_SUFFIXES) {
    const variable = byName(data.name + suffix);
    if (variable !== undefined && sameShape(variable, data)) return { variable, convention };
  }
  for (const name of (textAttribute(data.attributes, 'ancillary_variables') ?? '').split(/\s+/)) {
    const variable = name === '' ? undefined : byName(name);
    if (variable !== undefined && sameShape(variable, data) && /(_QC|_quality_control)$/i.test(name)) {
      return { variable, convention: /_QC$/i.test(name) ? 'OceanSITES' : 'IMOS' };
    }
  }
  return undefined;
}

function sameShape(a: NcVariableInfo, b: NcVariableInfo): boolean {
  return a.shape.length === b.shape.length && a.shape.every((n, i) => n === b.shape[i]);
}

/**
 * QC flags as 0..9 codes (char flags '0'..'9' of older OceanSITES / Argo
 * files are read as their digit, see ClassicFile.readNumbers); a flag equal to the variable's _FillValue, or outside
 * 0..9, becomes MISSING_QC_FLAG.
 */
export function toQcCodes(stored: Float64Array, fillValue: number | undefined): Uint8Array {
  const out = new Uint8Array(stored.length);
  for (let i = 0; i < stored.length; i++) {
    const v = stored[i]!;
    out[i] = v === fillValue || !(v >= 0 && v <= 9) || !Number.isInteger(v) ? MISSING_QC_FLAG : v;
  }
  return out;
}

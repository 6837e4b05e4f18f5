/**
 * ITS-90 ⇄ IPTS-68 temperature conversion as used by PSS-78 in TEOS-10
 * (gsw_sp_from_c: t68 = 1.00024 · t90). The PSS-78 polynomials were fitted
 * on IPTS-68, instruments report ITS-90.
 */
export const T68_PER_T90 = 1.00024;

export function t68FromT90(t90_degC: number): number {
  return t90_degC * T68_PER_T90;
}

export function t90FromT68(t68_degC: number): number {
  return t68_degC / T68_PER_T90;
}

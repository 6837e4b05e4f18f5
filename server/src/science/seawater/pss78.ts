/**
 * The Practical Salinity Scale 1978 polynomials (UNESCO 1983, Technical
 * Papers in Marine Science 44), in the form TEOS-10 GSW uses
 * (GSW-C gsw_sp_from_c / gsw_c_from_sp / gsw_hill_ratio_at_sp2,
 * https://github.com/TEOS-10/GSW-C). Shared by the forward and inverse
 * functions so both sides use exactly the same arithmetic.
 */

/** C(35, 15 °C IPTS-68, 0 dbar) in mS/cm (Culkin and Smith, 1980). */
export const C3515_mS_cm = 42.914;

const a0 = 0.008, a1 = -0.1692, a2 = 25.3851, a3 = 14.0941, a4 = -7.0261, a5 = 2.7081;
const b0 = 0.0005, b1 = -0.0056, b2 = -0.0066, b3 = -0.0375, b4 = 0.0636, b5 = -0.0144;
const c0 = 0.6766097, c1 = 2.00564e-2, c2 = 1.104259e-4, c3 = -6.9698e-7, c4 = 1.0031e-9;
const d1 = 3.426e-2, d2 = 4.464e-4, d3 = 4.215e-1, d4 = -3.107e-3;
const e1 = 2.07e-5, e2 = -6.37e-10, e3 = 3.989e-15;
const k = 0.0162;

/** f(t68) = (t68 − 15) / (1 + k (t68 − 15)), the temperature factor of ΔS. */
export function ft68(t68: number): number {
  return (t68 - 15) / (1 + k * (t68 - 15));
}

/** rt(t68): conductivity ratio of standard seawater at t68 to that at 15 °C (UNESCO's rt). */
export function rtLc(t68: number): number {
  return c0 + (c1 + (c2 + (c3 + c4 * t68) * t68) * t68) * t68;
}

/** Rp(R, t68, p): the pressure correction of the conductivity ratio. */
export function rp(r: number, t68: number, p: number): number {
  return 1 + (p * (e1 + e2 * p + e3 * p * p)) / (1 + d1 * t68 + d2 * t68 * t68 + (d3 + d4 * t68) * r);
}

/** Rp's numerator and denominator pieces, for solving R from Rt (the inverse). */
export function rpParts(t68: number, p: number): { A: number; B: number; D: number } {
  // Rp = 1 + A / (B + D·R)
  return { A: p * (e1 + e2 * p + e3 * p * p), B: 1 + d1 * t68 + d2 * t68 * t68, D: d3 + d4 * t68 };
}

/** PSS-78 salinity from rtx = √Rt, valid for SP ≥ 2. */
export function spFromRtx(rtx: number, ft: number): number {
  return (
    a0 + (a1 + (a2 + (a3 + (a4 + a5 * rtx) * rtx) * rtx) * rtx) * rtx +
    ft * (b0 + (b1 + (b2 + (b3 + (b4 + b5 * rtx) * rtx) * rtx) * rtx) * rtx)
  );
}

/** d SP / d rtx of spFromRtx. */
export function dSpDrtx(rtx: number, ft: number): number {
  return (
    a1 + (2 * a2 + (3 * a3 + (4 * a4 + 5 * a5 * rtx) * rtx) * rtx) * rtx +
    ft * (b1 + (2 * b2 + (3 * b3 + (4 * b4 + 5 * b5 * rtx) * rtx) * rtx) * rtx)
  );
}

/**
 * Hill et al. (1986) low-salinity form before the Hill-ratio scaling:
 * SP_PSS78 − a0/(1 + 1.5x + x²) − b0·f(t)/(1 + y^½ + y + y^3/2),
 * with x = 400 Rt and y = 100 Rt.
 */
export function hillRaw(sp: number, rtx: number, ft: number): number {
  const x = 400 * rtx * rtx;
  const sqrty = 10 * rtx;
  const part1 = 1 + x * (1.5 + x);
  const part2 = 1 + sqrty * (1 + sqrty * (1 + sqrty));
  return sp - a0 / part1 - (b0 * ft) / part2;
}

/** Newton solve of spFromRtx(rtx) = target; converges in a few steps from a linear start. */
export function rtxForSp(target: number, ft: number, start: number): number {
  let rtx = start;
  for (let i = 0; i < 30; i++) {
    const step = (spFromRtx(rtx, ft) - target) / dSpDrtx(rtx, ft);
    rtx -= step;
    if (Math.abs(step) <= 1e-16 * Math.max(1, Math.abs(rtx))) break;
  }
  return rtx;
}

/**
 * Hill ratio at SP = 2: 2 divided by the raw Hill formula at the Rt where
 * PSS-78 gives exactly 2, so the SP < 2 branch joins PSS-78 continuously
 * (GSW gsw_hill_ratio_at_sp2; we iterate Newton to convergence instead of
 * GSW's fitted start + 1.5 steps, which agree to ~1e-15).
 */
export function hillRatioAtSp2(t68: number): number {
  const ft = ft68(t68);
  const rtx = rtxForSp(2, ft, 0.2641463563366498);
  return 2 / hillRaw(2, rtx, ft);
}

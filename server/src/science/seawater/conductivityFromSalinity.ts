import { ScienceError, requireFinite } from '../errors.js';
import {
  C3515_mS_cm,
  ft68,
  hillRatioAtSp2,
  hillRaw,
  rpParts,
  rtLc,
  rtxForSp,
  spFromRtx,
} from './pss78.js';
import { t68FromT90 } from './temperatureScales.js';

const FN = 'conductivityFromSalinity';

/**
 * Inverse of practicalSalinity: conductivity (mS/cm) from Practical
 * Salinity, ITS-90 temperature and sea pressure. Used by the simulator to
 * turn recorded salinity back into what a conductivity cell would read.
 * Solves the PSS-78 polynomial for √Rt by Newton (SP ≥ 2) or bisection on
 * the Hill branch (SP < 2), then Rt → R in closed form (Rp is a
 * homographic function of R). Consistent with practicalSalinity to
 * ~1e-13 in SP over 0–42.
 */
export function conductivityFromSalinity(SP: number, t90_degC: number, p_dbar: number): number {
  requireFinite(SP, FN, 'SP');
  requireFinite(t90_degC, FN, 't90_degC');
  requireFinite(p_dbar, FN, 'p_dbar');
  if (SP < 0) {
    throw new ScienceError({
      code: 'OUTSIDE_MODEL_DOMAIN',
      record: FN,
      field: 'SP',
      message: 'practical salinity must be ≥ 0',
      value: SP,
    });
  }
  if (SP === 0) return 0;
  const t68 = t68FromT90(t90_degC);
  const ft = ft68(t68);
  const rtx = SP >= 2 ? rtxForSp(SP, ft, Math.sqrt(SP / 35)) : rtxOnHillBranch(SP, t68, ft);
  const rt = rtx * rtx;

  // rt = R / (Rp(R)·rt_lc) with Rp = 1 + A/(B + D·R): a quadratic in R.
  const K = rt * rtLc(t68);
  const { A, B, D } = rpParts(t68, p_dbar);
  const q = B - K * D;
  const disc = q * q + 4 * D * K * (A + B);
  // Pick the algebraically equal form that avoids cancellation.
  const R = q >= 0 ? (2 * K * (A + B)) / (q + Math.sqrt(disc)) : (-q + Math.sqrt(disc)) / (2 * D);
  if (!(R >= 0) || !Number.isFinite(R)) {
    throw new ScienceError({
      code: 'NOT_INVERTIBLE',
      record: FN,
      field: 'SP',
      message: `no conductivity gives SP = ${SP} at t = ${t90_degC} °C, p = ${p_dbar} dbar`,
      value: SP,
    });
  }
  return R * C3515_mS_cm;
}

/** √Rt for 0 < SP < 2 on the Hill et al. (1986) branch; monotonic, so bisection is safe. */
function rtxOnHillBranch(SP: number, t68: number, ft: number): number {
  const ratio = hillRatioAtSp2(t68);
  const spHill = (rtx: number) => ratio * hillRaw(spFromRtx(rtx, ft), rtx, ft);
  let lo = 0;
  let hi = rtxForSp(2, ft, 0.2641463563366498) * 1.000001;
  for (let i = 0; i < 200 && hi - lo > 0; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (spHill(mid) < SP) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

import { ScienceError, requireFinite } from '../errors.js';
import { C3515_mS_cm, ft68, hillRatioAtSp2, hillRaw, rp, rtLc, spFromRtx } from './pss78.js';
import { t68FromT90 } from './temperatureScales.js';

const FN = 'practicalSalinity';

/**
 * Practical Salinity (PSS-78, UNESCO 1983) from conductivity, ITS-90
 * temperature and sea pressure, with the Hill et al. (1986) extension
 * below SP = 2 exactly as TEOS-10 gsw_SP_from_C does it.
 *
 * @param C_mS_cm conductivity in mS/cm (1 S/m = 10 mS/cm)
 * @param t90_degC in-situ temperature, ITS-90, °C
 * @param p_dbar sea pressure (absolute minus 10.1325 dbar), dbar
 * @returns SP, dimensionless; throws ScienceError on non-finite input or
 *   when the conductivity ratio is negative (GSW returns its invalid value there).
 */
export function practicalSalinity(C_mS_cm: number, t90_degC: number, p_dbar: number): number {
  requireFinite(C_mS_cm, FN, 'C_mS_cm');
  requireFinite(t90_degC, FN, 't90_degC');
  requireFinite(p_dbar, FN, 'p_dbar');
  if (C_mS_cm < 0) {
    throw new ScienceError({
      code: 'OUTSIDE_MODEL_DOMAIN',
      record: FN,
      field: 'C_mS_cm',
      message: 'conductivity must be ≥ 0 mS/cm',
      value: C_mS_cm,
    });
  }
  const t68 = t68FromT90(t90_degC);
  const ft = ft68(t68);
  const r = C_mS_cm / C3515_mS_cm;
  const rt = r / (rp(r, t68, p_dbar) * rtLc(t68));
  if (!(rt >= 0)) {
    throw new ScienceError({
      code: 'OUTSIDE_MODEL_DOMAIN',
      record: FN,
      field: 'C_mS_cm',
      message: `conductivity ratio Rt = ${rt} is negative for t = ${t90_degC} °C, p = ${p_dbar} dbar`,
      value: C_mS_cm,
    });
  }
  const rtx = Math.sqrt(rt);
  let sp = spFromRtx(rtx, ft);
  if (sp < 2) sp = hillRatioAtSp2(t68) * hillRaw(sp, rtx, ft);
  // PSS-78 is slightly negative for C ≈ 0; GSW treats SP < 0 as invalid, fresh water is 0.
  return sp > 0 ? sp : 0;
}

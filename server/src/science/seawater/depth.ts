import { ScienceError, requireFinite } from '../errors.js';

/**
 * Height and depth from sea pressure, TEOS-10 gsw_z_from_p (GSW-C,
 * https://github.com/TEOS-10/GSW-C, gsw_oceanographic_toolbox.c) with
 * dynamic height anomaly and sea-surface geopotential both zero: the
 * enthalpy of SSO at CT = 0 (75-term specific volume, Roquet et al. 2015)
 * equated to the geopotential with gravity varying as in Moritz (2000)
 * plus the vertical gradient gamma = 2.26e-7 m⁻¹.
 */

const DEG2RAD = Math.PI / 180;
const GAMMA = 2.26e-7;
const DB2PA = 1e4;
// 75-term expression coefficients h006, h007 (Roquet et al. 2015, as in GSW).
const H006 = -2.107876881e-9;
const H007 = 2.8019291329e-10;

/** Enthalpy at SSO, CT = 0 °C, as a function of sea pressure (J/kg): gsw_enthalpy_SSO_0. */
export function enthalpySso0(p_dbar: number): number {
  const z = p_dbar * 1e-4;
  const dynamicEnthalpy =
    z *
    (9.72661385484387e-4 +
      z *
        (-2.252956605630465e-5 +
          z * (2.376909655387404e-6 + z * (-1.664294869986011e-7 + z * (-5.988108894465758e-9 + z * (H006 + H007 * z))))));
  return dynamicEnthalpy * DB2PA * 1e4;
}

function checkLatitude(latitude_deg: number, fn: string): void {
  requireFinite(latitude_deg, fn, 'latitude_deg');
  if (latitude_deg < -90 || latitude_deg > 90) {
    throw new ScienceError({
      code: 'OUTSIDE_MODEL_DOMAIN',
      record: fn,
      field: 'latitude_deg',
      message: 'latitude must be within −90…90°',
      value: latitude_deg,
    });
  }
}

/** gsw_z_from_p: height z (m, negative below the sea surface). */
export function heightFromPressure(p_dbar: number, latitude_deg: number): number {
  requireFinite(p_dbar, 'heightFromPressure', 'p_dbar');
  checkLatitude(latitude_deg, 'heightFromPressure');
  const x = Math.sin(latitude_deg * DEG2RAD);
  const sin2 = x * x;
  const b = 9.780327 * (1 + (5.2792e-3 + 2.32e-5 * sin2) * sin2);
  const a = -0.5 * GAMMA * b;
  const c = enthalpySso0(p_dbar);
  return (-2 * c) / (b + Math.sqrt(b * b - 4 * a * c));
}

/**
 * Depth (m, positive down) from sea pressure and latitude: −gsw_z_from_p.
 * @param p_dbar sea pressure, dbar (absolute minus 10.1325 dbar)
 * @param latitude_deg latitude, degrees north
 */
export function depthFromPressure(p_dbar: number, latitude_deg: number): number {
  const z = heightFromPressure(p_dbar, latitude_deg);
  return z === 0 ? 0 : -z;
}

/**
 * Inverse of depthFromPressure for the simulator (recorded depth → what a
 * pressure sensor reads). Newton on the forward function, whose slope is
 * ~0.99 m/dbar; converges to machine precision in 3–4 steps.
 */
export function pressureFromDepth(depth_m: number, latitude_deg: number): number {
  requireFinite(depth_m, 'pressureFromDepth', 'depth_m');
  checkLatitude(latitude_deg, 'pressureFromDepth');
  let p = depth_m * 1.0076;
  for (let i = 0; i < 20; i++) {
    const h = 1e-3;
    const f = depthFromPressure(p, latitude_deg) - depth_m;
    const slope = (depthFromPressure(p + h, latitude_deg) - depthFromPressure(p - h, latitude_deg)) / (2 * h);
    const step = f / slope;
    p -= step;
    if (Math.abs(step) < 1e-12 * Math.max(1, Math.abs(p))) break;
  }
  return p;
}

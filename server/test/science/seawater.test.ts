import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ScienceError,
  conductivityFromSalinity,
  depthFromPressure,
  practicalSalinity,
  pressureFromDepth,
  t90FromT68,
} from '../../src/science/index.js';

const PYTHON = '/usr/bin/python3';
const GRID_SCRIPT = fileURLToPath(new URL('./gswGrid.py', import.meta.url));

/** Debian's python3 with python3-gsw (TEOS-10); CI installs it in .ci/run. */
function gswAvailable(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import gsw'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const hasGsw = gswAvailable();
if (!hasGsw) console.warn(`SKIPPED GSW comparison: ${PYTHON} cannot import gsw (apt-get install python3-gsw)`);

describe('practicalSalinity: UNESCO 1983 check values', () => {
  // UNESCO (1983) Technical Papers in Marine Science 44, as quoted by the
  // CSIRO SeaWater library sw_salt.m: conductivity ratio R, T in IPTS-68.
  const C3515 = 42.914;
  it.each([
    [1, 15, 0, 35.0],
    [1.2, 20, 2000, 37.245628],
    [0.65, 5, 1500, 27.995347],
  ])('R = %d, T68 = %d °C, p = %d dbar → SP %d', (R, t68, p, expected) => {
    expect(practicalSalinity(R * C3515, t90FromT68(t68), p)).toBeCloseTo(expected, 6);
  });

  it('the PSS-78 table corner: S = 40, T68 = 40 °C, p = 10000 dbar ↔ R = 1.888091', () => {
    expect(practicalSalinity(1.888091 * C3515, t90FromT68(40), 10000)).toBeCloseTo(40, 5);
  });

  it('OOI ion-functions ctd_pracsal check values (GSW 3.02, conductivity in S/m)', () => {
    // ooici/ion-functions ion_functions/data/test/test_ctd_functions.py test_ctd_pracsal
    const c = [5.407471, 5.40788, 5.041008, 3.463402, 3.272557, 3.273035];
    const t = [28, 28, 20, 6, 3, 2];
    const p = [0, 10, 150, 800, 2500, 5000];
    const expected = [33.495229, 33.495224, 36.995774, 34.898526, 34.999244, 34.999494];
    c.forEach((ci, k) => expect(practicalSalinity(ci * 10, t[k] as number, p[k] as number)).toBeCloseTo(expected[k] as number, 6));
  });

  it('is 0 for zero conductivity and continuous across SP = 2 (Hill et al. 1986 branch)', () => {
    expect(practicalSalinity(0, 10, 0)).toBeCloseTo(0, 15);
    const c2 = conductivityFromSalinity(2, 10, 0);
    expect(practicalSalinity(c2 * (1 - 1e-12), 10, 0)).toBeCloseTo(2, 9);
    expect(practicalSalinity(c2 * (1 + 1e-12), 10, 0)).toBeCloseTo(2, 9);
  });
});

describe('conductivityFromSalinity', () => {
  it('round-trips practicalSalinity over 0–42, −2–40 °C, 0–10000 dbar', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 42, noNaN: true }),
        fc.double({ min: -2, max: 40, noNaN: true }),
        fc.double({ min: 0, max: 10000, noNaN: true }),
        (SP, t, p) => {
          const back = practicalSalinity(conductivityFromSalinity(SP, t, p), t, p);
          expect(Math.abs(back - SP)).toBeLessThan(1e-12 * Math.max(1, SP));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('depthFromPressure', () => {
  it('matches the TEOS-10 gsw_z_from_p documentation example (p = 10 dbar, 4°N)', () => {
    expect(depthFromPressure(10, 4)).toBeCloseTo(9.9445834469453, 12);
  });

  it('pressureFromDepth inverts it', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 10000, noNaN: true }), fc.double({ min: -90, max: 90, noNaN: true }), (p, lat) => {
        expect(pressureFromDepth(depthFromPressure(p, lat), lat)).toBeCloseTo(p, 8);
      }),
    );
  });
});

describe('bad input is a typed error, never NaN', () => {
  const cases: Array<[string, () => number, string]> = [
    ['NaN conductivity', () => practicalSalinity(Number.NaN, 10, 0), 'C_mS_cm'],
    ['infinite temperature', () => practicalSalinity(40, Number.POSITIVE_INFINITY, 0), 't90_degC'],
    ['negative conductivity', () => practicalSalinity(-1, 10, 0), 'C_mS_cm'],
    ['negative salinity', () => conductivityFromSalinity(-0.1, 10, 0), 'SP'],
    ['NaN pressure', () => depthFromPressure(Number.NaN, 10), 'p_dbar'],
    ['latitude 91°', () => depthFromPressure(10, 91), 'latitude_deg'],
  ];
  it.each(cases)('%s', (_name, fn, field) => {
    try {
      fn();
      expect.unreachable('should have thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(ScienceError);
      expect((err as ScienceError).field).toBe(field);
      expect(['NOT_FINITE', 'OUTSIDE_MODEL_DOMAIN']).toContain((err as ScienceError).code);
    }
  });
});

interface GswGrid {
  gsw_version: string;
  SP: number[];
  t: number[];
  p: number[];
  C: number[];
  SP_from_C: Array<number | null>;
  pz: number[];
  lat: number[];
  z: number[];
}

describe.skipIf(!hasGsw)('agreement with TEOS-10 GSW (python3-gsw) on a grid', () => {
  // 22 SP × 15 t × 11 p = 3630 points for salinity, 101 p × 37 latitudes = 3737 for depth.
  const grid = (): GswGrid => JSON.parse(execFileSync(PYTHON, [GRID_SCRIPT], { maxBuffer: 64 * 1024 * 1024 }).toString());
  const g = hasGsw ? grid() : null;

  it('practicalSalinity = gsw.SP_from_C to 1e-10 (relative, absolute below SP = 1)', () => {
    if (!g) return;
    let worst = 0;
    let invalid = 0;
    for (let k = 0; k < g.SP.length; k++) {
      const ours = practicalSalinity(g.C[k] as number, g.t[k] as number, g.p[k] as number);
      const ref = g.SP_from_C[k];
      if (ref === null || ref === undefined) {
        // GSW flags a tiny negative PSS-78 result as invalid at C ≈ 0; we return fresh water.
        expect(ours).toBeLessThan(1e-10);
        invalid++;
        continue;
      }
      worst = Math.max(worst, Math.abs(ours - ref) / Math.max(1, Math.abs(ref)));
    }
    expect(invalid).toBeLessThan(g.SP.length / 20);
    expect(worst).toBeLessThan(1e-10);
  });

  it('conductivityFromSalinity = gsw.C_from_SP to 1e-10 relative (SP > 0)', () => {
    if (!g) return;
    let worst = 0;
    for (let k = 0; k < g.SP.length; k++) {
      const sp = g.SP[k] as number;
      const ref = g.C[k] as number;
      const ours = conductivityFromSalinity(sp, g.t[k] as number, g.p[k] as number);
      // At SP = 0, GSW's fitted start polynomial leaves C ≈ 2e-3 mS/cm; ours is exactly 0.
      if (sp === 0) expect(Math.abs(ours - ref)).toBeLessThan(5e-3);
      else worst = Math.max(worst, Math.abs(ours - ref) / ref);
    }
    expect(worst).toBeLessThan(1e-10);
  });

  it('depthFromPressure = −gsw.z_from_p to 1e-10 relative', () => {
    if (!g) return;
    let worst = 0;
    for (let k = 0; k < g.pz.length; k++) {
      const ref = -(g.z[k] as number);
      const ours = depthFromPressure(g.pz[k] as number, g.lat[k] as number);
      worst = Math.max(worst, ref === 0 ? Math.abs(ours) : Math.abs(ours - ref) / Math.abs(ref));
    }
    expect(worst).toBeLessThan(1e-10);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  RAW_MAX,
  ScienceError,
  applyModel,
  conductivityRaw,
  conductivityValue,
  invertModel,
  strainGaugePressure,
  strainGaugeRaw,
  thermistorRaw,
  thermistorTemperature,
  type CalibrationModel,
  type LinearModel,
  type PolynomialModel,
  type StrainGaugeModel,
} from '../../src/science/index.js';
import { SBE37_CHECK, SBE37_CONDUCTIVITY, SBE37_PRESSURE, SBE37_THERMISTOR } from './fixtures.js';

// "Well below one raw count": inverse(forward(raw)) must come back within this.
const COUNT_TOLERANCE = 1e-4;

describe('forward models against published SBE 37 examples (OOI ion-functions)', () => {
  it('thermistor: T90 from counts to 0.1 m°C', () => {
    SBE37_CHECK.temperatureCounts.forEach((n, k) =>
      expect(Math.abs(thermistorTemperature(SBE37_THERMISTOR, n) - (SBE37_CHECK.temperature_degC[k] as number))).toBeLessThan(1e-4),
    );
  });

  it('strain gauge: pressure from counts and pressure-sensor temperature counts to 5 mm', () => {
    SBE37_CHECK.pressureCounts.forEach((n, k) =>
      expect(
        Math.abs(strainGaugePressure(SBE37_PRESSURE, n, SBE37_CHECK.pressureTemperatureCounts[k] as number) - (SBE37_CHECK.pressure_dbar[k] as number)),
      ).toBeLessThan(0.005),
    );
  });

  it('conductivity: C in S/m to 1e-6 from counts, temperature and pressure', () => {
    SBE37_CHECK.conductivityCounts.forEach((n, k) =>
      expect(
        Math.abs(
          conductivityValue(SBE37_CONDUCTIVITY, n, SBE37_CHECK.temperature_degC[k] as number, SBE37_CHECK.pressure_dbar[k] as number) -
            (SBE37_CHECK.conductivity_S_m[k] as number),
        ),
      ).toBeLessThan(1e-6),
    );
  });
});

describe('every model has an inverse accurate well below one count over its whole range', () => {
  const tempRange = { min: -5, max: 45 };
  const rawLo = thermistorRaw(SBE37_THERMISTOR, tempRange.max);
  const rawHi = thermistorRaw(SBE37_THERMISTOR, tempRange.min);

  it('thermistor', () => {
    fc.assert(
      fc.property(fc.double({ min: rawLo, max: rawHi, noNaN: true }), (raw) => {
        expect(Math.abs(thermistorRaw(SBE37_THERMISTOR, thermistorTemperature(SBE37_THERMISTOR, raw)) - raw)).toBeLessThan(COUNT_TOLERANCE);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.double({ min: tempRange.min, max: tempRange.max, noNaN: true }), (t) => {
        expect(thermistorTemperature(SBE37_THERMISTOR, thermistorRaw(SBE37_THERMISTOR, t))).toBeCloseTo(t, 9);
      }),
      { numRuns: 1000 },
    );
  });

  it('conductivity (0–7 S/m, −2–40 °C, 0–7000 dbar)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 7, noNaN: true }),
        fc.double({ min: -2, max: 40, noNaN: true }),
        fc.double({ min: 0, max: 7000, noNaN: true }),
        (C, t, p) => {
          const raw = conductivityRaw(SBE37_CONDUCTIVITY, C, t, p);
          expect(conductivityValue(SBE37_CONDUCTIVITY, raw, t, p)).toBeCloseTo(C, 10);
          const again = conductivityRaw(SBE37_CONDUCTIVITY, conductivityValue(SBE37_CONDUCTIVITY, Math.round(raw), t, p), t, p);
          expect(Math.abs(again - Math.round(raw))).toBeLessThan(COUNT_TOLERANCE);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('strain gauge with pressure-temperature counts (0–1000 dbar)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1000, noNaN: true }), fc.integer({ min: 1300, max: 1800 }), (p, pt) => {
        const raw = strainGaugeRaw(SBE37_PRESSURE, p, pt);
        expect(strainGaugePressure(SBE37_PRESSURE, raw, pt)).toBeCloseTo(p, 8);
        const r = Math.round(raw);
        expect(Math.abs(strainGaugeRaw(SBE37_PRESSURE, strainGaugePressure(SBE37_PRESSURE, r, pt), pt) - r)).toBeLessThan(COUNT_TOLERANCE);
      }),
      { numRuns: 1000 },
    );
  });

  it('strain gauge compensated with the water temperature (°C)', () => {
    const model: StrainGaugeModel = { ...SBE37_PRESSURE, compensation: 'water-temperature' };
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1000, noNaN: true }), fc.double({ min: -2, max: 40, noNaN: true }), (p, t) => {
        const raw = strainGaugeRaw(model, p, t);
        expect(strainGaugePressure(model, raw, t)).toBeCloseTo(p, 8);
      }),
      { numRuns: 500 },
    );
  });

  const generic: Array<[string, CalibrationModel, number, number]> = [
    ['linear battery voltage (mV counts)', { kind: 'linear', coefficients: { slope: 0.001, offset: 0 } } satisfies LinearModel, 0, 16.7],
    ['polynomial pressure transducer', { kind: 'polynomial', coefficients: { c: [-10.1325, 0.0006, 2e-12] } } satisfies PolynomialModel, 0, 10000],
  ];
  it.each(generic)('%s', (_name, model, min, max) => {
    fc.assert(
      fc.property(fc.double({ min, max, noNaN: true }), (v) => {
        const raw = invertModel(model, v);
        expect(applyModel(model, raw)).toBeCloseTo(v, 8);
        const r = Math.round(raw);
        expect(Math.abs(invertModel(model, applyModel(model, r)) - r)).toBeLessThan(COUNT_TOLERANCE);
      }),
      { numRuns: 500 },
    );
  });
});

describe('bad raw readings are typed errors naming the record and field', () => {
  const cases: Array<[string, () => number, string, string]> = [
    ['NaN count', () => applyModel(SBE37_THERMISTOR, Number.NaN, {}, 'cal-T'), 'NOT_FINITE', 'raw'],
    ['negative count', () => applyModel(SBE37_THERMISTOR, -1, {}, 'cal-T'), 'RAW_OUT_OF_RANGE', 'raw'],
    ['more than 24 bits', () => applyModel(SBE37_THERMISTOR, RAW_MAX + 1, {}, 'cal-T'), 'RAW_OUT_OF_RANGE', 'raw'],
    ['ln 0', () => applyModel(SBE37_THERMISTOR, 0, {}, 'cal-T'), 'OUTSIDE_MODEL_DOMAIN', 'raw'],
    ['conductivity without temperature', () => applyModel(SBE37_CONDUCTIVITY, 1e6, { p_dbar: 0 }, 'cal-T'), 'MISSING_INPUT', 't90_degC'],
    ['strain gauge without compensation', () => applyModel(SBE37_PRESSURE, 6e5, {}, 'cal-T'), 'MISSING_INPUT', 'compensation'],
    ['inverse beyond the raw range', () => invertModel(SBE37_THERMISTOR, -100, {}, 'cal-T'), 'NOT_INVERTIBLE', 't90_degC'],
    ['infinite temperature to invert', () => invertModel(SBE37_THERMISTOR, Number.POSITIVE_INFINITY, {}, 'cal-T'), 'NOT_FINITE', 't90_degC'],
  ];
  it.each(cases)('%s', (_name, fn, code, field) => {
    try {
      fn();
      expect.unreachable('should have thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(ScienceError);
      expect((err as ScienceError).code).toBe(code);
      expect((err as ScienceError).record).toBe('cal-T');
      expect((err as ScienceError).field).toBe(field);
    }
  });
});

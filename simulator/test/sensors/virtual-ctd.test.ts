// Virtual sensors: counts from the inverted calibration recover the value within half a count;
// values beyond the 24-bit range are clamped and marked.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyModel, CalibrationSet, RAW_MAX } from '@reeflink/server/science';
import { countFor, VirtualCtd } from '../../src/index.js';
import { bundledFleet } from '../support/bundled.js';

describe('virtual CTD', () => {
  it('recovers temperature, pressure and conductivity within half a count', async () => {
    const buoy = (await bundledFleet()).buoys[0]!;
    const ctd = new VirtualCtd(buoy.sensors, CalibrationSet.of(buoy.calibrations), undefined);
    const time = Date.parse('2024-03-01T00:00:00Z');
    fc.assert(
      fc.property(fc.double({ min: 15, max: 34, noNaN: true }), fc.double({ min: 0.5, max: 60, noNaN: true }), fc.double({ min: 3.5, max: 6.5, noNaN: true }), (t, p, c) => {
        const r = ctd.read(time, { temperature_degC: t, pressure_dbar: p, conductivity_S_m: c });
        for (const [ch, v] of [['temperature', t], ['pressure', p], ['conductivity', c]] as const) {
          const reading = r[ch]!;
          expect(Number.isInteger(reading.raw)).toBe(true);
          expect(reading.clamped).toBe(false);
          expect(Math.abs(reading.expected - v)).toBeLessThanOrEqual(reading.quantum / 2 + 1e-12);
        }
        // One count is below the resolutions the payload format promises.
        expect(r.temperature!.quantum).toBeLessThan(0.0005);
        expect(r.pressure!.quantum).toBeLessThan(0.005);
        expect(r.conductivity!.quantum * 10).toBeLessThan(0.0005);
      }),
      { numRuns: 200 },
    );
  });

  it('uses the record valid at the sample time', async () => {
    const buoy = (await bundledFleet()).buoys[0]!;
    const ctd = new VirtualCtd(buoy.sensors, CalibrationSet.of(buoy.calibrations), undefined);
    const before = ctd.read(Date.parse('2024-01-09T23:50:00Z'), { temperature_degC: 26 }).temperature!;
    const after = ctd.read(Date.parse('2024-01-10T00:00:00Z'), { temperature_degC: 26 }).temperature!;
    expect([before.calibrationId, after.calibrationId]).toEqual(['amd-T-2022', 'amd-T-2024']);
    expect(before.raw).not.toBe(after.raw);
    expect(ctd.read(Date.parse('2022-01-01T00:00:00Z'), { temperature_degC: 26 })).toEqual({});
    expect(ctd.unreadable['no-calibration']).toBe(1);
  });

  it('clamps values the sensor cannot report to the 24-bit range', () => {
    const linear = { kind: 'linear' as const, coefficients: { slope: 0.001, offset: 0 } };
    expect(countFor(linear, 20_000, {})).toEqual({ raw: RAW_MAX, clamped: true });
    expect(countFor(linear, -5, {})).toEqual({ raw: 0, clamped: true });
    expect(countFor(linear, 12.3456, {})).toEqual({ raw: 12346, clamped: false });
    const thermistor = { kind: 'thermistor-steinhart-hart' as const, coefficients: { a0: -1.179278e-4, a1: 3.097942e-4, a2: -4.688854e-6, a3: 2.081274e-7 } };
    // This sheet spans about −60 °C (2^24 − 1 counts) to 10 000 °C (2 counts).
    const cold = countFor(thermistor, -100, {})!;
    expect(cold).toEqual({ raw: RAW_MAX, clamped: true });
    expect(applyModel(thermistor, cold.raw)).toBeCloseTo(-60.2, 1);
    expect(countFor(thermistor, 1e6, {})).toEqual({ raw: 2, clamped: true });
  });
});

import { describe, expect, it } from 'vitest';
import {
  CalibrationSet,
  affectedPeriods,
  calibrateChannel,
  calibrateCtdSample,
  checkCalibrationSet,
  deriveCtd,
  practicalSalinity,
  rawCtdSampleFor,
  validateCalibrationRecord,
  type CalibrationRecord,
} from '../../src/science/index.js';
import { SBE37_CHECK, SENSORS, sbe37Records } from './fixtures.js';

const T = Date.UTC(2016, 5, 16);

describe('calibration records', () => {
  it('accepts the SBE 37 fixture set', () => {
    expect(CalibrationSet.create(sbe37Records()).ok).toBe(true);
  });

  it('names the record and field of a missing or non-finite coefficient', () => {
    const [t] = sbe37Records();
    const broken = { ...t, model: { kind: 'thermistor-steinhart-hart', coefficients: { a0: 1e-3, a1: Number.NaN, a2: 0 } } };
    const errors = validateCalibrationRecord(broken);
    expect(errors.map((e) => [e.code, e.record, e.field])).toEqual([
      ['MISSING_COEFFICIENT', 'cal-T-2016', 'model.coefficients.a1'],
      ['MISSING_COEFFICIENT', 'cal-T-2016', 'model.coefficients.a3'],
    ]);
  });

  it('rejects malformed provenance, periods and unknown models', () => {
    const [t] = sbe37Records();
    const errors = validateCalibrationRecord({
      ...t,
      validUntil: (t as CalibrationRecord).validFrom - 1,
      provenance: { calibrationSheet: '', calibrationDate: 'yesterday', enteredBy: 'x' },
      model: { kind: 'magic', coefficients: {} },
    });
    expect(errors.map((e) => e.field)).toEqual(['validUntil', 'provenance.calibrationSheet', 'provenance.calibrationDate', 'model.kind']);
  });

  it('detects overlapping validity periods of one sensor, naming both records', () => {
    const records = sbe37Records();
    const t = records[0] as CalibrationRecord;
    const overlapping: CalibrationRecord = { ...t, id: 'cal-T-2016b', validFrom: T };
    const errors = checkCalibrationSet([...records, overlapping]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'OVERLAPPING_VALIDITY', record: 'cal-T-2016b', field: 'validFrom', value: 'cal-T-2016' });
    expect(CalibrationSet.create([...records, overlapping]).ok).toBe(false);
  });

  it('selects the record valid at the sample time, and says when there is none', () => {
    const records = sbe37Records();
    const t = records[0] as CalibrationRecord;
    const first: CalibrationRecord = { ...t, validUntil: T };
    const second: CalibrationRecord = { ...t, id: 'cal-T-2016-06', validFrom: T, model: { kind: 'linear', coefficients: { slope: 1e-4, offset: 0 } } };
    const set = CalibrationSet.of([first, second]);
    expect(set.find(SENSORS.temperature, T - 1)).toMatchObject({ ok: true, value: { id: 'cal-T-2016' } });
    expect(set.find(SENSORS.temperature, T)).toMatchObject({ ok: true, value: { id: 'cal-T-2016-06' } });
    expect(set.find(SENSORS.temperature, Date.UTC(2015, 0, 1))).toMatchObject({ ok: false, error: { code: 'NO_CALIBRATION', record: 'SBE37-temperature/37-0001' } });
    expect(calibrateChannel(100_000, SENSORS.temperature, T, set)).toEqual({ ok: true, value: { value: 10, calibrationId: 'cal-T-2016-06' } });
  });
});

describe('calibrating and deriving a CTD sample', () => {
  const set = CalibrationSet.of(sbe37Records());

  it('reproduces the SBE Data Processing values and keeps which record produced each', () => {
    SBE37_CHECK.temperatureCounts.forEach((_, k) => {
      const out = calibrateCtdSample(
        {
          time: T,
          temperature: SBE37_CHECK.temperatureCounts[k] as number,
          conductivity: SBE37_CHECK.conductivityCounts[k] as number,
          pressure: SBE37_CHECK.pressureCounts[k] as number,
          pressureTemperature: SBE37_CHECK.pressureTemperatureCounts[k] as number,
        },
        SENSORS,
        set,
      );
      expect(out.errors).toEqual([]);
      expect(out.temperature_degC?.calibrationId).toBe('cal-T-2016');
      expect(out.temperature_degC?.value).toBeCloseTo(SBE37_CHECK.temperature_degC[k] as number, 3);
      expect(out.pressure_dbar?.value).toBeCloseTo(SBE37_CHECK.pressure_dbar[k] as number, 2);
      expect(out.conductivity_S_m?.value).toBeCloseTo(SBE37_CHECK.conductivity_S_m[k] as number, 5);
      const derived = deriveCtd(out, { latitude_deg: 45 });
      expect(derived.practicalSalinity).toBeCloseTo(
        practicalSalinity((out.conductivity_S_m?.value as number) * 10, out.temperature_degC?.value as number, out.pressure_dbar?.value as number),
        12,
      );
      expect(derived.depth_m).toBeGreaterThan(0);
    });
  });

  it('a failing channel is an error entry; the other channels still come out', () => {
    const out = calibrateCtdSample({ time: T, temperature: Number.NaN, conductivity: 1_500_000, pressure: 533152, pressureTemperature: 1608 }, SENSORS, set);
    expect(out.temperature_degC).toBeUndefined();
    expect(out.pressure_dbar?.value).toBeCloseTo(16.159, 2);
    expect(out.errors.map((e) => [e.code, e.record, e.field])).toEqual([
      ['NOT_FINITE', 'cal-T-2016', 'raw'],
      ['MISSING_INPUT', 'cal-C-2016', 't90_degC'],
    ]);
  });

  it('simulator round trip: physical → raw (rounded) → calibrated within a count', () => {
    const physical = { time: T, temperature_degC: 24.3, conductivity_S_m: 5.31, pressure_dbar: 12.5 };
    const raw = rawCtdSampleFor(physical, SENSORS, set);
    const rounded = {
      time: T,
      temperature: Math.round(raw.temperature as number),
      conductivity: Math.round(raw.conductivity as number),
      pressure: Math.round(raw.pressure as number),
      pressureTemperature: Math.round(raw.pressureTemperature as number),
    };
    const back = calibrateCtdSample(rounded, SENSORS, set);
    expect(back.errors).toEqual([]);
    expect(Math.abs((back.temperature_degC?.value as number) - 24.3)).toBeLessThan(1e-3);
    expect(Math.abs((back.conductivity_S_m?.value as number) - 5.31)).toBeLessThan(1e-4);
    expect(Math.abs((back.pressure_dbar?.value as number) - 12.5)).toBeLessThan(0.05);
  });
});

describe('affectedPeriods', () => {
  it('returns the old and new validity of a corrected record, merged per sensor', () => {
    const before = sbe37Records();
    const t = before[0] as CalibrationRecord;
    const corrected: CalibrationRecord = { ...t, validFrom: t.validFrom + 86_400_000, provenance: { ...t.provenance, enteredBy: 'fix' } };
    const added: CalibrationRecord = { ...(before[1] as CalibrationRecord), id: 'cal-C-2017', validFrom: Date.UTC(2017, 0, 1) };
    const after = [corrected, { ...(before[1] as CalibrationRecord), validUntil: Date.UTC(2017, 0, 1) }, before[2] as CalibrationRecord, added];
    const periods = affectedPeriods(before, after);
    expect(periods).toContainEqual({ sensor: SENSORS.temperature, from: t.validFrom, until: null, because: ['cal-T-2016'] });
    expect(periods.find((p) => p.sensor.sensorType === 'SBE37-conductivity')).toMatchObject({ from: t.validFrom, until: null });
    expect(periods.some((p) => p.sensor.sensorType === 'SBE37-pressure')).toBe(false);
  });
});

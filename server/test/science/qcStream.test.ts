import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CalibrationSet,
  DEEP_WATER_QC,
  QcStream,
  REEF_LAGOON_QC,
  climatologyTest,
  flatLineTest,
  grossRangeTest,
  qartodAggregate,
  qcLeadInSamples,
  rateOfChangeTest,
  reprocessCtd,
  spikeTest,
  toOceanSitesFlag,
  validateQcConfig,
  type CalibrationRecord,
  type DatastreamQcConfig,
  type QcStreamState,
} from '../../src/science/index.js';
import { SENSORS, sbe37Records } from './fixtures.js';

const T0 = Date.UTC(2024, 1, 1);
const STEP = 600_000; // 10 minutes

describe('streaming QC', () => {
  const config = REEF_LAGOON_QC.temperature;

  it('revises the previous sample when its next neighbour arrives (spike), through the state', () => {
    const qc = new QcStream(config, 'buoy-1/temperature');
    let state: QcStreamState | null = null;
    const values = [26.1, 26.12, 29.5, 26.15];
    const outs = values.map((value, k) => {
      const out = qc.step(state, { time: T0 + k * STEP, value, depth_m: 5 });
      if (!out.ok) throw new Error(out.error.message);
      // The state goes through the store as JSON.
      state = JSON.parse(JSON.stringify(out.value.state)) as QcStreamState;
      return out.value;
    });
    expect(outs.map((o) => o.result.flags.spike)).toEqual([2, 2, 2, 2]);
    expect(outs[0]?.revisions).toEqual([]);
    expect(outs[1]?.revisions).toEqual([]); // first sample has no left neighbour: stays NOT_EVALUATED
    // |26.12 − (26.1 + 29.5)/2| = 1.68 > 0.5: the spike's neighbour is suspect too (average method, as ioos_qc).
    expect(outs[2]?.revisions).toEqual([{ time: T0 + STEP, flags: { ...outs[1]?.result.flags, spike: 3 }, aggregate: 3 }]);
    expect(outs[3]?.revisions).toEqual([{ time: T0 + 2 * STEP, flags: { ...outs[2]?.result.flags, spike: 4 }, aggregate: 4 }]);
  });

  it('refuses samples out of order with a typed error', () => {
    const qc = new QcStream(config, 'buoy-1/temperature');
    const first = qc.step(null, { time: T0, value: 25 });
    if (!first.ok) throw new Error('unexpected');
    expect(qc.step(first.value.state, { time: T0, value: 25 })).toMatchObject({ ok: false, error: { code: 'OUT_OF_ORDER', record: 'buoy-1/temperature', field: 'time' } });
  });

  it('gives, after revisions, exactly the ioos_qc-shaped batch functions on regular series', () => {
    const cfg: DatastreamQcConfig = {
      ...config,
      flatLine: { tolerance: 0.01, suspect_threshold: 1800, fail_threshold: 3000 },
    };
    const value = fc.oneof(
      { weight: 8, arbitrary: fc.double({ min: 10, max: 40, noNaN: true }) },
      { weight: 2, arbitrary: fc.constantFrom(25, 25.001) },
      { weight: 1, arbitrary: fc.constant(null) },
    );
    fc.assert(
      fc.property(fc.array(value, { minLength: 3, maxLength: 60 }), fc.integer({ min: 0, max: 11 }), (values, month) => {
        const start = Date.UTC(2023, month, 3);
        const times = values.map((_, k) => start + k * STEP);
        const depths = values.map(() => 5);
        const { results } = new QcStream(cfg, 'x').run(values.map((v, k) => ({ time: times[k] as number, value: v, depth_m: 5 })));
        const batch = {
          grossRange: grossRangeTest(values, cfg.grossRange),
          climatology: climatologyTest(values, times, depths, cfg.climatology ?? []),
          spike: spikeTest(values, cfg.spike ?? { suspect_threshold: 0, fail_threshold: 0 }),
          rateOfChange: rateOfChangeTest(values, times, cfg.rateOfChange ?? { threshold: 0 }),
          flatLine: flatLineTest(values, times, cfg.flatLine ?? { tolerance: 0, suspect_threshold: 0, fail_threshold: 0 }),
        };
        for (const test of Object.keys(batch) as Array<keyof typeof batch>) {
          expect(results.map((r) => r.flags[test])).toEqual(batch[test]);
        }
        expect(results.map((r) => r.aggregate)).toEqual(qartodAggregate(Object.values(batch)));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a small state', () => {
    const qc = new QcStream(DEEP_WATER_QC.temperature, 'deep');
    const { state } = qc.run(Array.from({ length: 500 }, (_, k) => ({ time: T0 + k * STEP, value: 4 + k * 1e-3 })));
    expect(state.window.length).toBe(145); // 24 h of 10-minute samples + the newest
    expect(JSON.stringify(state).length).toBeLessThan(8000);
  });
});

describe('QC configuration', () => {
  it('defaults are valid', () => {
    for (const defaults of [REEF_LAGOON_QC, DEEP_WATER_QC]) {
      for (const c of Object.values(defaults)) expect(validateQcConfig(c, c.variable)).toEqual([]);
    }
  });
  it('reports every problem with the datastream and field', () => {
    const bad = { ...REEF_LAGOON_QC.salinity, sampleInterval_s: 0, grossRange: { fail_span: [0, 40], suspect_span: [-1, 41] }, spike: { suspect_threshold: 1, fail_threshold: 2, method: 'x' } } as unknown as DatastreamQcConfig;
    expect(validateQcConfig(bad, 'buoy-1/salinity').map((e) => [e.record, e.field])).toEqual([
      ['buoy-1/salinity', 'sampleInterval_s'],
      ['buoy-1/salinity', 'suspect_span'],
      ['buoy-1/salinity', 'method'],
    ]);
  });
  it('maps QARTOD flags to OceanSITES reference table 2', () => {
    expect([1, 2, 3, 4, 9].map((f) => toOceanSitesFlag(f as 1 | 2 | 3 | 4 | 9))).toEqual([1, 0, 3, 4, 9]);
  });
});

describe('reprocessing', () => {
  it('recomputes values, derived values and QC with a corrected calibration, and records which one', () => {
    const records = sbe37Records();
    const raw = Array.from({ length: 12 }, (_, k) => ({
      time: Date.UTC(2016, 5, 16) + k * STEP,
      temperature: 366964 + k * 20,
      conductivity: 1564991 + k * 10,
      pressure: 533152,
      pressureTemperature: 1608,
    }));
    const qc = { temperature: REEF_LAGOON_QC.temperature, salinity: REEF_LAGOON_QC.salinity, pressure: REEF_LAGOON_QC.pressure };
    const request = { raw, sensors: SENSORS, derive: { latitude_deg: -22.3 }, qc, from: raw[2]?.time, until: raw[10]?.time };
    const before = reprocessCtd({ ...request, calibrations: CalibrationSet.of(records) });
    const t = records[0] as CalibrationRecord;
    const correctedT: CalibrationRecord = { ...t, id: 'cal-T-2016-fix', model: { ...t.model, coefficients: { ...(t.model.coefficients as object), a0: -1.17e-4 } } as CalibrationRecord['model'] };
    const after = reprocessCtd({ ...request, calibrations: CalibrationSet.of([correctedT, records[1], records[2]]) });

    expect(before.samples).toHaveLength(8);
    expect(after.samples.map((s) => s.calibrated.temperature_degC?.calibrationId)).toEqual(Array(8).fill('cal-T-2016-fix'));
    const b0 = before.samples[0];
    const a0 = after.samples[0];
    expect(a0?.calibrated.temperature_degC?.value).not.toBeCloseTo(b0?.calibrated.temperature_degC?.value as number, 3);
    expect(a0?.derived.practicalSalinity).not.toBe(b0?.derived.practicalSalinity);
    expect(a0?.qc.temperature?.flags.spike).toBe(1); // neighbours on both sides were in the request
    expect(Object.keys(after.qcStates)).toEqual(['temperature', 'salinity', 'pressure']);
    expect(qcLeadInSamples(qc)).toBe(37);
  });
});

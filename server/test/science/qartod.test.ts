/**
 * Cases ported one to one from IOOS ioos_qc's own test suite:
 * https://github.com/ioos/ioos_qc/blob/c91d50c3d8407e469d016f3b5c2bd83ff310aad1/tests/test_qartod.py
 * (None/np.nan/np.ma.masked → null/NaN; np.datetime64 → Date.UTC; epoch
 * seconds → epoch milliseconds). Class and method names are kept in the
 * test titles so each case can be found in the source.
 */
import { describe, expect, it } from 'vitest';
import {
  ScienceError,
  climatologyTest,
  flatLineTest,
  grossRangeTest,
  qartodAggregate,
  rateOfChangeTest,
  spikeTest,
  type ClimatologyMember,
} from '../../src/science/index.js';

const d = (iso: string) => Date.parse(iso.length === 7 ? `${iso}-01T00:00:00Z` : `${iso}T00:00:00Z`);

describe('QartodGrossRangeTest', () => {
  it('test_gross_range_check', () => {
    const vals = [5, 10, 15, 20, 25, 30, 35, 40, 45, 51];
    expect(grossRangeTest(vals, { fail_span: [10, 50], suspect_span: [20, 40] })).toEqual([4, 3, 3, 1, 1, 1, 1, 1, 3, 4]);
  });

  it('test_gross_range_bad_input', () => {
    expect(() => grossRangeTest([5], { fail_span: 10 as never, suspect_span: [1, 1] })).toThrow(ScienceError);
    expect(() => grossRangeTest([5], { fail_span: [1, 1], suspect_span: 10 as never })).toThrow(ScienceError);
    expect(() => grossRangeTest([5], { fail_span: [1, 1], suspect_span: [2, 2] })).toThrow(ScienceError);
  });

  it('test_gross_range_check_masked', () => {
    const vals = [null, 10, 15, 20, 25, 30, 35, 40, Number.NaN, 51, null];
    expect(grossRangeTest(vals, { fail_span: [10, 50], suspect_span: [20, 40] })).toEqual([9, 3, 3, 1, 1, 1, 1, 1, 9, 4, 9]);
  });
});

describe('QartodClimatologyPeriodTest', () => {
  const inputs: Array<[number, number, null]> = [
    [d('2011-02-02'), 9, null],
    [d('2013-02-03'), 11, null],
    [d('2011-04-01'), 21, null],
    [d('2011-12-31'), 21, null],
    [d('2020-02-29'), 15, null],
  ];
  const run = (tspan: [number, number], period: ClimatologyMember['period']) =>
    climatologyTest(inputs.map((i) => i[1]), inputs.map((i) => i[0]), inputs.map((i) => i[2]), [{ vspan: [10, 20], tspan, period }]);
  it('test_climatology_test_periods_monthly', () => expect(run([0, 3], 'month')).toEqual([3, 1, 2, 2, 1]));
  it('test_climatology_test_periods_week_of_year', () => expect(run([0, 12], 'weekofyear')).toEqual([3, 1, 2, 2, 1]));
  it('test_climatology_test_periods_day_of_year', () => expect(run([0, 90], 'dayofyear')).toEqual([3, 1, 2, 2, 1]));
  it('test_climatology_test_periods_quarter', () => expect(run([0, 1], 'quarter')).toEqual([3, 1, 2, 2, 1]));
});

describe('QartodClimatologyInclusiveRangesTest', () => {
  const cc: ClimatologyMember[] = [{ tspan: [d('2019-11-01'), d('2020-02-04')], fspan: [40, 70], vspan: [50, 60], zspan: [0, 10] }];
  const one = (time: string, value: number, depth: number) => climatologyTest([value], [d(time)], [depth], cc)[0];
  it.each([
    ['test_tspan_out_of_range_low', '2019-10-31', 55, 5, 2],
    ['test_tspan_minimum', '2019-11-01', 55, 5, 1],
    ['test_tspan_maximum', '2020-02-04', 55, 5, 1],
    ['test_tspan_out_of_range_high', '2020-02-05', 55, 5, 2],
    ['test_vspan_out_of_range_low', '2020-01-01', 49, 5, 3],
    ['test_vspan_minimum', '2020-01-01', 50, 5, 1],
    ['test_vspan_maximum', '2020-01-01', 60, 5, 1],
    ['test_vspan_out_of_range_high', '2020-01-01', 61, 5, 3],
    ['test_fspan_out_of_range_low', '2020-01-01', 30, 5, 4],
    ['test_fspan_minimum', '2020-01-01', 40, 5, 3],
    ['test_fspan_maximum', '2020-01-01', 70, 5, 3],
    ['test_fspan_out_of_range_high', '2020-01-01', 71, 5, 4],
    ['test_zspan_out_of_range_low', '2020-01-01', 55, -1, 2],
    ['test_zspan_minimum', '2020-01-01', 55, 0, 1],
    ['test_zspan_maximum', '2020-01-01', 55, 10, 1],
    ['test_zspan_out_of_range_high', '2020-01-01', 55, 11, 2],
  ] as const)('%s', (_name, time, value, depth, expected) => expect(one(time, value, depth)).toBe(expected));
});

describe('QartodClimatologyDepthTest / QartodClimatologyTest', () => {
  const depthOnly: ClimatologyMember[] = [
    { tspan: [d('2012-01'), d('2013-01')], vspan: [50, 60], zspan: [0, 10] },
    { tspan: [d('2012-01'), d('2013-01')], vspan: [70, 80], zspan: [10, 100] },
  ];
  const full: ClimatologyMember[] = [
    { tspan: [d('2011-01'), d('2011-07')], vspan: [10, 20] },
    { tspan: [d('2011-07'), d('2012-01')], vspan: [30, 40] },
    { tspan: [d('2012-01'), d('2013-01')], vspan: [40, 50] },
    ...depthOnly,
  ];
  const run = (cc: ClimatologyMember[], rows: Array<[string | number, number, number | null]>) =>
    climatologyTest(rows.map((r) => r[1]), rows.map((r) => (typeof r[0] === 'number' ? r[0] : d(r[0]))), rows.map((r) => r[2]), cc);

  it('test_climatology_test_all_unknown', () => {
    expect(run(depthOnly, [['2011-01-02', 9, null], ['2011-01-02', 11, null], ['2011-01-02', 21, null], ['2015-01-02', 21, null]])).toEqual([2, 2, 2, 2]);
  });
  it('test_climatology_test', () => expect(run(full, [['2011-01-02', 11, null]])).toEqual([1]));
  it('test_climatology_test_seconds_since_epoch', () => expect(run(full, [[1293926400 * 1000, 11, null]])).toEqual([1]));
  it('test_climatology_test_fail', () => {
    expect(run(full, [['2011-01-02', 9, null], ['2011-01-02', 11, null], ['2011-01-02', 21, null], ['2015-01-02', 21, null]])).toEqual([3, 1, 3, 2]);
  });
  it('test_climatology_test_depths', () => {
    expect(
      run(full, [
        ['2012-01-02', 51, 2],
        ['2012-01-02', 71, 90],
        ['2012-01-02', 42, null],
        ['2012-01-02', 39, null],
        ['2012-01-02', 59, 11],
        ['2012-01-02', 79, 101],
      ]),
    ).toEqual([1, 1, 1, 3, 3, 2]);
  });
});

describe('QartodSpikeTest', () => {
  const cfg = { suspect_threshold: 25, fail_threshold: 50 };
  it('test_spike', () => expect(spikeTest([10, 12, 999.99, 13, 15, 40, 9, 9], cfg)).toEqual([2, 4, 4, 4, 1, 3, 1, 2]));
  it('test_spike_negative_vals', () => expect(spikeTest([-10, -12, -999.99, -13, -15, -40, -9, -9], cfg)).toEqual([2, 4, 4, 4, 1, 3, 1, 2]));
  it('test_spike_initial_final_values', () => expect(spikeTest([-100, -99, -99, -98], cfg)).toEqual([2, 1, 1, 2]));
  it('test_spike_masked', () => {
    expect(spikeTest([10, 12, 999.99, 13, 15, 40, 9, 9, null, 10, 10, 999.99, 10, null], cfg)).toEqual([2, 4, 4, 4, 1, 3, 1, 1, 9, 9, 4, 4, 4, 9]);
  });
  it('test_spike_realdata', () => {
    const arr = [
      -0.189, -0.0792, -0.0122, 0.0457, 0.0671, 0.0213, -0.0488, -0.1463, -0.2438, -0.3261, -0.3871, -0.4054, -0.3932, -0.3383, -0.2804, -0.2347,
      -0.2134, -0.2347, -0.2926, -0.3597, -0.442, -0.509, 0, -0.5944, -0.57, -0.4267, -0.2926, -0.1585, -0.0945, -0.0762,
    ];
    const expected = [2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 1, 1, 1, 1, 1, 1, 2];
    expect(spikeTest(arr, { suspect_threshold: 0.5, fail_threshold: 1 })).toEqual(expected);
  });
  it('test_spike_methods', () => {
    const inp = [3, 4.99, 5, 6, 8, 6, 6, 6.75, 6, 6, 5.3, 6, 6, 9, 5, null, 4, 4];
    const base = { suspect_threshold: 0.5, fail_threshold: 1 };
    const average = [2, 3, 1, 1, 4, 3, 1, 3, 1, 1, 3, 1, 4, 4, 4, 9, 9, 2];
    expect(spikeTest(inp, { ...base, method: 'average' })).toEqual(average);
    expect(spikeTest(inp, { ...base, method: 'differential' })).toEqual([2, 1, 1, 1, 4, 1, 1, 3, 1, 1, 3, 1, 1, 4, 9, 9, 9, 2]);
    expect(spikeTest(inp, base)).toEqual(average);
  });
  it('test_spike_test_bad_method', () => {
    const inp = [3, 4.99, 5];
    expect(() => spikeTest(inp, { suspect_threshold: 0.5, fail_threshold: 1, method: 'bad' as never })).toThrow(ScienceError);
    expect(() => spikeTest(inp, { suspect_threshold: 0.5, fail_threshold: 1, method: 123 as never })).toThrow(ScienceError);
  });
});

describe('QartodRateOfChangeTest', () => {
  // np.arange('2015-01-01 00:00:00', '2015-01-01 06:00:00', 15 minutes)
  const times = Array.from({ length: 24 }, (_, k) => Date.UTC(2015, 0, 1) + k * 15 * 60_000);
  const threshold = 5 / 15 / 60;
  it('test_rate_of_change', () => {
    const arr = [2, 10, 2.1, 3, 4, 5, 7, 10, 0, 2, 2.2, 2, 1, 2, 3, 90, 91, 92, 93, 1, 2, 3, 4, 5];
    const expected = [1, 3, 3, 1, 1, 1, 1, 1, 3, 1, 1, 1, 1, 1, 1, 3, 1, 1, 1, 3, 1, 1, 1, 1];
    expect(rateOfChangeTest(arr, times, { threshold })).toEqual(expected);
    expect(rateOfChangeTest(arr, times.map((t) => new Date(t)), { threshold })).toEqual(expected);
  });
  it('test_rate_of_change_missing_values', () => {
    expect(rateOfChangeTest([2, 10, 2, 3, null, null, 7, 10], times.slice(0, 8), { threshold })).toEqual([1, 3, 3, 1, 9, 9, 1, 1]);
  });
  it('test_rate_of_change_negative_values', () => {
    expect(rateOfChangeTest([-2, -10, -2, -3], times.slice(0, 4), { threshold })).toEqual([1, 3, 3, 1]);
  });
});

describe('QartodFlatLineTest', () => {
  // np.arange('2015-01-01 00:00:00', '2015-01-01 03:30:00', 15 minutes): 14 times
  const times = Array.from({ length: 14 }, (_, k) => Date.UTC(2015, 0, 1) + k * 15 * 60_000);
  const cfg = { suspect_threshold: 3000, fail_threshold: 4800, tolerance: 0.01 };
  it('test_flat_line', () => {
    const arr = [1, 2, 2.0001, 2, 2.0001, 2, 2.0001, 2, 4, 5, 3, 3.0001, 3.0005, 3.00001];
    const expected = [1, 1, 1, 1, 3, 3, 4, 4, 1, 1, 1, 1, 1, 3];
    expect(flatLineTest(arr, times, cfg)).toEqual(expected);
    expect(flatLineTest(arr.map((x) => -x), times, cfg)).toEqual(expected);
    expect(flatLineTest([], [], cfg)).toEqual([]);
    const noisy = times.map((_, k) => Math.sin(k * 1.7) * 0.5 + 0.5 + k * 1e-3);
    expect(flatLineTest(noisy, times, { ...cfg, tolerance: 1e-11 })).toEqual(times.map(() => 1));
  });
  it('test_flat_line_starting_from_beginning', () => {
    const arr = [2, 2.0001, 2, 2.0001, 2, 2.0001, 2, 4, 5, 3, 3.0001, 3.0005, 3.00001];
    expect(flatLineTest(arr, times.slice(0, arr.length), cfg)).toEqual([1, 1, 1, 3, 3, 4, 4, 1, 1, 1, 1, 1, 3]);
  });
  it('test_flat_line_short_timeseries', () => {
    const check = (time: number[], arr: number[], expected: number[]) =>
      expect(flatLineTest(arr, time.map((s) => s * 1000), { suspect_threshold: 3, fail_threshold: 5, tolerance: 0.1 })).toEqual(expected);
    check([], [], []);
    check([0], [5], [1]);
    check([0, 1], [5, 5], [1, 1]);
    check([0, 1, 2], [5, 5, 5], [1, 1, 1]);
    check([0, 1, 2, 3], [5, 5, 5, 5], [1, 1, 1, 3]);
    check([0, 1, 2, 3, 4], [5, 5, 5, 5, 5], [1, 1, 1, 3, 3]);
    check([0, 1, 2, 3, 4, 5], [5, 5, 5, 5, 5, 5], [1, 1, 1, 3, 3, 4]);
  });
  it('test_flat_line_with_spike', () => {
    const time = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((s) => s * 1000);
    expect(flatLineTest([1, 1, 1, 1, 1, 6, 5, 4, 3, 2], time, { tolerance: 4, suspect_threshold: 3, fail_threshold: 6 })).toEqual([1, 1, 1, 3, 3, 1, 1, 1, 3, 3]);
  });
  it('test_flat_line_missing_values', () => {
    const arr = [1, null, null, 2, 2.0001, 2, 2.0001, 2, 4, null, 3, null, null, 3.00001];
    expect(flatLineTest(arr, times, cfg)).toEqual([1, 9, 9, 1, 3, 3, 4, 4, 1, 9, 1, 9, 9, 3]);
  });
});

describe('QartodUtilsTests', () => {
  it('test_qartod_compare', () => {
    const range = [1, 1, 1, 9, 1, 1, 9, 9] as const;
    const spike = [2, 1, 1, 1, 1, 1, 9, 9] as const;
    const grdtn = [1, 3, 3, 4, 3, 1, 2, 9] as const;
    expect(qartodAggregate([range, spike, grdtn])).toEqual([1, 3, 3, 4, 3, 1, 2, 9]);
  });
  it('rejects arrays of different lengths', () => {
    expect(() => qartodAggregate([[1, 1], [1]])).toThrow(ScienceError);
  });
});

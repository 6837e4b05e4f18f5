// The generator on a short station: deterministic for a seed, different for another.
import { describe, expect, it } from 'vitest';
import { BUNDLED_STATIONS, generateStation, sha256Hex, type StationSpec } from '../../src/index.js';
import { readTimeSeries } from '../../src/netcdf/index.js';

const shortStation: StationSpec = { ...BUNDLED_STATIONS[0]!, platformCode: 'TEST01', start: '2024-02-01T00:00:00Z', end: '2024-02-15T00:00:00Z' };

describe('sample-data generator', () => {
  it('is deterministic for a seed', () => {
    const a = generateStation(shortStation, 1);
    expect(sha256Hex(generateStation(shortStation, 1).bytes)).toBe(sha256Hex(a.bytes));
    expect(sha256Hex(generateStation(shortStation, 2).bytes)).not.toBe(sha256Hex(a.bytes));
  });

  it('writes what it measured, at the requested interval', () => {
    const g = generateStation({ ...shortStation, intervalS: 1800 }, 1);
    const s = readTimeSeries(g.bytes);
    expect(s.timesMs.length).toBe(g.series.timesMs.length);
    expect(s.timesMs[1]! - s.timesMs[0]!).toBe(1_800_000);
    expect(Array.from(s.parameters.TEMP!.levels[0]!.values)).toEqual(Array.from(g.series.values.TEMP!));
    expect(s.station.globalAttributes['time_coverage_resolution']).toBe('PT30M');
  });
});

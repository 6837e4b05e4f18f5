import { describe, expect, it } from 'vitest';
import { cfTimesToEpochMs, parseCfTimeUnits } from '../../src/netcdf/index.js';

const at = (units: string, value: number) =>
  new Date(cfTimesToEpochMs(Float64Array.of(value), parseCfTimeUnits(units, undefined, 'test'))[0]!).toISOString();

describe('CF time units', () => {
  it.each([
    ['days since 1950-01-01T00:00:00Z', 25567, '2020-01-01T00:00:00.000Z'],
    ['days since 1950-01-01 00:00:00 UTC', 25183.3333333334, '2018-12-13T08:00:00.000Z'],
    ['days since 1950-1-1', 0.5, '1950-01-01T12:00:00.000Z'],
    ['seconds since 1970-01-01', 86400, '1970-01-02T00:00:00.000Z'],
    ['hours since 2000-01-01 00:00', 1.5, '2000-01-01T01:30:00.000Z'],
    ['minutes since 2020-06-01T12:00:00+10:00', 0, '2020-06-01T02:00:00.000Z'],
    ['Days Since 1950-01-01', 1, '1950-01-02T00:00:00.000Z'],
    ['milliseconds since 1970-01-01T00:00:00.5Z', 1, '1970-01-01T00:00:00.501Z'],
    ['days since 0001-01-01', 0, '0001-01-01T00:00:00.000Z'],
  ])('%s, %d → %s', (units, value, iso) => {
    expect(at(units, value)).toBe(iso);
  });

  it('keeps missing times as NaN', () => {
    const out = cfTimesToEpochMs(Float64Array.of(NaN), parseCfTimeUnits('days since 1950-01-01', 'standard', 'test'));
    expect(out[0]).toBeNaN();
  });
});

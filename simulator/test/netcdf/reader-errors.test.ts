import { describe, expect, it } from 'vitest';
import { NetcdfError, readTimeSeries, type NetcdfErrorCode } from '../../src/netcdf/index.js';
import { NetcdfEncoder } from '../../src/netcdf/index.js';
import { fixture, IMOS_NRSROT } from './helpers.js';
import { readFileSync } from 'node:fs';

function errorOf(fn: () => unknown): NetcdfError {
  try {
    fn();
  } catch (error) {
    if (error instanceof NetcdfError) return error;
    throw new Error(`expected a NetcdfError, got ${String(error)}`);
  }
  throw new Error('expected a NetcdfError, nothing was thrown');
}

function expectCode(fn: () => unknown, code: NetcdfErrorCode, message?: RegExp): void {
  const error = errorOf(fn);
  expect(error.code).toBe(code);
  if (message) expect(error.message).toMatch(message);
}

/** A small classic file built by our writer, with the given TIME units. */
function fileWithTime(units: string, extra: { calendar?: string } = {}): Uint8Array {
  const attributes = [{ name: 'units', type: 'char' as const, value: units }];
  if (extra.calendar) attributes.push({ name: 'calendar', type: 'char' as const, value: extra.calendar });
  const encoder = new NetcdfEncoder({
    dimensions: [{ name: 'TIME', size: 2 }],
    variables: [
      { name: 'TIME', type: 'double', dimensions: ['TIME'], attributes, data: [0, 1] },
      { name: 'TEMP', type: 'float', dimensions: ['TIME'], data: [20, 21] },
    ],
  });
  return encoder.header();
}

describe('reader errors', () => {
  it('refuses NetCDF-4 with the nccopy command that converts it', () => {
    expectCode(() => readTimeSeries(fixture('netcdf4-hdf5.nc'), { source: 'x.nc' }), 'NETCDF_NETCDF4_UNSUPPORTED', /x\.nc.*nccopy -k classic/);
  });

  it('refuses CDF-5', () => {
    const bytes = Uint8Array.from(readFileSync(IMOS_NRSROT));
    bytes[3] = 5;
    expectCode(() => readTimeSeries(bytes), 'NETCDF_CDF5_UNSUPPORTED', /nccopy -k 64-bit-offset/);
  });

  it('says a file cut inside its header is truncated', () => {
    const bytes = readFileSync(IMOS_NRSROT).subarray(0, 300);
    expectCode(() => readTimeSeries(bytes), 'NETCDF_TRUNCATED', /header/);
  });

  it('says a file cut inside its data is truncated, naming the variable', () => {
    const whole = fixture('oceansites-multi-depth.nc');
    expectCode(() => readTimeSeries(whole.subarray(0, whole.length - 10)), 'NETCDF_TRUNCATED', /variable \w+ needs data up to byte/);
  });

  it('refuses empty and foreign files', () => {
    expectCode(() => readTimeSeries(new Uint8Array(0)), 'NETCDF_TRUNCATED', /too short/);
    expectCode(() => readTimeSeries(new TextEncoder().encode('time,temp\n0,20\n')), 'NETCDF_NOT_NETCDF');
  });

  it('reports a broken header tag as malformed', () => {
    const bytes = Uint8Array.from(readFileSync(IMOS_NRSROT));
    bytes[11] = 0x0b; // dim_list tag NC_DIMENSION (0x0A) replaced by NC_VARIABLE
    expectCode(() => readTimeSeries(bytes), 'NETCDF_MALFORMED', /broken NetCDF header/);
  });

  it('refuses unsupported time units and calendars', () => {
    expectCode(() => readTimeSeries(fileWithTime('months since 1950-01-01')), 'NETCDF_TIME_UNITS', /months/);
    expectCode(() => readTimeSeries(fileWithTime('days after 1950-01-01')), 'NETCDF_LAYOUT_UNSUPPORTED', /no time coordinate/);
    expectCode(() => readTimeSeries(fileWithTime('days since 1950-01-01', { calendar: '360_day' })), 'NETCDF_TIME_UNITS', /360_day/);
    expectCode(() => readTimeSeries(fileWithTime('days since yesterday')), 'NETCDF_TIME_UNITS', /reference date/);
  });

  it('names the requested companion series when it does not exist', () => {
    expectCode(() => readTimeSeries(fixture('oceansites-multi-depth.nc'), { timeVariable: 'TIME_DAY' }), 'NETCDF_LAYOUT_UNSUPPORTED', /TIME_DAY.*TIME, TIME_HR/);
  });

  it('refuses a gridded variable (more than one wide dimension after time)', () => {
    const encoder = new NetcdfEncoder({
      dimensions: [{ name: 'TIME', size: 1 }, { name: 'LATITUDE', size: 2 }, { name: 'LONGITUDE', size: 2 }],
      variables: [
        { name: 'TIME', type: 'double', dimensions: ['TIME'], attributes: [{ name: 'units', type: 'char', value: 'days since 1950-01-01' }], data: [1] },
        { name: 'TEMP', type: 'float', dimensions: ['TIME', 'LATITUDE', 'LONGITUDE'], data: [1, 2, 3, 4] },
      ],
    });
    expectCode(() => readTimeSeries(encoder.header()), 'NETCDF_LAYOUT_UNSUPPORTED', /TEMP\(TIME=1, LATITUDE=2, LONGITUDE=2\) is a grid/);
  });
});

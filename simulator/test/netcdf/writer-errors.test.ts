import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { NetcdfEncoder, NetcdfError, writeNetcdf, type NcFileSpec, type NetcdfErrorCode } from '../../src/netcdf/index.js';

const RECORDS: NcFileSpec = {
  dimensions: [{ name: 'TIME', size: 'unlimited' }],
  variables: [
    { name: 'TIME', type: 'double', dimensions: ['TIME'] },
    { name: 'QC', type: 'byte', dimensions: ['TIME'] },
  ],
};

function codeOf(fn: () => unknown): NetcdfErrorCode | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof NetcdfError) return error.code;
    throw error;
  }
  return undefined;
}

describe('writer refuses what the classic format cannot hold', () => {
  it.each<[string, NcFileSpec]>([
    ['two unlimited dimensions', { dimensions: [{ name: 'A', size: 'unlimited' }, { name: 'B', size: 'unlimited' }], variables: [] }],
    ['a name with a slash', { dimensions: [{ name: 'A/B', size: 1 }], variables: [] }],
    ['a name with a trailing space', { dimensions: [{ name: 'A ', size: 1 }], variables: [] }],
    ['a zero-size fixed dimension', { dimensions: [{ name: 'A', size: 0 }], variables: [] }],
    ['an undefined dimension', { dimensions: [], variables: [{ name: 'x', type: 'int', dimensions: ['N'] }] }],
    ['the record dimension not first', { dimensions: [{ name: 'N', size: 2 }, { name: 'T', size: 'unlimited' }], variables: [{ name: 'x', type: 'int', dimensions: ['N', 'T'] }] }],
    ['a _FillValue of another type', { dimensions: [], variables: [{ name: 'x', type: 'int', dimensions: [], attributes: [{ name: '_FillValue', type: 'float', value: 1 }] }] }],
    ['a byte attribute out of range', { dimensions: [], attributes: [{ name: 'b', type: 'byte', value: 200 }], variables: [] }],
    ['a duplicate variable', { dimensions: [], variables: [{ name: 'x', type: 'int', dimensions: [] }, { name: 'x', type: 'int', dimensions: [] }] }],
  ])('%s', (_what, spec) => {
    expect(codeOf(() => new NetcdfEncoder(spec))).toMatch(/NETCDF_(SCHEMA|VALUES)_INVALID/);
  });

  it('refuses integer values that do not fit, naming the variable', () => {
    const encoder = new NetcdfEncoder(RECORDS, { numRecords: 1 });
    encoder.header();
    expect(() => encoder.records({ TIME: [0], QC: [300] })).toThrow(/variable QC: 300 does not fit type byte/);
  });

  it('refuses chunks whose variables disagree on the record count', () => {
    const encoder = new NetcdfEncoder(RECORDS, { numRecords: 3 });
    encoder.header();
    expect(codeOf(() => encoder.records({ TIME: [0, 1], QC: [1] }))).toBe('NETCDF_VALUES_INVALID');
    expect(codeOf(() => encoder.records({ NOPE: [1] }))).toBe('NETCDF_VALUES_INVALID');
  });

  it('refuses more records than announced, and fewer at finish', () => {
    const encoder = new NetcdfEncoder(RECORDS, { numRecords: 2 });
    encoder.header();
    expect(codeOf(() => encoder.records({ TIME: [0, 1, 2] }))).toBe('NETCDF_RECORD_COUNT_MISMATCH');
    encoder.records({ TIME: [0] });
    expect(codeOf(() => encoder.finish())).toBe('NETCDF_RECORD_COUNT_MISMATCH');
    encoder.records({ TIME: [1] });
    encoder.finish();
  });

  it('rejects the stream when the source ends early', async () => {
    const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
    await expect(writeNetcdf(sink, RECORDS, { numRecords: 5 }, [{ TIME: [0, 1] }])).rejects.toMatchObject({
      code: 'NETCDF_RECORD_COUNT_MISMATCH',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { NetcdfEncoder, openClassicFile, readTimeSeries, recordChunks } from '../../src/netcdf/index.js';
import { fixture } from './helpers.js';

function threeRecords(): Uint8Array {
  const encoder = new NetcdfEncoder(
    {
      dimensions: [{ name: 'TIME', size: 'unlimited' }],
      variables: [
        { name: 'TIME', type: 'double', dimensions: ['TIME'], attributes: [{ name: 'units', type: 'char', value: 'seconds since 1970-01-01' }] },
        { name: 'TEMP', type: 'float', dimensions: ['TIME'] },
      ],
    },
    { numRecords: 3 },
  );
  return Buffer.concat([encoder.header(), encoder.records({ TIME: [0, 60, 120], TEMP: [20, 21, 22] })]);
}

describe('record counts and chunks', () => {
  it('counts records from the file length when numrecs is STREAMING (0xFFFFFFFF)', () => {
    const bytes = threeRecords();
    bytes.set([0xff, 0xff, 0xff, 0xff], 4);
    expect(openClassicFile(bytes).numRecords).toBe(3);
    expect(Array.from(readTimeSeries(bytes).timesMs)).toEqual([0, 60_000, 120_000]);
  });

  it('walks a series in chunks of views', () => {
    const series = readTimeSeries(fixture('oceansites-multi-depth.nc'));
    const chunks = [...recordChunks(series, 4)];
    expect(chunks.map((c) => [c.start, c.timesMs.length])).toEqual([[0, 4], [4, 2]]);
    expect(chunks[1]!.parameters.TEMP!.levels[1]!.values[0]).toBe(series.parameters.TEMP!.levels[1]!.values[4]);
    expect(chunks[1]!.parameters.TEMP!.levels[2]!.qc!.length).toBe(2);
  });
});

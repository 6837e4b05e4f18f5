import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NetCDFReader } from 'netcdfjs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  NetcdfEncoder,
  openClassicFile,
  readTimeSeries,
  writeNetcdfFile,
  type NcFileSpec,
  type NcRecordChunk,
} from '../../src/netcdf/index.js';
import { ncdump, ncdumpAvailable, removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

/** An OceanSITES-like file: every classic type, attributes of every type, fixed and record variables. */
const SPEC: NcFileSpec = {
  dimensions: [
    { name: 'TIME', size: 'unlimited' },
    { name: 'DEPTH', size: 3 },
    { name: 'STRING8', size: 8 },
  ],
  attributes: [
    { name: 'title', type: 'char', value: 'reeflink writer test' },
    { name: 'format_version', type: 'char', value: '1.4' },
    { name: 'b', type: 'byte', value: [-128, 0, 127] },
    { name: 's', type: 'short', value: -32768 },
    { name: 'i', type: 'int', value: [2147483647, -2147483648] },
    { name: 'f', type: 'float', value: 0.5 },
    { name: 'd', type: 'double', value: [1e-300, 1.5] },
  ],
  variables: [
    { name: 'DEPTH', type: 'float', dimensions: ['DEPTH'], attributes: [{ name: 'units', type: 'char', value: 'm' }], data: [1, 10, 20] },
    { name: 'PLATFORM', type: 'char', dimensions: ['STRING8'], data: 'REEF01' },
    { name: 'LEVEL_ID', type: 'short', dimensions: ['DEPTH'], data: [1, 2, 3] },
    { name: 'UNSET', type: 'int', dimensions: ['DEPTH'] },
    {
      name: 'TIME',
      type: 'double',
      dimensions: ['TIME'],
      attributes: [{ name: 'units', type: 'char', value: 'days since 1950-01-01T00:00:00Z' }],
    },
    {
      name: 'TEMP',
      type: 'float',
      dimensions: ['TIME', 'DEPTH'],
      attributes: [
        { name: 'units', type: 'char', value: 'degree_Celsius' },
        { name: '_FillValue', type: 'float', value: 99999 },
      ],
    },
    { name: 'TEMP_QC', type: 'byte', dimensions: ['TIME', 'DEPTH'], attributes: [{ name: '_FillValue', type: 'byte', value: -128 }] },
    { name: 'COUNT', type: 'int', dimensions: ['TIME'] },
    { name: 'RAW', type: 'short', dimensions: ['TIME'] },
  ],
};

const CHUNKS: NcRecordChunk[] = [
  {
    TIME: [25567, 25567.5],
    TEMP: [25.5, 24.25, NaN, 25.75, 24.5, 23],
    TEMP_QC: [1, 1, 9, 1, 4, 1],
    COUNT: [100, 200],
    RAW: [-1, 2],
  },
  { TIME: [25568], TEMP: Float32Array.of(26, 25, 24) },
];

async function writeSample(dir: string, format: NcFileSpec['format'] = 'classic'): Promise<string> {
  const path = join(dir, `sample-${format}.nc`);
  const result = await writeNetcdfFile(path, { ...SPEC, format }, { numRecords: 3 }, CHUNKS);
  expect(result.records).toBe(3);
  expect(statSync(path).size).toBe(result.bytes);
  expect(new NetcdfEncoder({ ...SPEC, format }, { numRecords: 3 }).byteLength).toBe(result.bytes);
  return path;
}

describe.skipIf(!ncdumpAvailable)('writer output checked by ncdump', () => {
  it('writes a header ncdump prints as declared', async () => {
    const path = await writeSample(tempDir());
    const header = ncdump(path, '-h');
    expect(header).toContain('TIME = UNLIMITED ; // (3 currently)');
    expect(header).toContain('DEPTH = 3 ;');
    expect(header).toContain('float TEMP(TIME, DEPTH) ;');
    expect(header).toContain('TEMP:_FillValue = 99999.f ;');
    expect(header).toContain('byte TEMP_QC(TIME, DEPTH) ;');
    expect(header).toContain('char PLATFORM(STRING8) ;');
    expect(header).toContain(':title = "reeflink writer test" ;');
    expect(header).toContain(':b = -128b, 0b, 127b ;');
    expect(header).toContain(':s = -32768s ;');
    expect(header).toContain(':i = 2147483647, -2147483648 ;');
    expect(header).toContain(':f = 0.5f ;');
    expect(header).toContain(':d = 1.e-300, 1.5 ;');
    expect(ncdump(path, '-k').trim()).toBe('classic');
  });

  it('writes data ncdump prints back, with fill values where nothing was given', async () => {
    const path = await writeSample(tempDir());
    const text = ncdump(path).replace(/\s+/g, ' ');
    expect(text).toContain('DEPTH = 1, 10, 20 ;');
    expect(text).toContain('PLATFORM = "REEF01" ;');
    expect(text).toContain('LEVEL_ID = 1, 2, 3 ;');
    expect(text).toContain('UNSET = _, _, _ ;');
    expect(text).toContain('TIME = 25567, 25567.5, 25568 ;');
    expect(text).toContain('TEMP = 25.5, 24.25, _, 25.75, 24.5, 23, 26, 25, 24 ;');
    expect(text).toContain('TEMP_QC = 1, 1, 9, 1, 4, 1, _, _, _ ;');
    expect(text).toContain('COUNT = 100, 200, _ ;');
    expect(text).toContain('RAW = -1, 2, _ ;');
  });

  it('writes the 64-bit offset format', async () => {
    const path = await writeSample(tempDir(), '64-bit-offset');
    expect(ncdump(path, '-k').trim()).toBe('64-bit offset');
    expect(ncdump(path).replace(/\s+/g, ' ')).toContain('TEMP = 25.5, 24.25, _, 25.75, 24.5, 23, 26, 25, 24 ;');
  });

  it.each(['byte', 'short'] as const)('does not pad a lone %s record variable between records', async (type) => {
    const path = join(tempDir(), `lone-${type}.nc`);
    const values = [1, -2, 3, -4, 5];
    await writeNetcdfFile(path, { dimensions: [{ name: 'T', size: 'unlimited' }], variables: [{ name: 'x', type, dimensions: ['T'] }] }, { numRecords: 5 }, [{ x: values }]);
    const size = type === 'byte' ? 1 : 2;
    const bytes = readFileSync(path);
    const file = openClassicFile(bytes);
    expect(bytes.length).toBe(file.variables[0]!.begin + 5 * size);
    expect(Array.from(file.readNumbers('x'))).toEqual(values);
    expect(ncdump(path).replace(/\s+/g, ' ')).toContain(`x = 1, -2, 3, -4, 5 ;`);
  });

  it('pads data with the fill value and the header with nulls', async () => {
    const path = join(tempDir(), 'padding.nc');
    await writeNetcdfFile(
      path,
      {
        dimensions: [{ name: 'N', size: 3 }],
        variables: [{ name: 'flags', type: 'byte', dimensions: ['N'], attributes: [{ name: '_FillValue', type: 'byte', value: -5 }], data: [1, 2, 3] }],
      },
      {},
    );
    const bytes = readFileSync(path);
    const begin = openClassicFile(bytes).variables[0]!.begin;
    expect(begin % 4).toBe(0);
    expect(Array.from(bytes.subarray(begin, begin + 4))).toEqual([1, 2, 3, 0xfb]);
    expect(bytes.length).toBe(begin + 4);
    expect(ncdump(path).replace(/\s+/g, ' ')).toContain('flags = 1, 2, 3 ;');
  });
});

describe('writer output read back', () => {
  it('reads back with netcdfjs and with our reader', async () => {
    const path = await writeSample(tempDir());
    const bytes = readFileSync(path);
    const reader = new NetCDFReader(bytes);
    expect(reader.recordDimension.length).toBe(3);
    expect(reader.getDataVariable('TIME')).toEqual([25567, 25567.5, 25568]);
    expect(reader.getDataVariable('COUNT')).toEqual([100, 200, -2147483647]);
    expect(reader.getDataVariable('TEMP').flat()).toEqual([25.5, 24.25, 99999, 25.75, 24.5, 23, 26, 25, 24]);
    expect(reader.getAttribute('title')).toBe('reeflink writer test');

    const series = readTimeSeries(bytes);
    expect(series.timesMs.length).toBe(3);
    expect(series.parameters.TEMP!.levels.map((l) => l.depthM)).toEqual([1, 10, 20]);
    expect(Array.from(series.parameters.TEMP!.levels[2]!.values)).toEqual([NaN, 23, 24]);
    expect(Array.from(series.parameters.TEMP!.levels[0]!.qc!)).toEqual([1, 1, 9]);
  });
});

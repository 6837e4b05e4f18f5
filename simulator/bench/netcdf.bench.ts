// NetCDF writer and reader throughput on a 1-million-record TIME/TEMP/PSAL/PRES file
// (the size of ~19 years of 10-minute data from one buoy). Ratios compare with the
// raw limits of this machine measured in the same run: a plain fs write of the same
// bytes in the same chunks for the writer, a plain DataView decode loop for the reader.
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { NetCDFReader } from 'netcdfjs';
import { readTimeSeries, writeNetcdfFile, NetcdfEncoder, type NcFileSpec, type NcRecordChunk } from '../src/netcdf/index.js';

import type { BenchRow } from '../../scripts/bench-row.js';

const RECORDS = 1_000_000;
const CHUNK = 10_000;
const REPEATS = 3;

const SPEC: NcFileSpec = {
  dimensions: [{ name: 'TIME', size: 'unlimited' }],
  attributes: [{ name: 'platform_code', type: 'char', value: 'BENCH' }],
  variables: [
    { name: 'TIME', type: 'double', dimensions: ['TIME'], attributes: [{ name: 'units', type: 'char', value: 'days since 1950-01-01T00:00:00Z' }] },
    { name: 'TEMP', type: 'float', dimensions: ['TIME'], attributes: [{ name: '_FillValue', type: 'float', value: 99999 }] },
    { name: 'PSAL', type: 'float', dimensions: ['TIME'], attributes: [{ name: '_FillValue', type: 'float', value: 99999 }] },
    { name: 'PRES', type: 'float', dimensions: ['TIME'], attributes: [{ name: '_FillValue', type: 'float', value: 99999 }] },
  ],
};

/** Chunks of synthetic 10-minute data. */
function* chunks(): Generator<NcRecordChunk> {
  for (let start = 0; start < RECORDS; start += CHUNK) {
    const n = Math.min(CHUNK, RECORDS - start);
    const time = new Float64Array(n);
    const temp = new Float32Array(n);
    const psal = new Float32Array(n);
    const pres = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const k = start + i;
      time[i] = 25567 + k / 144;
      temp[i] = 25 + Math.sin(k / 144);
      psal[i] = 35 + 0.01 * (k % 7);
      pres[i] = 10 + 0.1 * Math.cos(k / 72);
    }
    yield { TIME: time, TEMP: temp, PSAL: psal, PRES: pres };
  }
}

async function bestOf<T>(fn: () => Promise<T> | T): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best / 1000;
}

export async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'reeflink-netcdf-bench-'));
  try {
    const path = join(dir, 'bench.nc');
    const rawPath = join(dir, 'raw.bin');
    const byteLength = new NetcdfEncoder(SPEC, { numRecords: RECORDS }).byteLength;

    // Data generated once, outside the timing, so the writer is measured and not Math.sin.
    const data = [...chunks()];
    const writeS = await bestOf(() => writeNetcdfFile(path, SPEC, { numRecords: RECORDS }, data));
    // Raw limit: the same number of bytes, in the same chunk sizes, through the same kind of stream.
    const chunkBytes = Buffer.alloc(CHUNK * 20, 1);
    const rawS = await bestOf(() =>
      pipeline(
        Readable.from(
          (function* () {
            for (let written = 0; written < byteLength; written += chunkBytes.length) {
              yield chunkBytes.subarray(0, Math.min(chunkBytes.length, byteLength - written));
            }
          })(),
        ),
        createWriteStream(rawPath),
      ),
    );
    const encodeS = await bestOf(() => {
      const encoder = new NetcdfEncoder(SPEC, { numRecords: RECORDS });
      encoder.header();
      for (const chunk of data) encoder.records(chunk);
      encoder.finish();
    });

    const bytes = readFileSync(path);
    const values = RECORDS * 4;
    const readS = await bestOf(() => readTimeSeries(bytes));
    // Raw limit: decode the same number of big-endian values straight from a DataView.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let sink = 0;
    const decodeS = await bestOf(() => {
      const out = new Float64Array(values);
      for (let i = 0, o = 0; i < values; i++, o += 4) out[i] = view.getFloat32(o % (bytes.length - 4));
      sink += out[values - 1]!;
    });
    const netcdfjsS = await bestOf(() => {
      const reader = new NetCDFReader(bytes);
      for (const name of ['TIME', 'TEMP', 'PSAL', 'PRES']) sink += (reader.getDataVariable(name) as number[]).length;
    });
    if (sink === -1) console.log(sink);

    const writeRate = RECORDS / writeS;
    const rawWriteRate = RECORDS / rawS;
    const readRate = values / readS;
    const decodeRate = values / decodeS;
    return [
      { name: 'netcdf writer to file, 1M records TIME/TEMP/PSAL/PRES', value: writeRate, unit: 'records/s', baseline: rawWriteRate, ratio: writeRate / rawWriteRate },
      { name: 'netcdf writer encode only (no I/O)', value: RECORDS / encodeS, unit: 'records/s' },
      { name: 'netcdf file size, 1M records', value: byteLength / 1e6, unit: 'MB' },
      { name: 'netcdf readTimeSeries, 1M records x 4 variables', value: readRate, unit: 'values/s', baseline: decodeRate, ratio: readRate / decodeRate },
      { name: 'netcdfjs getDataVariable, same file (for comparison)', value: values / netcdfjsS, unit: 'values/s', baseline: readRate, ratio: values / netcdfjsS / readRate },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

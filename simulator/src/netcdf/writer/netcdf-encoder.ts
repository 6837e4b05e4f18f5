import { NetcdfError } from '../errors.js';
import type { NcFileSpec, NcRecordChunk, NcValues } from './file-spec.js';
import { computeLayout, type FileLayout, type VariableLayout } from './file-layout.js';
import { encodeHeader } from './header-encoder.js';
import { charCodes, encodeFill, encodeValues } from './value-encoder.js';

export interface NetcdfEncoderOptions {
  /**
   * How many records will be written, stored as numrecs in the header that
   * goes out first. The encoder refuses more and finish() refuses fewer, so
   * a file never claims records it does not hold. Default 0.
   */
  readonly numRecords?: number;
}

/**
 * Encodes a NetCDF classic (or 64-bit offset) file piece by piece, in file
 * order: `header()` (header plus fixed-size data), then `records(chunk)` as
 * many times as needed, then `finish()`. Memory is one chunk at a time.
 */
export class NetcdfEncoder {
  readonly layout: FileLayout;
  private recordsWritten = 0;
  private headerDone = false;

  constructor(spec: NcFileSpec, options: NetcdfEncoderOptions = {}) {
    this.layout = computeLayout(spec, options.numRecords ?? 0, (draft) => encodeHeader(draft).length);
  }

  /** Total size of the file in bytes, known before writing. */
  get byteLength(): number {
    return this.layout.byteLength;
  }

  get recordCount(): number {
    return this.recordsWritten;
  }

  /** The header followed by every fixed-size variable's data. */
  header(): Uint8Array {
    if (this.headerDone) throw new NetcdfError('NETCDF_VALUES_INVALID', 'header() was already called');
    this.headerDone = true;
    const header = encodeHeader(this.layout);
    const fixed = this.layout.variables.filter((v) => !v.isRecord);
    const out = new Uint8Array(this.layout.recordsBegin);
    out.set(header);
    const view = new DataView(out.buffer);
    for (const v of fixed) writeSlabs(view, v.begin, 0, v, v.spec.data, 1, true);
    return out;
  }

  /** Encodes n records; every given variable must hold n records' worth of values. */
  records(chunk: NcRecordChunk): Uint8Array {
    if (!this.headerDone) throw new NetcdfError('NETCDF_VALUES_INVALID', 'header() must be written before records');
    const { recordVariables, recordSize } = this.layout;
    const n = chunkRecordCount(chunk, recordVariables);
    if (this.recordsWritten + n > this.layout.numRecords) {
      throw new NetcdfError(
        'NETCDF_RECORD_COUNT_MISMATCH',
        `writing ${n} more records would make ${this.recordsWritten + n}, more than the ${this.layout.numRecords} announced in the header`,
      );
    }
    const out = new Uint8Array(n * recordSize);
    const view = new DataView(out.buffer);
    let offsetInRecord = 0;
    for (const v of recordVariables) {
      // "Note on padding": a lone record variable is not padded between records.
      const padded = recordVariables.length > 1;
      writeSlabs(view, offsetInRecord, recordSize, v, chunk[v.spec.name], n, padded);
      offsetInRecord += padded ? v.paddedSlabBytes : v.slabBytes;
    }
    this.recordsWritten += n;
    return out;
  }

  /** Checks that exactly the announced number of records was written. */
  finish(): void {
    if (!this.headerDone) throw new NetcdfError('NETCDF_VALUES_INVALID', 'finish() called before header()');
    if (this.recordsWritten !== this.layout.numRecords) {
      throw new NetcdfError(
        'NETCDF_RECORD_COUNT_MISMATCH',
        `${this.recordsWritten} records were written but the header announces ${this.layout.numRecords}`,
      );
    }
  }
}

function chunkRecordCount(chunk: NcRecordChunk, recordVariables: readonly VariableLayout[]): number {
  let n: number | undefined;
  for (const name of Object.keys(chunk)) {
    const v = recordVariables.find((r) => r.spec.name === name);
    if (v === undefined) throw new NetcdfError('NETCDF_VALUES_INVALID', `record chunk names ${name}, which is not a record variable`);
    const values = chunk[name]!;
    const count = valueCount(values, v);
    if (v.slabLength === 0 || count % v.slabLength !== 0) {
      throw new NetcdfError('NETCDF_VALUES_INVALID', `record chunk: ${name} has ${count} values, not a whole number of records of ${v.slabLength}`);
    }
    const records = count / v.slabLength;
    if (n !== undefined && records !== n) {
      throw new NetcdfError('NETCDF_VALUES_INVALID', `record chunk: ${name} holds ${records} records but other variables hold ${n}`);
    }
    n = records;
  }
  if (n === undefined) throw new NetcdfError('NETCDF_VALUES_INVALID', 'record chunk holds no variable, so its record count is unknown');
  return n;
}

function valueCount(values: NcValues, v: VariableLayout): number {
  if (typeof values === 'string') return Buffer.byteLength(values, 'utf8');
  if (isStringArray(values)) return values.length * v.charRowLength;
  return values.length;
}

function isStringArray(values: NcValues): values is readonly string[] {
  return Array.isArray(values) && typeof values[0] === 'string';
}

/**
 * Writes `rows` slabs of a variable `stride` bytes apart starting at `offset`,
 * each followed by its padding in the variable's fill value ("In data,
 * padding uses variable's fill value").
 */
function writeSlabs(
  view: DataView,
  offset: number,
  stride: number,
  v: VariableLayout,
  values: NcValues | undefined,
  rows: number,
  padded: boolean,
): void {
  const { type, name } = v.spec;
  const what = `variable ${name}`;
  let numbers: ArrayLike<number> | undefined;
  if (values !== undefined) {
    if (type === 'char') {
      if (typeof values !== 'string' && !isStringArray(values) && values.length > 0) {
        throw new NetcdfError('NETCDF_VALUES_INVALID', `${what} is char: give a string or strings`);
      }
      numbers = typeof values === 'string' || isStringArray(values) ? charCodes(values, v.charRowLength, what) : values;
    } else {
      if (typeof values === 'string' || isStringArray(values)) {
        throw new NetcdfError('NETCDF_VALUES_INVALID', `${what} is ${type}: give numbers, not text`);
      }
      numbers = values;
    }
    const total = v.slabLength * rows;
    const tooLong = numbers.length > total;
    const tooShort = numbers.length < total && !(type === 'char' && typeof values === 'string');
    if (tooLong || tooShort) {
      throw new NetcdfError('NETCDF_VALUES_INVALID', `${what}: got ${numbers.length} values, expected ${total}`);
    }
  }
  const size = v.slabBytes / Math.max(v.slabLength, 1);
  const padCount = (v.paddedSlabBytes - v.slabBytes) / size;
  if (numbers !== undefined && v.slabLength === 1 && rows > 1 && numbers.length === rows) {
    // One value per record (the usual (TIME) series): one strided run, then the padding.
    encodeValues(view, offset, type, numbers, 0, rows, v.fillValue, what, stride);
    if (padded && padCount > 0) {
      for (let r = 0; r < rows; r++) encodeFill(view, offset + r * stride + v.slabBytes, type, padCount, v.fillValue);
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const at = offset + r * stride;
    const start = r * v.slabLength;
    if (numbers === undefined) {
      encodeFill(view, at, type, v.slabLength, v.fillValue);
    } else {
      const available = Math.max(0, Math.min(v.slabLength, numbers.length - start));
      const end = encodeValues(view, at, type, numbers, start, available, v.fillValue, what);
      // A short string is NUL-padded to the variable's size.
      if (available < v.slabLength) encodeFill(view, end, type, v.slabLength - available, 0);
    }
    if (padded && padCount > 0) encodeFill(view, at + v.slabBytes, type, padCount, v.fillValue);
  }
}

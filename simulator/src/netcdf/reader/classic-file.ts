import { NetCDFReader } from 'netcdfjs';
import {
  NC_STREAMING_NUMRECS,
  NC_TYPE_SIZE,
  roundUp4,
  type NcFormat,
  type NcNumericType,
  type NcType,
} from '../classic-format.js';
import { NetcdfError } from '../errors.js';
import type { NcAttribute, NcDimensionInfo, NcVariableInfo } from '../model.js';
import { shortestFloat32Decimal } from './float32-decimal.js';
import { requireReadableFormat } from './sniff-format.js';

/**
 * A classic or 64-bit offset NetCDF file held in memory.
 *
 * netcdfjs parses the header. Data is decoded here instead of through
 * netcdfjs' getDataVariable because that path (4.0.0) reads the padding of
 * byte/short/char variables as extra values, reads bytes unsigned, steps
 * records by the padded vsize in the single-record-variable special case,
 * and boxes every value; decoding straight from a DataView avoids all four.
 */
export interface ClassicFile {
  readonly source: string;
  readonly format: NcFormat;
  readonly numRecords: number;
  readonly recordDimension: string | undefined;
  readonly dimensions: readonly NcDimensionInfo[];
  readonly globalAttributes: readonly NcAttribute[];
  readonly variables: readonly NcVariableInfo[];
  variable(name: string): NcVariableInfo | undefined;
  /**
   * All values of a variable in row-major order, as stored (no unpacking).
   * A char variable gives its character codes.
   */
  readNumbers(name: string): Float64Array;
  /** A char variable as text, trailing NULs removed. */
  readText(name: string): string;
}

type NetcdfjsAttribute = { name: string; type: string; value: unknown };

export function openClassicFile(bytes: Uint8Array, source = 'NetCDF input'): ClassicFile {
  const format = requireReadableFormat(bytes, source);
  const parsed = parseHeader(bytes, source);
  const header = parsed.header;
  const recordDimId = header.recordDimension.id;
  const dimsById = header.dimensions ?? [];
  const declaredRecords = header.recordDimension.length;

  const variableDrafts = (header.variables ?? []).map((v) => {
    const type = checkType(v.type, `variable ${v.name}`, source);
    const dimensions = v.dimensions.map((id) => {
      const dim = dimsById[id];
      if (dim === undefined) {
        throw new NetcdfError('NETCDF_MALFORMED', `${source}: variable ${v.name} refers to dimension id ${id}, which does not exist`);
      }
      return decodeText(dim.name);
    });
    const recordPosition = recordDimId === undefined ? -1 : v.dimensions.indexOf(recordDimId);
    if (recordPosition > 0) {
      throw new NetcdfError('NETCDF_MALFORMED', `${source}: variable ${v.name} uses the record dimension in position ${recordPosition}; only the first dimension may be the record dimension`);
    }
    const isRecord = recordPosition === 0;
    const slabLength = v.dimensions.reduce((n, id, i) => (isRecord && i === 0 ? n : n * (dimsById[id]?.size ?? 0)), 1);
    return {
      name: decodeText(v.name),
      type,
      dimensionIds: v.dimensions,
      dimensions,
      isRecord,
      attributes: (v.attributes as NetcdfjsAttribute[]).map((a) => toAttribute(a, source)),
      begin: v.offset,
      slabBytes: slabLength * NC_TYPE_SIZE[type],
    };
  });

  const recordVariables = variableDrafts.filter((v) => v.isRecord);
  // "Note on padding": one record variable of a 1- or 2-byte type is not padded
  // between records, whatever its vsize says; otherwise each slab is padded to 4.
  const recordSize =
    recordVariables.length === 1
      ? recordVariables[0]!.slabBytes
      : recordVariables.reduce((n, v) => n + roundUp4(v.slabBytes), 0);
  const recordsBegin = recordVariables.length > 0 ? Math.min(...recordVariables.map((v) => v.begin)) : bytes.length;
  const numRecords =
    declaredRecords === NC_STREAMING_NUMRECS
      ? recordSize === 0
        ? 0
        : Math.floor((bytes.length - recordsBegin) / recordSize)
      : declaredRecords;

  const dimensions: NcDimensionInfo[] = dimsById.map((d, id) => ({
    name: decodeText(d.name),
    size: id === recordDimId ? numRecords : d.size,
    unlimited: id === recordDimId,
  }));
  const variables: (NcVariableInfo & { slabBytes: number })[] = variableDrafts.map((v) => ({
    name: v.name,
    type: v.type,
    dimensions: v.dimensions,
    shape: v.dimensionIds.map((id) => dimensions[id]!.size),
    isRecord: v.isRecord,
    attributes: v.attributes,
    begin: v.begin,
    slabBytes: v.slabBytes,
  }));

  checkDataFits(variables, numRecords, recordSize, bytes.length, source);

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const byName = new Map(variables.map((v) => [v.name, v]));
  const mustGet = (name: string) => {
    const v = byName.get(name);
    if (v === undefined) throw new NetcdfError('NETCDF_LAYOUT_UNSUPPORTED', `${source}: no variable named ${name}`);
    return v;
  };

  return {
    source,
    format,
    numRecords,
    recordDimension: recordDimId === undefined ? undefined : dimensions[recordDimId]?.name,
    dimensions,
    globalAttributes: (header.globalAttributes as NetcdfjsAttribute[]).map((a) => toAttribute(a, source)),
    variables,
    variable: (name) => byName.get(name),
    readNumbers(name) {
      const v = mustGet(name);
      const rows = v.isRecord ? numRecords : 1;
      const stride = v.isRecord ? recordSize : 0;
      return decodeNumbers(view, v.type, v.begin, v.slabBytes / NC_TYPE_SIZE[v.type], rows, stride);
    },
    readText(name) {
      const v = mustGet(name);
      if (v.type !== 'char') {
        throw new NetcdfError('NETCDF_LAYOUT_UNSUPPORTED', `${source}: variable ${name} is ${v.type}, not char`);
      }
      const rows = v.isRecord ? numRecords : 1;
      const raw = new Uint8Array(rows * v.slabBytes);
      for (let r = 0; r < rows; r++) {
        const start = v.begin + r * recordSize;
        raw.set(bytes.subarray(start, start + v.slabBytes), r * v.slabBytes);
      }
      return decodeBytes(raw).replace(/\0+$/, '');
    },
  };
}

function parseHeader(bytes: Uint8Array, source: string): NetCDFReader {
  try {
    return new NetCDFReader(bytes);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new NetcdfError('NETCDF_TRUNCATED', `${source}: the file ends inside its header (${bytes.length} bytes): truncated or not a NetCDF file`, { cause: error });
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new NetcdfError('NETCDF_MALFORMED', `${source}: broken NetCDF header: ${reason}`, { cause: error });
  }
}

/**
 * netcdfjs turns each byte of a name or text attribute into one UTF-16 unit
 * (sign-extended); put the bytes back together and decode them as UTF-8,
 * falling back to Latin-1 for older files that stored other encodings.
 */
function decodeText(text: string): string {
  return decodeBytes(Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff));
}

function decodeBytes(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    return Buffer.from(bytes).toString('latin1');
  }
}
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function checkType(type: string, what: string, source: string): NcType {
  if (type === 'byte' || type === 'char' || type === 'short' || type === 'int' || type === 'float' || type === 'double') {
    return type;
  }
  throw new NetcdfError('NETCDF_MALFORMED', `${source}: ${what} has an unknown type code (${type})`);
}

function toAttribute(a: NetcdfjsAttribute, source: string): NcAttribute {
  const type = checkType(a.type, `attribute ${a.name}`, source);
  const name = decodeText(a.name);
  if (type === 'char') return { name, type, value: decodeText(String(a.value ?? '')).replace(/\0+$/, '') };
  const raw = Array.isArray(a.value) ? (a.value as number[]) : [a.value as number];
  // netcdfjs returns bytes unsigned; classic bytes are signed ("Note on byte data").
  const value =
    type === 'byte' ? raw.map((b) => (b > 127 ? b - 256 : b)) : type === 'float' ? raw.map(shortestFloat32Decimal) : raw;
  return { name, type: type as NcNumericType, value };
}

function checkDataFits(
  variables: readonly (NcVariableInfo & { slabBytes: number })[],
  numRecords: number,
  recordSize: number,
  fileLength: number,
  source: string,
): void {
  for (const v of variables) {
    if (v.slabBytes === 0 || (v.isRecord && numRecords === 0)) continue;
    const end = v.isRecord ? v.begin + (numRecords - 1) * recordSize + v.slabBytes : v.begin + v.slabBytes;
    if (end > fileLength) {
      throw new NetcdfError(
        'NETCDF_TRUNCATED',
        `${source}: variable ${v.name} needs data up to byte ${end} but the file is only ${fileLength} bytes long (truncated download or copy?)`,
      );
    }
  }
}

/** Decodes `rows` slabs of `slabLength` big-endian values, `stride` bytes apart. */
function decodeNumbers(
  view: DataView,
  type: NcType,
  begin: number,
  slabLength: number,
  rows: number,
  stride: number,
): Float64Array {
  const out = new Float64Array(slabLength * rows);
  const size = NC_TYPE_SIZE[type];
  // One loop per type, so the hot loop has no switch in it; a slab of one
  // value (the usual (TIME) series) is read as one strided run.
  if (slabLength === 1 && rows > 1) {
    READERS[type](view, begin, stride, rows, out, 0);
    return out;
  }
  const read = READERS[type];
  for (let r = 0, k = 0; r < rows; r++) {
    k = read(view, begin + r * stride, size, slabLength, out, k);
  }
  return out;
}

/** Reads n values `step` bytes apart into out[k…]; returns the next k. */
type SlabReader = (view: DataView, offset: number, step: number, n: number, out: Float64Array, k: number) => number;

const READERS: Readonly<Record<NcType, SlabReader>> = {
  char: (view, offset, step, n, out, k) => {
    for (let i = 0; i < n; i++, offset += step) out[k++] = view.getUint8(offset);
    return k;
  },
  byte: (view, offset, step, n, out, k) => {
    for (let i = 0; i < n; i++, offset += step) out[k++] = view.getInt8(offset);
    return k;
  },
  short: (view, offset, step, n, out, k) => {
    for (let i = 0; i < n; i++, offset += step) out[k++] = view.getInt16(offset);
    return k;
  },
  int: (view, offset, step, n, out, k) => {
    for (let i = 0; i < n; i++, offset += step) out[k++] = view.getInt32(offset);
    return k;
  },
  float: (view, offset, step, n, out, k) => {
    for (let i = 0; i < n; i++, offset += step) out[k++] = view.getFloat32(offset);
    return k;
  },
  double: (view, offset, step, n, out, k) => {
    for (let i = 0; i < n; i++, offset += step) out[k++] = view.getFloat64(offset);
    return k;
  },
};

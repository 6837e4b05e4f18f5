import { NC_INTEGER_RANGE, NC_TYPE_SIZE, type NcType } from '../classic-format.js';
import { NetcdfError } from '../errors.js';

/**
 * Writes `count` numbers from `values[start…]` big-endian at `offset`, each
 * `step` bytes after the previous (the type size when packed, the record
 * size when writing one value per record).
 * NaN becomes `fill`; integers out of range or not whole are refused rather
 * than silently wrapped. Returns the offset after the last value.
 */
export function encodeValues(
  view: DataView,
  offset: number,
  type: NcType,
  values: ArrayLike<number>,
  start: number,
  count: number,
  fill: number,
  what: string,
  step: number = NC_TYPE_SIZE[type],
): number {
  const end = start + count;
  switch (type) {
    case 'double':
      for (let i = start; i < end; i++, offset += step) {
        const x = values[i]!;
        view.setFloat64(offset, x === x ? x : fill);
      }
      return offset;
    case 'float':
      for (let i = start; i < end; i++, offset += step) {
        const x = values[i]!;
        view.setFloat32(offset, x === x ? x : fill);
      }
      return offset;
    case 'int':
      for (let i = start; i < end; i++, offset += step) view.setInt32(offset, checkedInteger(values[i]!, fill, 'int', what));
      return offset;
    case 'short':
      for (let i = start; i < end; i++, offset += step) view.setInt16(offset, checkedInteger(values[i]!, fill, 'short', what));
      return offset;
    case 'byte':
      for (let i = start; i < end; i++, offset += step) view.setInt8(offset, checkedInteger(values[i]!, fill, 'byte', what));
      return offset;
    case 'char':
      for (let i = start; i < end; i++, offset += step) view.setUint8(offset, checkedInteger(values[i]!, fill, 'char', what));
      return offset;
  }
}

function checkedInteger(x: number, fill: number, type: 'byte' | 'short' | 'int' | 'char', what: string): number {
  if (x !== x) return fill;
  const [min, max] = type === 'char' ? [0, 255] : NC_INTEGER_RANGE[type];
  if (!Number.isInteger(x) || x < min || x > max) {
    throw new NetcdfError('NETCDF_VALUES_INVALID', `${what}: ${x} does not fit type ${type} (integers ${min}..${max})`);
  }
  return x;
}

/** Writes `count` copies of the fill value (also used for data padding). */
export function encodeFill(view: DataView, offset: number, type: NcType, count: number, fill: number): number {
  const size = NC_TYPE_SIZE[type];
  for (let i = 0; i < count; i++, offset += size) {
    switch (type) {
      case 'double':
        view.setFloat64(offset, fill);
        break;
      case 'float':
        view.setFloat32(offset, fill);
        break;
      case 'int':
        view.setInt32(offset, fill);
        break;
      case 'short':
        view.setInt16(offset, fill);
        break;
      case 'byte':
        view.setInt8(offset, fill);
        break;
      case 'char':
        view.setUint8(offset, fill);
        break;
    }
  }
  return offset;
}

/**
 * Char values as byte codes: a string (whole data, UTF-8) or one string per
 * row of `rowLength` bytes; short rows are NUL-padded, long ones refused.
 */
export function charCodes(values: string | readonly string[], rowLength: number, what: string): Uint8Array {
  if (typeof values === 'string') return Buffer.from(values, 'utf8');
  const out = new Uint8Array(values.length * rowLength);
  values.forEach((row, i) => {
    const bytes = Buffer.from(row, 'utf8');
    if (bytes.length > rowLength) {
      throw new NetcdfError('NETCDF_VALUES_INVALID', `${what}: string ${JSON.stringify(row)} is ${bytes.length} bytes, longer than its dimension (${rowLength})`);
    }
    out.set(bytes, i * rowLength);
  });
  return out;
}

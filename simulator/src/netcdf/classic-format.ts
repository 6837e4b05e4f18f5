/**
 * Constants of the NetCDF classic (CDF-1) and 64-bit offset (CDF-2) formats,
 * shared by the reader and the writer. Source: "The NetCDF Classic Format
 * Specification", Unidata netCDF-C docs, Appendix B "File Format
 * Specifications" (https://docs.unidata.ucar.edu/netcdf-c/current/file_format_specifications.html).
 */

export type NcType = 'byte' | 'char' | 'short' | 'int' | 'float' | 'double';
export type NcNumericType = Exclude<NcType, 'char'>;
export type NcFormat = 'classic' | '64-bit-offset';

export const NC_TYPE_CODE: Readonly<Record<NcType, number>> = {
  byte: 1,
  char: 2,
  short: 3,
  int: 4,
  float: 5,
  double: 6,
};

export const NC_TYPE_BY_CODE: Readonly<Record<number, NcType>> = {
  1: 'byte',
  2: 'char',
  3: 'short',
  4: 'int',
  5: 'float',
  6: 'double',
};

export const NC_TYPE_SIZE: Readonly<Record<NcType, number>> = {
  byte: 1,
  char: 1,
  short: 2,
  int: 4,
  float: 4,
  double: 8,
};

/** Default fill values (FILL_BYTE … FILL_DOUBLE in the spec). */
export const NC_DEFAULT_FILL: Readonly<Record<NcType, number>> = {
  byte: -127,
  char: 0,
  short: -32767,
  int: -2147483647,
  float: 9.969209968386869e36,
  double: 9.969209968386869e36,
};

/** Inclusive value ranges of the integer types (byte is signed in classic NetCDF). */
export const NC_INTEGER_RANGE: Readonly<Record<'byte' | 'short' | 'int', readonly [number, number]>> = {
  byte: [-128, 127],
  short: [-32768, 32767],
  int: [-2147483648, 2147483647],
};

export const NC_DIMENSION_TAG = 0x0a;
export const NC_VARIABLE_TAG = 0x0b;
export const NC_ATTRIBUTE_TAG = 0x0c;

/** numrecs value reserved for "indeterminate number of records" (streaming). */
export const NC_STREAMING_NUMRECS = 0xffffffff;

/** vsize written for a variable too large for the 32-bit field ("Note on vsize"). */
export const NC_VSIZE_OVERFLOW = 0xffffffff;

/** Largest NON_NEG (a signed 32-bit non-negative INT). */
export const NC_MAX_NON_NEG = 0x7fffffff;

export const FORMAT_VERSION_BYTE: Readonly<Record<NcFormat, number>> = {
  classic: 1,
  '64-bit-offset': 2,
};

/** Rounds up to the next 4-byte boundary, the alignment unit of the format. */
export function roundUp4(n: number): number {
  return Math.ceil(n / 4) * 4;
}

import {
  NC_DEFAULT_FILL,
  NC_INTEGER_RANGE,
  NC_MAX_NON_NEG,
  NC_TYPE_SIZE,
  NC_VSIZE_OVERFLOW,
  roundUp4,
  type NcFormat,
  type NcType,
} from '../classic-format.js';
import { NetcdfError } from '../errors.js';
import type { NcAttributeSpec, NcFileSpec, NcVariableSpec } from './file-spec.js';

/**
 * Where everything goes in the file, computed from the spec before a byte is
 * written, so the header can be written first and the size is known up front
 * (useful as an HTTP Content-Length). Rules from "The NetCDF Classic Format
 * Specification": fixed-size data follows the header in header order, each
 * variable padded to 4 bytes; then the records, each record holding one slab
 * of every record variable in header order, each slab padded to 4 bytes,
 * except when there is exactly one record variable ("Note on padding").
 */
export interface VariableLayout {
  readonly spec: NcVariableSpec;
  readonly index: number;
  readonly dimensionIds: readonly number[];
  readonly isRecord: boolean;
  /** Values per slab: the whole variable, or one record of a record variable. */
  readonly slabLength: number;
  readonly slabBytes: number;
  /** Bytes the slab occupies including padding (the single-record-variable case has none). */
  readonly paddedSlabBytes: number;
  /** The header's vsize field: slab bytes rounded up to 4 ("Note on vsize"). */
  readonly vsize: number;
  /** Length of one char row (last dimension), for string-array values. */
  readonly charRowLength: number;
  readonly fillValue: number;
  begin: number;
}

export interface FileLayout {
  readonly format: NcFormat;
  readonly spec: NcFileSpec;
  readonly recordDimId: number | undefined;
  readonly variables: readonly VariableLayout[];
  readonly recordVariables: readonly VariableLayout[];
  /** Bytes per record (sum of padded record slabs). */
  readonly recordSize: number;
  readonly headerSize: number;
  /** Offset of the first record. */
  readonly recordsBegin: number;
  readonly numRecords: number;
  /** Total file size in bytes. */
  readonly byteLength: number;
}

// "Note on names": first char alphanumeric, multibyte UTF-8 or '_'; no '/',
// no control characters, no trailing space.
const NAME_PATTERN = /^[\p{L}\p{N}_][^\x00-\x1F\x7F/]*$/u;

export function checkName(name: string, what: string): void {
  if (!NAME_PATTERN.test(name) || / $/.test(name)) {
    throw new NetcdfError('NETCDF_SCHEMA_INVALID', `${what} name ${JSON.stringify(name)} is not a valid NetCDF name (first character a letter, digit or "_", no "/", no control characters, no trailing space)`);
  }
}

export function computeLayout(spec: NcFileSpec, numRecords: number, headerSize: (layout: FileLayout) => number): FileLayout {
  const format = spec.format ?? 'classic';
  const dimIds = new Map<string, number>();
  spec.dimensions.forEach((d, id) => {
    checkName(d.name, 'dimension');
    if (dimIds.has(d.name)) schemaError(`dimension ${d.name} is defined twice`);
    if (d.size !== 'unlimited' && !(Number.isInteger(d.size) && d.size > 0 && d.size <= NC_MAX_NON_NEG)) {
      schemaError(`dimension ${d.name} has size ${d.size}; use a positive integer or 'unlimited'`);
    }
    dimIds.set(d.name, id);
  });
  const unlimited = spec.dimensions.flatMap((d, id) => (d.size === 'unlimited' ? [id] : []));
  if (unlimited.length > 1) schemaError(`only one dimension may be unlimited (got ${unlimited.map((id) => spec.dimensions[id]!.name).join(', ')})`);
  const recordDimId = unlimited[0];
  if (!(Number.isInteger(numRecords) && numRecords >= 0 && numRecords <= NC_MAX_NON_NEG)) {
    schemaError(`record count ${numRecords} must be an integer from 0 to ${NC_MAX_NON_NEG}`);
  }
  if (recordDimId === undefined && numRecords !== 0) schemaError(`record count ${numRecords} given but no dimension is unlimited`);
  checkAttributes(spec.attributes ?? [], 'global');

  const varNames = new Set<string>();
  const variables: VariableLayout[] = spec.variables.map((v, index) => {
    checkName(v.name, 'variable');
    if (varNames.has(v.name)) schemaError(`variable ${v.name} is defined twice`);
    varNames.add(v.name);
    const dimensionIds = v.dimensions.map((name) => dimIds.get(name) ?? schemaError(`variable ${v.name} uses undefined dimension ${name}`));
    const recordAt = recordDimId === undefined ? -1 : dimensionIds.indexOf(recordDimId);
    if (recordAt > 0) schemaError(`variable ${v.name}: the unlimited dimension must come first`);
    const isRecord = recordAt === 0;
    if (isRecord && v.data !== undefined) schemaError(`variable ${v.name} is a record variable: give its values as record chunks, not as data`);
    checkAttributes(v.attributes ?? [], `variable ${v.name}`);
    const size = NC_TYPE_SIZE[v.type];
    const slabLength = dimensionIds.reduce((n, id, i) => (isRecord && i === 0 ? n : n * (spec.dimensions[id]!.size as number)), 1);
    const slabBytes = slabLength * size;
    const lastDim = dimensionIds.length > (isRecord ? 1 : 0) ? spec.dimensions[dimensionIds[dimensionIds.length - 1]!]!.size : 1;
    return {
      spec: v,
      index,
      dimensionIds,
      isRecord,
      slabLength,
      slabBytes,
      paddedSlabBytes: roundUp4(slabBytes),
      vsize: roundUp4(slabBytes) > 0xfffffffc ? NC_VSIZE_OVERFLOW : roundUp4(slabBytes),
      charRowLength: typeof lastDim === 'number' ? lastDim : 1,
      fillValue: fillValueOf(v),
      begin: 0,
    };
  });

  const recordVariables = variables.filter((v) => v.isRecord);
  const single = recordVariables.length === 1 ? recordVariables[0]! : undefined;
  const recordSize = single !== undefined ? single.slabBytes : recordVariables.reduce((n, v) => n + v.paddedSlabBytes, 0);
  const draft = { format, spec, recordDimId, variables, recordVariables, recordSize, headerSize: 0, recordsBegin: 0, numRecords, byteLength: 0 };
  const header = headerSize(draft);
  let offset = header;
  for (const v of variables.filter((x) => !x.isRecord)) {
    v.begin = offset;
    offset += v.paddedSlabBytes;
  }
  const recordsBegin = offset;
  for (const v of recordVariables) {
    v.begin = offset;
    offset += v.paddedSlabBytes;
  }
  const maxOffset = format === 'classic' ? NC_MAX_NON_NEG : Number.MAX_SAFE_INTEGER;
  const lastBegin = Math.max(recordsBegin, ...variables.map((v) => v.begin));
  if (lastBegin > maxOffset) {
    schemaError(`data would start at byte ${lastBegin}, past the ${format} format's offset limit; use format '64-bit-offset'`);
  }
  const byteLength = recordsBegin + numRecords * recordSize;
  return { ...draft, headerSize: header, recordsBegin, byteLength };
}

function fillValueOf(v: NcVariableSpec): number {
  const fill = v.attributes?.find((a) => a.name === '_FillValue');
  if (fill === undefined) return NC_DEFAULT_FILL[v.type];
  const values = typeof fill.value === 'string' ? [...fill.value].map((c) => c.charCodeAt(0)) : typeof fill.value === 'number' ? [fill.value] : Array.from(fill.value);
  if (fill.type !== v.type || values.length !== 1) {
    schemaError(`variable ${v.name}: _FillValue must be one value of the variable's type (${v.type}), got ${fill.type} × ${values.length}`);
  }
  return values[0]!;
}

function checkAttributes(attributes: readonly NcAttributeSpec[], owner: string): void {
  const names = new Set<string>();
  for (const a of attributes) {
    checkName(a.name, `${owner} attribute`);
    if (names.has(a.name)) schemaError(`${owner} attribute ${a.name} is defined twice`);
    names.add(a.name);
    if (a.type === 'char') {
      if (typeof a.value !== 'string') schemaError(`${owner} attribute ${a.name} is char but its value is not a string`);
      continue;
    }
    if (typeof a.value === 'string') schemaError(`${owner} attribute ${a.name} is ${a.type} but its value is a string`);
    const values = typeof a.value === 'number' ? [a.value] : Array.from(a.value);
    if (values.length === 0) schemaError(`${owner} attribute ${a.name} has no value`);
    for (const x of values) checkNumber(x, a.type, `${owner} attribute ${a.name}`);
  }
}

/** Throws when x does not fit the type (integers: range and integrality). */
export function checkNumber(x: number, type: NcType, what: string): void {
  if (type === 'float' || type === 'double' || type === 'char') return;
  const [min, max] = NC_INTEGER_RANGE[type];
  if (!Number.isInteger(x) || x < min || x > max) {
    throw new NetcdfError('NETCDF_VALUES_INVALID', `${what}: ${x} does not fit type ${type} (integers ${min}..${max})`);
  }
}

function schemaError(message: string): never {
  throw new NetcdfError('NETCDF_SCHEMA_INVALID', message);
}

import {
  FORMAT_VERSION_BYTE,
  NC_ATTRIBUTE_TAG,
  NC_DIMENSION_TAG,
  NC_TYPE_CODE,
  NC_TYPE_SIZE,
  NC_VARIABLE_TAG,
} from '../classic-format.js';
import type { NcAttributeSpec } from './file-spec.js';
import type { FileLayout } from './file-layout.js';
import { ByteSink } from './byte-sink.js';
import { encodeValues } from './value-encoder.js';

/**
 * Encodes the header, following the grammar of "The NetCDF Classic Format
 * Specification":
 *   header = magic numrecs dim_list gatt_list var_list
 *   var    = name nelems [dimid ...] vatt_list nc_type vsize begin
 * with ABSENT (two zero words) for empty lists and names/values padded with
 * null bytes to 4. `begin` is 32-bit in CDF-1 and 64-bit in CDF-2.
 */
export function encodeHeader(layout: FileLayout): Uint8Array {
  const out = new ByteSink();
  out.raw(new Uint8Array([0x43, 0x44, 0x46, FORMAT_VERSION_BYTE[layout.format]]));
  out.uint32(layout.numRecords);

  const dims = layout.spec.dimensions;
  list(out, NC_DIMENSION_TAG, dims.length);
  for (const d of dims) {
    name(out, d.name);
    out.uint32(d.size === 'unlimited' ? 0 : d.size);
  }

  attributes(out, layout.spec.attributes ?? []);

  list(out, NC_VARIABLE_TAG, layout.variables.length);
  for (const v of layout.variables) {
    name(out, v.spec.name);
    out.uint32(v.dimensionIds.length);
    for (const id of v.dimensionIds) out.uint32(id);
    attributes(out, v.spec.attributes ?? []);
    out.uint32(NC_TYPE_CODE[v.spec.type]);
    out.uint32(v.vsize);
    if (layout.format === 'classic') out.uint32(v.begin);
    else out.uint64(v.begin);
  }
  return out.toBytes();
}

function list(out: ByteSink, tag: number, length: number): void {
  // ABSENT = ZERO ZERO
  out.uint32(length === 0 ? 0 : tag);
  out.uint32(length);
}

function name(out: ByteSink, text: string): void {
  const bytes = Buffer.from(text.normalize('NFC'), 'utf8');
  out.uint32(bytes.length);
  out.raw(bytes);
  out.pad4();
}

function attributes(out: ByteSink, list_: readonly NcAttributeSpec[]): void {
  list(out, NC_ATTRIBUTE_TAG, list_.length);
  for (const a of list_) {
    name(out, a.name);
    out.uint32(NC_TYPE_CODE[a.type]);
    if (a.type === 'char') {
      const bytes = Buffer.from(a.value, 'utf8');
      out.uint32(bytes.length);
      out.raw(bytes);
    } else {
      const values = typeof a.value === 'number' ? [a.value] : a.value;
      out.uint32(values.length);
      const bytes = new Uint8Array(values.length * NC_TYPE_SIZE[a.type]);
      encodeValues(new DataView(bytes.buffer), 0, a.type, values, 0, values.length, 0, `attribute ${a.name}`);
      out.raw(bytes);
    }
    out.pad4();
  }
}

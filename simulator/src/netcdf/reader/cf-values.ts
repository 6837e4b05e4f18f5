import { NC_DEFAULT_FILL, type NcType } from '../classic-format.js';
import { numberAttribute, numbersAttribute, type NcAttribute } from '../model.js';

/**
 * Turns stored values into physical values (CF conventions §2.5.1 and §8.1):
 * `_FillValue` and `missing_value` become NaN (compared on the stored, packed
 * value), then `value * scale_factor + add_offset` is applied. Without a
 * `_FillValue` attribute the type's default fill value counts as missing,
 * as the netCDF library does. Works in place and returns its input.
 */
export function unpackInPlace(stored: Float64Array, type: NcType, attributes: readonly NcAttribute[]): Float64Array {
  const missing = missingValues(type, attributes);
  const scale = numberAttribute(attributes, 'scale_factor') ?? 1;
  const offset = numberAttribute(attributes, 'add_offset') ?? 0;
  const packed = scale !== 1 || offset !== 0;
  // Two fast slots cover _FillValue and one missing_value; more fall back to a scan.
  const m0 = missing[0]!;
  const m1 = missing[1] ?? m0;
  const extra = missing.slice(2);
  for (let i = 0; i < stored.length; i++) {
    const v = stored[i]!;
    if (v !== v || v === m0 || v === m1 || (extra.length > 0 && extra.includes(v))) {
      stored[i] = NaN;
    } else if (packed) {
      stored[i] = v * scale + offset;
    }
  }
  return stored;
}

/**
 * Stored values meaning "missing". Float data was widened from float32, so
 * the attribute values are compared at float32 precision too.
 */
function missingValues(type: NcType, attributes: readonly NcAttribute[]): number[] {
  const fill = numberAttribute(attributes, '_FillValue') ?? NC_DEFAULT_FILL[type];
  const all = [fill, ...(numbersAttribute(attributes, 'missing_value') ?? [])];
  return type === 'float' ? all.map((m) => Math.fround(m)) : all;
}

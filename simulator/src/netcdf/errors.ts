/**
 * Typed errors of the NetCDF reader and writer. Each carries a stable code
 * so callers (HTTP downloads, the fleet loader) can map it without parsing
 * the message, and a message that names the file, variable or value at fault.
 */
export type NetcdfErrorCode =
  /** Not a NetCDF file at all (no CDF / HDF5 signature). */
  | 'NETCDF_NOT_NETCDF'
  /** NetCDF-4 (HDF5 container): convert with `nccopy -k classic`. */
  | 'NETCDF_NETCDF4_UNSUPPORTED'
  /** CDF-5 (64-bit data) format: convert with `nccopy -k 64-bit-offset`. */
  | 'NETCDF_CDF5_UNSUPPORTED'
  /** The file ends before the header or a variable's data does. */
  | 'NETCDF_TRUNCATED'
  /** The header is not well formed (bad tag, bad type, bad dimension id). */
  | 'NETCDF_MALFORMED'
  /** No usable time coordinate, or a requested variable is missing. */
  | 'NETCDF_LAYOUT_UNSUPPORTED'
  /** TIME units are not "<unit> since <date>" in a supported calendar. */
  | 'NETCDF_TIME_UNITS'
  /** The writer was given a schema that the classic format cannot hold. */
  | 'NETCDF_SCHEMA_INVALID'
  /** The writer was given values that do not fit the schema. */
  | 'NETCDF_VALUES_INVALID'
  /** The number of records written differs from the count promised up front. */
  | 'NETCDF_RECORD_COUNT_MISMATCH';

export class NetcdfError extends Error {
  override readonly name = 'NetcdfError';
  constructor(
    readonly code: NetcdfErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isNetcdfError(value: unknown): value is NetcdfError {
  return value instanceof NetcdfError;
}

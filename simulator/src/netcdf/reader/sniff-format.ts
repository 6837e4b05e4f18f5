import { NetcdfError } from '../errors.js';
import type { NcFormat } from '../classic-format.js';

/** What the first bytes of a file say it is. */
export type SniffedFormat = NcFormat | 'cdf5' | 'netcdf4-hdf5' | 'unknown';

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
// HDF5 allows a user block before the superblock, so its signature may sit at
// 0, 512, 1024, 2048, … (powers of two from 512).
const HDF5_SIGNATURE_OFFSETS = [0, 512, 1024, 2048, 4096, 8192];

export function sniffFormat(bytes: Uint8Array): SniffedFormat {
  if (bytes.length >= 4 && bytes[0] === 0x43 && bytes[1] === 0x44 && bytes[2] === 0x46) {
    switch (bytes[3]) {
      case 1:
        return 'classic';
      case 2:
        return '64-bit-offset';
      case 5:
        return 'cdf5';
      default:
        return 'unknown';
    }
  }
  for (const offset of HDF5_SIGNATURE_OFFSETS) {
    if (HDF5_SIGNATURE.every((b, i) => bytes[offset + i] === b)) return 'netcdf4-hdf5';
  }
  return 'unknown';
}

/**
 * Returns the classic-family format of the bytes, or throws a typed error
 * that says what the file is and how to turn it into something we read.
 */
export function requireReadableFormat(bytes: Uint8Array, source: string): NcFormat {
  const format = sniffFormat(bytes);
  switch (format) {
    case 'classic':
    case '64-bit-offset':
      return format;
    case 'netcdf4-hdf5':
      return fail(
        'NETCDF_NETCDF4_UNSUPPORTED',
        `${source} is a NetCDF-4 (HDF5) file; only the classic and 64-bit offset formats are read. ` +
          `Convert it first: nccopy -k classic in.nc out.nc (Debian package netcdf-bin)`,
      );
    case 'cdf5':
      return fail(
        'NETCDF_CDF5_UNSUPPORTED',
        `${source} is a CDF-5 (64-bit data) file; only the classic and 64-bit offset formats are read. ` +
          `Convert it first: nccopy -k 64-bit-offset in.nc out.nc (Debian package netcdf-bin)`,
      );
    case 'unknown':
      if (bytes.length < 4) {
        return fail('NETCDF_TRUNCATED', `${source} is ${bytes.length} bytes long: too short to be a NetCDF file`);
      }
      return fail('NETCDF_NOT_NETCDF', `${source} is not a NetCDF file (it does not start with "CDF\\x01", "CDF\\x02" or an HDF5 signature)`);
  }
}

function fail(code: ConstructorParameters<typeof NetcdfError>[0], message: string): never {
  throw new NetcdfError(code, message);
}

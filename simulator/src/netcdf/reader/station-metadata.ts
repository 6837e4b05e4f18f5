import { numberAttribute, textAttribute, type NcAttribute, type NcVariableInfo } from '../model.js';
import type { AttributeValue, StationMetadata } from '../time-series.js';
import type { ClassicFile } from './classic-file.js';
import { unpackInPlace } from './cf-values.js';
import { shortestFloat32Decimal } from './float32-decimal.js';

/**
 * Station metadata from the variables and global attributes that OceanSITES
 * and IMOS both use: LATITUDE/LONGITUDE (scalar, 1-element or per-record:
 * the first valid value), NOMINAL_DEPTH or instrument_nominal_depth, and
 * platform_code / site_code.
 */
export function readStationMetadata(file: ClassicFile, levelDepthsM: readonly (number | undefined)[]): StationMetadata {
  const g = file.globalAttributes;
  return {
    platformCode: textAttribute(g, 'platform_code') ?? textAttribute(g, 'wmo_platform_code'),
    siteCode: textAttribute(g, 'site_code'),
    latitude: firstValid(file, findCoordinate(file, 'latitude', ['LATITUDE', 'LAT', 'latitude', 'lat'])) ?? numberAttribute(g, 'geospatial_lat_min') ?? NaN,
    longitude: firstValid(file, findCoordinate(file, 'longitude', ['LONGITUDE', 'LON', 'longitude', 'lon'])) ?? numberAttribute(g, 'geospatial_lon_min') ?? NaN,
    nominalDepthM:
      firstValid(file, file.variable('NOMINAL_DEPTH')) ??
      numberAttribute(g, 'instrument_nominal_depth') ??
      (levelDepthsM.length === 1 ? levelDepthsM[0] : undefined),
    globalAttributes: plainAttributes(g),
  };
}

function findCoordinate(file: ClassicFile, standardName: string, names: readonly string[]): NcVariableInfo | undefined {
  for (const name of names) {
    const v = file.variable(name);
    if (v !== undefined) return v;
  }
  return file.variables.find((v) => textAttribute(v.attributes, 'standard_name') === standardName);
}

function firstValid(file: ClassicFile, v: NcVariableInfo | undefined): number | undefined {
  if (v === undefined || v.type === 'char') return undefined;
  const values = unpackInPlace(file.readNumbers(v.name), v.type, v.attributes);
  const value = values.find((x) => Number.isFinite(x));
  return value !== undefined && v.type === 'float' ? shortestFloat32Decimal(value) : value;
}

export function plainAttributes(attributes: readonly NcAttribute[]): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const a of attributes) {
    out[a.name] = a.type === 'char' ? a.value : a.value.length === 1 ? a.value[0]! : a.value;
  }
  return out;
}

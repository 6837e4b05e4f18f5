import { NetcdfError } from '../errors.js';
import { textAttribute, type NcVariableInfo } from '../model.js';
import { PARAMETER_CODES, type ParameterCode } from '../time-series.js';
import type { ClassicFile } from './classic-file.js';

/**
 * Where the pieces of a station time series sit in a file: which time
 * coordinate is the main one, which variables hold each parameter, and
 * which dimension (if any) holds depth levels.
 */
export interface TimeCoordinates {
  readonly main: NcVariableInfo;
  readonly companions: readonly NcVariableInfo[];
}

export interface ParameterLayout {
  readonly code: ParameterCode;
  readonly variable: NcVariableInfo;
  /** Index into the variable's dimensions of the depth-level dimension, or undefined. */
  readonly levelDimIndex: number | undefined;
  readonly levelCount: number;
}

/** A time coordinate: 1-D, named after its dimension, and looking like time. */
function isTimeCoordinate(v: NcVariableInfo): boolean {
  if (v.dimensions.length !== 1 || v.dimensions[0] !== v.name || v.type === 'char') return false;
  const units = textAttribute(v.attributes, 'units') ?? '';
  const looksLikeTime =
    textAttribute(v.attributes, 'axis') === 'T' ||
    textAttribute(v.attributes, 'standard_name') === 'time' ||
    /^time/i.test(v.name);
  return looksLikeTime && /\ssince\s/i.test(units);
}

/**
 * Picks the main time coordinate: the one asked for, else TIME, else the one
 * on the record dimension, else the longest. The others are companions
 * (hourly or daily series such as TIME_HR), reported so they can be read on request.
 */
export function findTimeCoordinates(file: ClassicFile, requested: string | undefined): TimeCoordinates {
  const candidates = file.variables.filter(isTimeCoordinate);
  let main: NcVariableInfo | undefined;
  if (requested !== undefined) {
    main = candidates.find((v) => v.name === requested);
    if (main === undefined) {
      const known = candidates.map((v) => v.name).join(', ') || 'none';
      throw new NetcdfError('NETCDF_LAYOUT_UNSUPPORTED', `${file.source}: no time coordinate named ${requested} (time coordinates: ${known})`);
    }
  } else {
    main =
      candidates.find((v) => v.name === 'TIME') ??
      candidates.find((v) => v.isRecord) ??
      [...candidates].sort((a, b) => b.shape[0]! - a.shape[0]!)[0];
  }
  if (main === undefined) {
    throw new NetcdfError(
      'NETCDF_LAYOUT_UNSUPPORTED',
      `${file.source}: no time coordinate found (expected a variable such as TIME(TIME) with units "days since 1950-01-01")`,
    );
  }
  return { main, companions: candidates.filter((v) => v !== main) };
}

const STANDARD_NAMES: Readonly<Record<ParameterCode, readonly string[]>> = {
  TEMP: ['sea_water_temperature'],
  PSAL: ['sea_water_practical_salinity', 'sea_water_salinity'],
  CNDC: ['sea_water_electrical_conductivity'],
  PRES: ['sea_water_pressure', 'sea_water_pressure_due_to_sea_water'],
  DEPTH: ['depth'],
};

/**
 * Finds each parameter along the chosen time dimension: by name (TEMP, or
 * TEMP_HR for TIME_HR), else by CF standard_name.
 */
export function findParameters(file: ClassicFile, time: NcVariableInfo): ParameterLayout[] {
  const timeDim = time.name;
  const at = time.name.toUpperCase().indexOf('TIME');
  const suffix = at >= 0 ? time.name.slice(at + 4) : '';
  const ownNames = new Set(PARAMETER_CODES.map((code) => code + suffix));
  const onTime = file.variables.filter(
    (v) => v.dimensions[0] === timeDim && v !== time && v.type !== 'char' && !/(_QC|_quality_control)$/i.test(v.name),
  );
  const taken = new Set<NcVariableInfo>();
  const layouts: ParameterLayout[] = [];
  for (const code of PARAMETER_CODES) {
    const variable =
      onTime.find((v) => v.name === code + suffix && !taken.has(v)) ??
      onTime.find((v) => !taken.has(v) && STANDARD_NAMES[code].includes(textAttribute(v.attributes, 'standard_name') ?? '') && !ownNames.has(v.name));
    if (variable === undefined) continue;
    taken.add(variable);
    layouts.push({ code, variable, ...findLevelDimension(file, variable) });
  }
  return layouts;
}

/**
 * Shapes read: (TIME), (TIME, DEPTH), (TIME, DEPTH, LATITUDE, LONGITUDE) and
 * any other shape where at most one dimension after TIME has more than one
 * element; that dimension holds the depth levels.
 */
function findLevelDimension(file: ClassicFile, v: NcVariableInfo): { levelDimIndex: number | undefined; levelCount: number } {
  const wide = v.shape.map((n, i) => ({ n, i })).filter(({ n, i }) => i > 0 && n !== 1);
  if (wide.length > 1) {
    const shape = v.dimensions.map((d, i) => `${d}=${v.shape[i]}`).join(', ');
    throw new NetcdfError(
      'NETCDF_LAYOUT_UNSUPPORTED',
      `${file.source}: variable ${v.name}(${shape}) is a grid, not a station time series: only one dimension after time may have more than one element`,
    );
  }
  const depthIndex = v.dimensions.findIndex((d, i) => i > 0 && /^depth/i.test(d));
  if (wide.length === 1) return { levelDimIndex: wide[0]!.i, levelCount: wide[0]!.n };
  return { levelDimIndex: depthIndex > 0 ? depthIndex : undefined, levelCount: 1 };
}

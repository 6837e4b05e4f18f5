import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { numberAttribute, textAttribute, type NcVariableInfo } from '../model.js';
import type { OceanTimeSeries, ParameterCode, ParameterLevel, ParameterSeries } from '../time-series.js';
import { cfTimesToEpochMs, parseCfTimeUnits } from './cf-time.js';
import { unpackInPlace } from './cf-values.js';
import { shortestFloat32Decimal } from './float32-decimal.js';
import { openClassicFile, type ClassicFile } from './classic-file.js';
import { DEFAULT_BAD_QC_FLAGS, findQcVariable, toQcCodes, type QcConvention } from './qc-flags.js';
import { findParameters, findTimeCoordinates, type ParameterLayout } from './series-layout.js';
import { readStationMetadata } from './station-metadata.js';

export interface ReadTimeSeriesOptions {
  /** Name used in error messages (a file name); defaults to "NetCDF input". */
  readonly source?: string;
  /** Read a companion series (e.g. "TIME_HR") instead of the main one. */
  readonly timeVariable?: string;
  /**
   * Honour QC flags: values whose flag is bad become NaN, and records with no
   * good value left (or whose time is flagged bad) are left out. Default false.
   */
  readonly skipBadRecords?: boolean;
  /** Flags counted as bad when skipping; default 3, 4, 9. */
  readonly badQcFlags?: readonly number[];
}

/** Reads a station time series from the bytes of a classic or 64-bit offset NetCDF file. */
export function readTimeSeries(bytes: Uint8Array, options: ReadTimeSeriesOptions = {}): OceanTimeSeries {
  const file = openClassicFile(bytes, options.source);
  const time = findTimeCoordinates(file, options.timeVariable);
  const units = parseCfTimeUnits(
    textAttribute(time.main.attributes, 'units'),
    textAttribute(time.main.attributes, 'calendar'),
    `${file.source}: variable ${time.main.name}`,
  );
  const timesMs = cfTimesToEpochMs(unpackInPlace(file.readNumbers(time.main.name), time.main.type, time.main.attributes), units);
  const parameters = findParameters(file, time.main).map((layout) => readParameter(file, layout));

  const keep = new Uint8Array(timesMs.length).fill(1);
  let missingTime = 0;
  for (let i = 0; i < timesMs.length; i++) {
    if (Number.isNaN(timesMs[i]!)) {
      keep[i] = 0;
      missingTime++;
    }
  }
  let bad = 0;
  if (options.skipBadRecords === true) {
    bad = maskBadRecords(file, time.main, parameters, keep, new Set(options.badQcFlags ?? DEFAULT_BAD_QC_FLAGS));
  }

  const levelDepths = parameters.find((p) => p.levels.length > 1)?.levels.map((l) => l.depthM) ?? parameters[0]?.levels.map((l) => l.depthM) ?? [];
  const compacted = missingTime + bad > 0;
  return {
    source: {
      name: file.source,
      format: file.format,
      timeVariable: time.main.name,
      companionTimeVariables: time.companions.map((v) => v.name),
    },
    station: readStationMetadata(file, levelDepths),
    timesMs: compacted ? compact(timesMs, keep) : timesMs,
    parameters: Object.fromEntries(
      parameters.map((p) => [p.code, compacted ? compactParameter(p, keep) : p]),
    ) as Partial<Record<ParameterCode, ParameterSeries>>,
    skippedRecords: { missingTime, bad },
  };
}

/** Reads a NetCDF file from disk; see readTimeSeries. */
export async function readTimeSeriesFile(path: string, options: ReadTimeSeriesOptions = {}): Promise<OceanTimeSeries> {
  const bytes = await readFile(path);
  return readTimeSeries(bytes, { source: basename(path), ...options });
}

function readParameter(file: ClassicFile, layout: ParameterLayout): ParameterSeries {
  const v = layout.variable;
  const values = unpackInPlace(file.readNumbers(v.name), v.type, v.attributes);
  const qcFound = findQcVariable(v, (name) => file.variable(name));
  const qc = qcFound === undefined ? undefined : readQc(file, qcFound.variable);
  const depths = levelDepths(file, layout);
  const rowLength = v.shape.slice(1).reduce((a, b) => a * b, 1);
  const rows = v.shape[0]!;
  const levels: ParameterLevel[] = depths.map((depthM, level) => ({
    depthM,
    values: column(values, rows, rowLength, level),
    qc: qc === undefined ? undefined : column(qc, rows, rowLength, level),
  }));
  return {
    code: layout.code,
    variableName: v.name,
    units: textAttribute(v.attributes, 'units'),
    standardName: textAttribute(v.attributes, 'standard_name'),
    longName: textAttribute(v.attributes, 'long_name'),
    qcVariableName: qcFound?.variable.name,
    qcConvention: qcFound?.convention satisfies QcConvention | undefined,
    levels,
  };
}

function readQc(file: ClassicFile, v: NcVariableInfo): Uint8Array {
  const stored = file.readNumbers(v.name);
  if (v.type === 'char') {
    // Character flags '0'..'9': their digit; NUL or blank become missing below.
    for (let i = 0; i < stored.length; i++) stored[i] = stored[i]! - 48;
  }
  return toQcCodes(stored, numberAttribute(v.attributes, '_FillValue'));
}

function levelDepths(file: ClassicFile, layout: ParameterLayout): (number | undefined)[] {
  if (layout.levelDimIndex === undefined) return [undefined];
  const dimName = layout.variable.dimensions[layout.levelDimIndex]!;
  const coordinate = file.variable(dimName);
  if (coordinate === undefined || coordinate.type === 'char' || coordinate.dimensions.length !== 1) {
    return Array.from({ length: layout.levelCount }, () => undefined);
  }
  const depths = unpackInPlace(file.readNumbers(dimName), coordinate.type, coordinate.attributes);
  const exact = coordinate.type === 'float' ? (x: number) => shortestFloat32Decimal(x) : (x: number) => x;
  return Array.from({ length: layout.levelCount }, (_, i) => (Number.isFinite(depths[i]!) ? exact(depths[i]!) : undefined));
}

/** Takes one level out of row-major [row][level] data (other dimensions have one element). */
function column<T extends Float64Array | Uint8Array>(data: T, rows: number, rowLength: number, level: number): T {
  if (rowLength === 1) return data;
  const out = new (data.constructor as new (n: number) => T)(rows);
  for (let r = 0, k = level; r < rows; r++, k += rowLength) out[r] = data[k]!;
  return out;
}

function maskBadRecords(
  file: ClassicFile,
  time: NcVariableInfo,
  parameters: readonly ParameterSeries[],
  keep: Uint8Array,
  badFlags: ReadonlySet<number>,
): number {
  const timeQc = findQcVariable(time, (name) => file.variable(name));
  const timeFlags = timeQc === undefined ? undefined : readQc(file, timeQc.variable);
  let bad = 0;
  for (let i = 0; i < keep.length; i++) {
    if (keep[i] === 0) continue;
    let anyGood = false;
    for (const p of parameters) {
      for (const level of p.levels) {
        if (level.qc !== undefined && badFlags.has(level.qc[i]!)) level.values[i] = NaN;
        if (!Number.isNaN(level.values[i]!)) anyGood = true;
      }
    }
    const timeBad = timeFlags !== undefined && badFlags.has(timeFlags[i]!);
    if (!anyGood || timeBad) {
      keep[i] = 0;
      bad++;
    }
  }
  return bad;
}

function compact<T extends Float64Array | Uint8Array>(data: T, keep: Uint8Array): T {
  let n = 0;
  for (let i = 0; i < keep.length; i++) n += keep[i]!;
  const out = new (data.constructor as new (n: number) => T)(n);
  for (let i = 0, k = 0; i < keep.length; i++) if (keep[i] === 1) out[k++] = data[i]!;
  return out;
}

function compactParameter(p: ParameterSeries, keep: Uint8Array): ParameterSeries {
  return {
    ...p,
    levels: p.levels.map((l) => ({
      depthM: l.depthM,
      values: compact(l.values, keep),
      qc: l.qc === undefined ? undefined : compact(l.qc, keep),
    })),
  };
}

// A buoy's recorded series, read from its NetCDF file and put in the units the calibration
// models use: temperature °C, sea pressure dbar, conductivity S/m. When the file has salinity
// but no conductivity, conductivity is computed from it (conductivityFromSalinity) with the
// measured pressure, or the nominal pressure of the sensor depth.
import { conductivityFromSalinity, pressureFromDepth } from '@reeflink/server/science';
import { readTimeSeriesFile, type OceanTimeSeries, type ParameterSeries } from '../netcdf/index.js';
import { FleetError, type ValidationIssue } from '../fleet/fleet-error.js';
import type { BuoySpec, Fleet } from '../fleet/fleet-types.js';

export interface BuoyRecords {
  /** Sample times, epoch ms, ascending. */
  timesMs: Float64Array;
  /** Physical values per channel (NaN = missing); undefined when the buoy lacks the channel. */
  temperature_degC: Float64Array | undefined;
  pressure_dbar: Float64Array | undefined;
  conductivity_S_m: Float64Array | undefined;
  /** The file's salinity, when conductivity was computed from it (for the ledger). */
  salinity: Float64Array | undefined;
  latitude: number;
  longitude: number;
  nominalDepthM: number | undefined;
  /** Sea pressure at the nominal depth, dbar: what conductivity and salinity use without a pressure channel. */
  nominalPressureDbar: number | undefined;
  platformCode: string | undefined;
  fileName: string;
}

/** Conductivity units OceanSITES and IMOS files use, as factors to S/m. */
const CONDUCTIVITY_TO_S_M: Record<string, number> = { 'S m-1': 1, 'S/m': 1, 'S.m-1': 1, 'mS/cm': 0.1, 'mS cm-1': 0.1, 'mS.cm-1': 0.1 };

function findParameter(series: OceanTimeSeries, name: string): ParameterSeries | undefined {
  for (const p of Object.values(series.parameters)) {
    if (p && (p.code === name || p.variableName === name)) return p;
  }
  return undefined;
}

export class SourceCache {
  private readonly files = new Map<string, Promise<OceanTimeSeries>>();
  read(path: string, skipBadRecords: boolean): Promise<OceanTimeSeries> {
    const key = `${skipBadRecords ? 'good' : 'all'}:${path}`;
    let p = this.files.get(key);
    if (!p) {
      p = readTimeSeriesFile(path, { skipBadRecords });
      this.files.set(key, p);
    }
    return p;
  }
}

export interface TimeWindow {
  fromMs: number;
  toMs: number;
}

/** Index of the first time ≥ ms in ascending times (binary search). */
export function firstAtOrAfter(times: Float64Array, ms: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Reads buoy `index` of the fleet's source, keeping only records in `window` when given;
 * problems become a FLEET_SOURCE error naming the field.
 */
export async function loadBuoyRecords(fleet: Fleet, index: number, cache = new SourceCache(), window?: TimeWindow): Promise<BuoyRecords> {
  const buoy: BuoySpec = fleet.buoys[index]!;
  const at = `buoys[${index}]`;
  let series: OceanTimeSeries;
  try {
    series = await cache.read(buoy.source.file, buoy.source.skipBadRecords);
  } catch (e) {
    throw new FleetError('FLEET_SOURCE', buoy.source.file, [{ path: `${at}.source.file`, message: (e as Error).message }]);
  }
  const issues: ValidationIssue[] = [];
  const available = Object.values(series.parameters)
    .map((p) => p?.variableName)
    .join(', ');
  const start = window ? firstAtOrAfter(series.timesMs, window.fromMs) : 0;
  const end = window ? firstAtOrAfter(series.timesMs, window.toMs) : series.timesMs.length;
  const timesMs = series.timesMs.subarray(start, end);
  const level = (key: 'temperature' | 'pressure' | 'conductivity' | 'salinity'): { values: Float64Array; units: string | undefined } | undefined => {
    const name = buoy.source.variables[key];
    if (name === undefined) return undefined;
    const p = findParameter(series, name);
    if (!p) {
      issues.push({ path: `${at}.source.variables.${key}`, message: `${name} is not in ${series.source.name} (it has ${available})` });
      return undefined;
    }
    const l = p.levels[buoy.source.depthLevel];
    if (!l) {
      issues.push({ path: `${at}.source.depthLevel`, message: `${name} has ${p.levels.length} level(s), no level ${buoy.source.depthLevel}` });
      return undefined;
    }
    return { values: l.values.subarray(start, end), units: p.units };
  };
  const temperature = level('temperature');
  const pressure = level('pressure');
  const conductivity = level('conductivity');
  const salinity = level('salinity');

  const latitude = buoy.latitude ?? series.station.latitude;
  const longitude = buoy.longitude ?? series.station.longitude;
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) {
    issues.push({ path: `${at}.latitude`, message: `${series.source.name} gives no position: set latitude and longitude in the fleet` });
  }
  const levelDepth = series.parameters.TEMP?.levels[buoy.source.depthLevel]?.depthM;
  const nominalDepthM = buoy.nominalDepthM ?? levelDepth ?? series.station.nominalDepthM;
  const needsNominal = (conductivity || salinity) && !pressure;
  if (needsNominal && nominalDepthM === undefined) {
    issues.push({ path: `${at}.nominalDepthM`, message: 'is needed: conductivity without a pressure channel uses the nominal pressure of the sensor depth' });
  }
  let conductivity_S_m: Float64Array | undefined;
  if (conductivity) {
    const factor = CONDUCTIVITY_TO_S_M[conductivity.units ?? 'S m-1'];
    if (factor === undefined) issues.push({ path: `${at}.source.variables.conductivity`, message: `unknown conductivity units "${conductivity.units}" (expected S m-1 or mS/cm)` });
    else conductivity_S_m = factor === 1 ? conductivity.values : conductivity.values.map((v) => v * factor);
  }
  if (issues.length > 0) throw new FleetError('FLEET_SOURCE', buoy.source.file, issues);

  const nominalPressureDbar = nominalDepthM === undefined ? undefined : pressureFromDepth(nominalDepthM, latitude);
  if (salinity && temperature) {
    const n = timesMs.length;
    conductivity_S_m = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const sp = salinity.values[i]!;
      const t = temperature.values[i]!;
      const p = pressure ? pressure.values[i]! : nominalPressureDbar!;
      conductivity_S_m[i] = Number.isFinite(sp) && Number.isFinite(t) && Number.isFinite(p) ? conductivityFromSalinity(sp, t, p) / 10 : Number.NaN;
    }
  }
  return {
    timesMs,
    temperature_degC: temperature?.values,
    pressure_dbar: pressure?.values,
    conductivity_S_m,
    salinity: salinity?.values,
    latitude,
    longitude,
    nominalDepthM,
    nominalPressureDbar,
    platformCode: series.station.platformCode,
    fileName: series.source.name,
  };
}

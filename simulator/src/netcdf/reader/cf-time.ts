import { NetcdfError } from '../errors.js';

/**
 * CF time coordinates: "<unit> since <reference date>" (CF conventions §4.4,
 * UDUNITS spelling). OceanSITES and IMOS use "days since 1950-01-01T00:00:00Z";
 * other files use seconds/minutes/hours since 1970 or 2000, with or without a
 * time, a "T", a "Z", "UTC" or a numeric zone offset.
 */
export interface CfTimeUnits {
  readonly msPerUnit: number;
  readonly originMs: number;
}

const MS_PER_UNIT: ReadonlyArray<readonly [RegExp, number]> = [
  [/^(milliseconds?|msecs?|ms)$/, 1],
  [/^(seconds?|secs?|s)$/, 1000],
  [/^(minutes?|mins?)$/, 60_000],
  [/^(hours?|hrs?|h)$/, 3_600_000],
  [/^(days?|d)$/, 86_400_000],
];

// Calendars that agree with the proleptic Gregorian one after 1582-10-15,
// i.e. for every ocean time series. Model calendars (noleap, 360_day, …)
// would need their own arithmetic and are refused.
const GREGORIAN_CALENDARS = new Set(['gregorian', 'standard', 'proleptic_gregorian']);

const REFERENCE_DATE =
  /^(-?\d{1,4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2}(?:\.\d+)?))?)?\s*(Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)?$/i;

export function parseCfTimeUnits(units: string | undefined, calendar: string | undefined, where: string): CfTimeUnits {
  if (calendar !== undefined && !GREGORIAN_CALENDARS.has(calendar.trim().toLowerCase())) {
    throw new NetcdfError('NETCDF_TIME_UNITS', `${where}: calendar "${calendar}" is not supported (only gregorian/standard/proleptic_gregorian)`);
  }
  const match = /^\s*(\S+)\s+since\s+(.+?)\s*$/i.exec(units ?? '');
  if (match === null) {
    throw new NetcdfError('NETCDF_TIME_UNITS', `${where}: units "${units ?? ''}" are not of the CF form "<unit> since <date>"`);
  }
  const unit = match[1]!.toLowerCase();
  const msPerUnit = MS_PER_UNIT.find(([pattern]) => pattern.test(unit))?.[1];
  if (msPerUnit === undefined) {
    throw new NetcdfError('NETCDF_TIME_UNITS', `${where}: time unit "${match[1]}" is not supported (use days, hours, minutes, seconds or milliseconds; months and years have no fixed length)`);
  }
  return { msPerUnit, originMs: parseReferenceDate(match[2]!, units ?? '', where) };
}

function parseReferenceDate(text: string, units: string, where: string): number {
  const m = REFERENCE_DATE.exec(text.trim());
  if (m === null) {
    throw new NetcdfError('NETCDF_TIME_UNITS', `${where}: reference date in "${units}" is not a date like 1950-01-01 00:00:00 UTC`);
  }
  const [, year, month, day, hour = '0', minute = '0', second = '0', zone] = m;
  const seconds = Number(second);
  const utc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Math.floor(seconds));
  // Date.UTC maps years 0..99 to 1900..1999; set the year again to keep it literal.
  const date = new Date(utc);
  date.setUTCFullYear(Number(year));
  return date.getTime() + Math.round((seconds % 1) * 1000) - zoneOffsetMs(zone);
}

function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || /^(z|utc|gmt)$/i.test(zone)) return 0;
  const m = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone)!;
  const sign = m[1] === '-' ? -1 : 1;
  return sign * (Number(m[2]) * 3_600_000 + Number(m[3] ?? '0') * 60_000);
}

/**
 * Converts time coordinate values to epoch milliseconds, rounded to the
 * millisecond so that e.g. 10-minute steps stored as fractional days come
 * back exact. Non-finite inputs stay NaN.
 */
export function cfTimesToEpochMs(values: Float64Array, units: CfTimeUnits): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = Math.round(units.originMs + values[i]! * units.msPerUnit);
  }
  return out;
}

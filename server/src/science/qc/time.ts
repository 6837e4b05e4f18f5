import { ScienceError } from '../errors.js';

/**
 * Times in the QC functions are epoch milliseconds UTC (numbers) or Date
 * objects; thresholds are in seconds like ioos_qc's.
 */
export type TimeInput = number | Date;
export type Times = ReadonlyArray<TimeInput>;

export function toMillis(t: TimeInput, record: string, field: string): number {
  const ms = t instanceof Date ? t.getTime() : t;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new ScienceError({ code: 'NOT_FINITE', record, field, message: 'time must be epoch milliseconds or a valid Date', value: t });
  }
  return ms;
}

export function toMillisArray(times: Times, length: number, record: string): number[] {
  if (times.length !== length) {
    throw new ScienceError({ code: 'LENGTH_MISMATCH', record, field: 'times', message: `${times.length} times for ${length} values` });
  }
  return times.map((t, i) => toMillis(t, record, `times[${i}]`));
}

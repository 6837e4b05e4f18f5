import type { CalibrationRecord } from './records.js';
import { sensorKey, type SensorRef } from './records.js';

/** A time range [from, until) of one sensor whose values must be recomputed. */
export interface AffectedPeriod {
  sensor: SensorRef;
  from: number;
  /** null: up to now. */
  until: number | null;
  /** Ids of the records added, removed or corrected that cause it. */
  because: string[];
}

function sameRecord(a: CalibrationRecord, b: CalibrationRecord): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Periods to reprocess after the calibration records change from `before`
 * to `after` (records matched by id): the validity of every added or
 * removed record, and both the old and new validity of a corrected one.
 */
export function affectedPeriods(before: readonly CalibrationRecord[], after: readonly CalibrationRecord[]): AffectedPeriod[] {
  const old = new Map(before.map((r) => [r.id, r]));
  const now = new Map(after.map((r) => [r.id, r]));
  const periods: AffectedPeriod[] = [];
  const add = (r: CalibrationRecord) => periods.push({ sensor: r.sensor, from: r.validFrom, until: r.validUntil, because: [r.id] });
  for (const r of after) {
    const o = old.get(r.id);
    if (!o) add(r);
    else if (!sameRecord(o, r)) {
      add(o);
      add(r);
    }
  }
  for (const r of before) if (!now.has(r.id)) add(r);
  return mergePeriods(periods);
}

/** Merges overlapping or touching periods of the same sensor. */
export function mergePeriods(periods: readonly AffectedPeriod[]): AffectedPeriod[] {
  const bySensor = new Map<string, AffectedPeriod[]>();
  for (const p of periods) bySensor.set(sensorKey(p.sensor), [...(bySensor.get(sensorKey(p.sensor)) ?? []), p]);
  const out: AffectedPeriod[] = [];
  for (const list of bySensor.values()) {
    const sorted = [...list].sort((a, b) => a.from - b.from);
    let cur: AffectedPeriod | undefined;
    for (const p of sorted) {
      const curEnd = cur ? (cur.until ?? Infinity) : -Infinity;
      if (cur && p.from <= curEnd) {
        const end = Math.max(curEnd, p.until ?? Infinity);
        cur = { ...cur, until: end === Infinity ? null : end, because: [...new Set([...cur.because, ...p.because])] };
      } else {
        if (cur) out.push(cur);
        cur = { ...p, because: [...p.because] };
      }
    }
    if (cur) out.push(cur);
  }
  return out;
}

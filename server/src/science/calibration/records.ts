import { ScienceError, type Result, type ScienceErrorDetail } from '../errors.js';
import type { CalibrationModel } from './models.js';
import { validateModel } from './validateModel.js';

/** A physical sensor: its type (e.g. "SBE37-temperature") and serial number. */
export interface SensorRef {
  sensorType: string;
  serialNumber: string;
}

/** Where a record's coefficients come from. */
export interface CalibrationProvenance {
  /** Calibration sheet reference (file name, lab certificate number, URL). */
  calibrationSheet: string;
  /** Date of the calibration itself, ISO 8601 (YYYY-MM-DD). */
  calibrationDate: string;
  /** Who typed the record in. */
  enteredBy: string;
  /** When it was entered, epoch milliseconds (optional). */
  enteredAt?: number;
}

/**
 * One calibration of one sensor, valid over [validFrom, validUntil).
 * Times are epoch milliseconds UTC; validUntil null means "until further
 * notice". A correction keeps the id and replaces the record.
 */
export interface CalibrationRecord {
  id: string;
  sensor: SensorRef;
  validFrom: number;
  validUntil: number | null;
  model: CalibrationModel;
  /** Output unit; fixed for Sea-Bird models (degC, S/m, dbar), free for linear/polynomial. */
  unit: string;
  provenance: CalibrationProvenance;
}

export function sensorKey(sensor: SensorRef): string {
  return `${sensor.sensorType}/${sensor.serialNumber}`;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function nonEmptyString(x: unknown): x is string {
  return typeof x === 'string' && x.trim() !== '';
}

/**
 * Validates one record as it comes from JSON, a form or the store. Returns
 * every problem found, each naming the record id and field.
 */
export function validateCalibrationRecord(input: unknown): ScienceErrorDetail[] {
  if (!isObject(input)) {
    return [{ code: 'INVALID_RECORD', record: '(unknown)', field: '', message: 'calibration record must be an object' }];
  }
  const record = nonEmptyString(input['id']) ? input['id'] : '(no id)';
  const errors: ScienceErrorDetail[] = [];
  const bad = (field: string, message: string, value?: unknown) => {
    const e: ScienceErrorDetail = { code: 'INVALID_RECORD', record, field, message };
    if (value !== undefined) e.value = value;
    errors.push(e);
  };
  if (!nonEmptyString(input['id'])) bad('id', 'id must be a non-empty string', input['id']);
  const sensor = input['sensor'];
  if (!isObject(sensor)) bad('sensor', 'sensor {sensorType, serialNumber} is missing');
  else {
    if (!nonEmptyString(sensor['sensorType'])) bad('sensor.sensorType', 'sensorType must be a non-empty string', sensor['sensorType']);
    if (!nonEmptyString(sensor['serialNumber'])) bad('sensor.serialNumber', 'serialNumber must be a non-empty string', sensor['serialNumber']);
  }
  const from = input['validFrom'];
  const until = input['validUntil'];
  if (typeof from !== 'number' || !Number.isFinite(from)) bad('validFrom', 'validFrom must be epoch milliseconds', from);
  if (until !== null && (typeof until !== 'number' || !Number.isFinite(until))) bad('validUntil', 'validUntil must be epoch milliseconds or null', until);
  if (typeof from === 'number' && typeof until === 'number' && until <= from) bad('validUntil', 'validUntil must be after validFrom', until);
  if (!nonEmptyString(input['unit'])) bad('unit', 'unit must be a non-empty string', input['unit']);
  const prov = input['provenance'];
  if (!isObject(prov)) bad('provenance', 'provenance {calibrationSheet, calibrationDate, enteredBy} is missing');
  else {
    if (!nonEmptyString(prov['calibrationSheet'])) bad('provenance.calibrationSheet', 'calibration sheet reference is missing', prov['calibrationSheet']);
    if (typeof prov['calibrationDate'] !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(prov['calibrationDate']) || Number.isNaN(Date.parse(prov['calibrationDate']))) {
      bad('provenance.calibrationDate', 'calibrationDate must be an ISO date (YYYY-MM-DD)', prov['calibrationDate']);
    }
    if (!nonEmptyString(prov['enteredBy'])) bad('provenance.enteredBy', 'who entered the record is missing', prov['enteredBy']);
  }
  errors.push(...validateModel(input['model'], record));
  return errors;
}

/**
 * Checks a set of (individually valid) records: ids unique, and no two
 * records of the same sensor valid at the same instant. Each error names
 * the later record and the one it collides with.
 */
export function checkCalibrationSet(records: readonly CalibrationRecord[]): ScienceErrorDetail[] {
  const errors: ScienceErrorDetail[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    if (seen.has(r.id)) errors.push({ code: 'INVALID_RECORD', record: r.id, field: 'id', message: 'duplicate record id' });
    seen.add(r.id);
  }
  const bySensor = new Map<string, CalibrationRecord[]>();
  for (const r of records) {
    const key = sensorKey(r.sensor);
    bySensor.set(key, [...(bySensor.get(key) ?? []), r]);
  }
  for (const list of bySensor.values()) {
    const sorted = [...list].sort((a, b) => a.validFrom - b.validFrom);
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1] as CalibrationRecord;
      const cur = sorted[i] as CalibrationRecord;
      const prevEnd = prev.validUntil ?? Number.POSITIVE_INFINITY;
      if (cur.validFrom < prevEnd) {
        errors.push({
          code: 'OVERLAPPING_VALIDITY',
          record: cur.id,
          field: 'validFrom',
          message: `validity of ${cur.id} starts at ${new Date(cur.validFrom).toISOString()}, before ${prev.id} of the same sensor (${sensorKey(cur.sensor)}) ends`,
          value: prev.id,
        });
      }
    }
  }
  return errors;
}

/**
 * An index over validated records, built once per ingest batch. Creating
 * it validates every record and the set, so lookups never see bad data.
 */
export class CalibrationSet {
  private readonly bySensor = new Map<string, CalibrationRecord[]>();
  private readonly byRef = new WeakMap<SensorRef, { type: string; serial: string; list: CalibrationRecord[]; last: { ok: true; value: CalibrationRecord } | null }>();

  private constructor(readonly records: readonly CalibrationRecord[]) {
    for (const r of records) {
      const key = sensorKey(r.sensor);
      this.bySensor.set(key, [...(this.bySensor.get(key) ?? []), r]);
    }
    for (const list of this.bySensor.values()) list.sort((a, b) => a.validFrom - b.validFrom);
  }

  /** Validates and indexes; returns every error found instead of a set when any. */
  static create(
    records: readonly unknown[],
  ): { ok: true; value: CalibrationSet } | { ok: false; errors: ScienceErrorDetail[] } {
    const errors = records.flatMap((r) => validateCalibrationRecord(r));
    if (errors.length === 0) errors.push(...checkCalibrationSet(records as CalibrationRecord[]));
    if (errors.length > 0) return { ok: false, errors };
    return { ok: true, value: new CalibrationSet(records as CalibrationRecord[]) };
  }

  /** Like create, but throws the first error (tests, fixtures, the simulator). */
  static of(records: readonly unknown[]): CalibrationSet {
    const result = CalibrationSet.create(records);
    if (!result.ok) throw new ScienceError(result.errors[0] as ScienceErrorDetail);
    return result.value;
  }

  /** The record of `sensor` valid at `time` (epoch ms), or NO_CALIBRATION. */
  find(sensor: SensorRef, time: number): Result<CalibrationRecord> {
    // Callers pass the same sensor objects sample after sample: index them by identity too,
    // and answer from the record found last time while the sample stays in its validity.
    let entry = this.byRef.get(sensor);
    if (!entry || entry.type !== sensor.sensorType || entry.serial !== sensor.serialNumber) {
      entry = { type: sensor.sensorType, serial: sensor.serialNumber, list: this.bySensor.get(sensorKey(sensor)) ?? [], last: null };
      this.byRef.set(sensor, entry);
    }
    const hit = entry.last;
    if (hit && hit.value.validFrom <= time && time < (hit.value.validUntil ?? Number.POSITIVE_INFINITY)) return hit;
    for (const r of entry.list) {
      if (r.validFrom <= time && time < (r.validUntil ?? Number.POSITIVE_INFINITY)) {
        entry.last = { ok: true, value: r };
        return entry.last;
      }
    }
    return {
      ok: false,
      error: {
        code: 'NO_CALIBRATION',
        record: sensorKey(sensor),
        field: 'time',
        message: `no calibration of ${sensorKey(sensor)} is valid at ${Number.isFinite(time) ? new Date(time).toISOString() : String(time)}`,
        value: time,
      },
    };
  }
}

import { attempt, type Result } from '../errors.js';
import type { CalibratedValue } from './ctdSample.js';
import { applyModel, type ModelInputs } from './models.js';
import type { CalibrationSet, SensorRef } from './records.js';

/**
 * Calibrates a single channel (battery voltage, any linear or polynomial
 * channel, or a Sea-Bird channel when the caller supplies its inputs):
 * finds the record valid at `time` and applies it. Never throws.
 */
export function calibrateChannel(
  raw: number,
  sensor: SensorRef,
  time: number,
  set: CalibrationSet,
  inputs: ModelInputs = {},
): Result<CalibratedValue> {
  const found = set.find(sensor, time);
  if (!found.ok) return found;
  const record = found.value;
  const value = attempt(() => applyModel(record.model, raw, inputs, record.id));
  return value.ok ? { ok: true, value: { value: value.value, calibrationId: record.id } } : value;
}

// A virtual CTD: physical values → the integer counts a real sensor would report, by inverting
// the calibration valid at the sample time. Channels are done in the order the server
// calibrates them (temperature, then pressure, then conductivity) and each later channel is
// inverted with the *calibrated* values of the earlier ones, so the server's forward models
// give back the input within half a count of each channel.
import { applyModel, invertModel, RAW_MAX, type CalibrationModel, type CalibrationSet, type ModelInputs } from '@reeflink/server/science';
import type { Channel, SensorSpecs } from '../fleet/fleet-types.js';

export interface PhysicalReading {
  temperature_degC?: number;
  pressure_dbar?: number;
  conductivity_S_m?: number;
}

export interface ChannelReading {
  /** Integer count in 0..2^24-1, what the codec carries. */
  raw: number;
  /** What the server's calibration gives for `raw`: the value verify compares with. */
  expected: number;
  /** Change of the calibrated value for one count around `raw` (the quantisation step, the larger side). */
  quantum: number;
  /** The value lay outside what the sensor can report and was clamped to the range end. */
  clamped: boolean;
  calibrationId: string;
}

export type CtdReading = Partial<Record<Channel, ChannelReading>>;

/** Why a channel with a value produced no count. */
export type UnreadableReason = 'no-calibration' | 'needs-temperature' | 'outside-model';

function forward(model: CalibrationModel, raw: number, inputs: ModelInputs): number | undefined {
  try {
    const v = applyModel(model, raw, inputs);
    return Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Lowest count the model calibrates (the thermistor's ln n needs n > 1 with real sheets). */
function lowestRaw(model: CalibrationModel, inputs: ModelInputs): number {
  for (let raw = 0; raw < 2; raw++) if (forward(model, raw, inputs) !== undefined) return raw;
  return 2;
}

/** Rounds the inverse to a count, clamping to the 24-bit range (or to the nearer end when there is no inverse). */
export function countFor(model: CalibrationModel, value: number, inputs: ModelInputs): { raw: number; clamped: boolean } | undefined {
  let real = Number.NaN;
  try {
    real = invertModel(model, value, inputs);
  } catch {
    // NOT_INVERTIBLE (beyond the range) or OUTSIDE_MODEL_DOMAIN: clamp below.
  }
  if (Number.isFinite(real)) {
    const raw = Math.round(real);
    if (raw > RAW_MAX) return { raw: RAW_MAX, clamped: true };
    // Only the lowest counts can fall outside the model's domain: look for the floor then.
    if (raw <= 2) {
      const lo = lowestRaw(model, inputs);
      if (raw < lo) return { raw: lo, clamped: true };
    }
    return { raw, clamped: false };
  }
  const lo = lowestRaw(model, inputs);
  const atLo = forward(model, lo, inputs);
  const atHi = forward(model, RAW_MAX, inputs);
  if (atLo === undefined && atHi === undefined) return undefined;
  if (atHi === undefined) return { raw: lo, clamped: true };
  if (atLo === undefined) return { raw: RAW_MAX, clamped: true };
  return { raw: Math.abs(value - atLo) <= Math.abs(value - atHi) ? lo : RAW_MAX, clamped: true };
}

export class VirtualCtd {
  /** Channels that had a value but produced no count, by reason (for the ledger). */
  readonly unreadable: Record<UnreadableReason, number> = { 'no-calibration': 0, 'needs-temperature': 0, 'outside-model': 0 };

  constructor(
    private readonly sensors: SensorSpecs,
    private readonly calibrations: CalibrationSet,
    private readonly nominalPressureDbar: number | undefined,
  ) {}

  private channel(channel: Channel, timeMs: number, value: number, inputs: ModelInputs): ChannelReading | undefined {
    const sensor = this.sensors[channel];
    if (!sensor) return undefined;
    const found = this.calibrations.find(sensor, timeMs);
    if (!found.ok) {
      this.unreadable['no-calibration']++;
      return undefined;
    }
    const record = found.value;
    const count = countFor(record.model, value, inputs);
    const expected = count === undefined ? undefined : forward(record.model, count.raw, inputs);
    if (count === undefined || expected === undefined) {
      this.unreadable['outside-model']++;
      return undefined;
    }
    // The larger of the steps to either neighbour: the inverse was rounded up or down.
    const up = count.raw < RAW_MAX ? forward(record.model, count.raw + 1, inputs) : undefined;
    const down = count.raw > 0 ? forward(record.model, count.raw - 1, inputs) : undefined;
    const quantum =
      up === undefined ? (down === undefined ? Number.NaN : Math.abs(down - expected)) : down === undefined ? Math.abs(up - expected) : Math.max(Math.abs(up - expected), Math.abs(down - expected));
    return { raw: count.raw, expected, quantum, clamped: count.clamped, calibrationId: record.id };
  }

  /** Counts for one sample; a missing (NaN/undefined) value leaves its channel out. */
  read(timeMs: number, physical: PhysicalReading): CtdReading {
    const out: CtdReading = {};
    const t = physical.temperature_degC;
    if (t !== undefined && Number.isFinite(t)) {
      const r = this.channel('temperature', timeMs, t, {});
      if (r) out.temperature = r;
    }
    const tCal = out.temperature?.expected;
    const p = physical.pressure_dbar;
    if (p !== undefined && Number.isFinite(p) && this.sensors.pressure) {
      const record = this.calibrations.find(this.sensors.pressure, timeMs);
      const needsT = record.ok && record.value.model.kind === 'pressure-strain-gauge';
      if (needsT && tCal === undefined) this.unreadable['needs-temperature']++;
      else {
        const r = this.channel('pressure', timeMs, p, needsT ? { compensation: tCal } : {});
        if (r) out.pressure = r;
      }
    }
    const c = physical.conductivity_S_m;
    if (c !== undefined && Number.isFinite(c) && this.sensors.conductivity) {
      // As the server does: the measured pressure, else the mooring's nominal pressure.
      const pCal = out.pressure?.expected ?? this.nominalPressureDbar;
      const record = this.calibrations.find(this.sensors.conductivity, timeMs);
      const needsTP = record.ok && record.value.model.kind === 'conductivity-sbe37';
      if (needsTP && (tCal === undefined || pCal === undefined)) this.unreadable['needs-temperature']++;
      else {
        const r = this.channel('conductivity', timeMs, c, needsTP ? { t90_degC: tCal, p_dbar: pCal } : {});
        if (r) out.conductivity = r;
      }
    }
    return out;
  }
}

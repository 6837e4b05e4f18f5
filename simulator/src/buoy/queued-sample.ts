// A sample waiting in a virtual buoy's queue, and the ledger rows it becomes when it leaves:
// one per channel read, plus salinity derived from them (what the server will derive).
import type { MeasurementSample } from '@reeflink/codecs';
import { practicalSalinity } from '@reeflink/server/science';
import type { Channel } from '../fleet/fleet-types.js';
import type { ReplayLedger, UnsentReason } from '../replay/ledger.js';
import type { CtdReading, PhysicalReading } from '../sensors/virtual-ctd.js';

export interface QueuedSample {
  timeMs: number;
  reading: CtdReading;
  /** The codec sample (counts), built once; ageS is set before each encoding. */
  raw: MeasurementSample;
  source: PhysicalReading & { salinity: number };
  sent: PhysicalReading;
  faults: Partial<Record<Channel, number>>;
  attempts: number;
  lastFrame: number;
}

export function toRaw(reading: CtdReading): Omit<MeasurementSample, 'ageS'> {
  const out: Omit<MeasurementSample, 'ageS'> = {};
  if (reading.temperature) out.temperatureRaw = reading.temperature.raw;
  if (reading.pressure) out.pressureRaw = reading.pressure.raw;
  if (reading.conductivity) out.conductivityRaw = reading.conductivity.raw;
  return out;
}

/** PSS-78 of T, C and the measured (else nominal) pressure; NaN when an input is missing. */
export function salinityOf(v: PhysicalReading, nominalPressureDbar: number | undefined): number {
  const t = v.temperature_degC;
  const c = v.conductivity_S_m;
  const p = v.pressure_dbar !== undefined && Number.isFinite(v.pressure_dbar) ? v.pressure_dbar : nominalPressureDbar;
  if (t === undefined || c === undefined || p === undefined || !Number.isFinite(t) || !Number.isFinite(c)) return Number.NaN;
  try {
    return practicalSalinity(c * 10, t, p);
  } catch {
    return Number.NaN;
  }
}

export function writeLedgerRows(
  ledger: ReplayLedger,
  buoyId: string,
  s: QueuedSample,
  frameId: number,
  unsent: UnsentReason | undefined,
  nominalPressureDbar: number | undefined,
): void {
  // One call per channel, spelled out: a loop over channel names makes every access a keyed lookup.
  const t = s.reading.temperature;
  const p = s.reading.pressure;
  const c = s.reading.conductivity;
  const f = s.faults;
  if (t) ledger.addSampleRow(buoyId, 'temperature', s.timeMs, s.source.temperature_degC ?? Number.NaN, s.sent.temperature_degC ?? Number.NaN, t.raw, t.expected, t.quantum, t.calibrationId, frameId, s.attempts, unsent, f.temperature ?? 0, t.clamped);
  if (p) ledger.addSampleRow(buoyId, 'pressure', s.timeMs, s.source.pressure_dbar ?? Number.NaN, s.sent.pressure_dbar ?? Number.NaN, p.raw, p.expected, p.quantum, p.calibrationId, frameId, s.attempts, unsent, f.pressure ?? 0, p.clamped);
  if (c) ledger.addSampleRow(buoyId, 'conductivity', s.timeMs, s.source.conductivity_S_m ?? Number.NaN, s.sent.conductivity_S_m ?? Number.NaN, c.raw, c.expected, c.quantum, c.calibrationId, frameId, s.attempts, unsent, f.conductivity ?? 0, c.clamped);
  if (!t || !c) return;
  ledger.addSampleRow(
    buoyId,
    'salinity',
    s.timeMs,
    s.source.salinity,
    salinityOf(s.sent, nominalPressureDbar),
    Number.NaN,
    salinityOf({ temperature_degC: t.expected, conductivity_S_m: c.expected, pressure_dbar: p?.expected }, nominalPressureDbar),
    Number.NaN,
    undefined,
    frameId,
    s.attempts,
    unsent,
    (s.faults.temperature ?? 0) | (s.faults.conductivity ?? 0) | (s.faults.pressure ?? 0),
    t.clamped || c.clamped || (p?.clamped ?? false),
  );
}

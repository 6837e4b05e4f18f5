// A sample waiting in a virtual buoy's queue, and the ledger rows it becomes when it leaves:
// one per channel read, plus salinity derived from them (what the server will derive).
import type { MeasurementSample } from '@reeflink/codecs';
import { practicalSalinity } from '@reeflink/server/science';
import { CHANNELS, type Channel } from '../fleet/fleet-types.js';
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

function physical(v: PhysicalReading, c: Channel): number {
  const x = c === 'temperature' ? v.temperature_degC : c === 'pressure' ? v.pressure_dbar : v.conductivity_S_m;
  return x ?? Number.NaN;
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
  for (const c of CHANNELS) {
    const r = s.reading[c];
    if (!r) continue;
    ledger.addSample(buoyId, c, {
      timeMs: s.timeMs,
      sourceValue: physical(s.source, c),
      sentValue: physical(s.sent, c),
      raw: r.raw,
      expectedValue: r.expected,
      quantum: r.quantum,
      calibrationId: r.calibrationId,
      frameId,
      attempts: s.attempts,
      unsent,
      sensorFaults: s.faults[c] ?? 0,
      clamped: r.clamped,
    });
  }
  const t = s.reading.temperature;
  const c = s.reading.conductivity;
  if (!t || !c) return;
  const p = s.reading.pressure;
  ledger.addSample(buoyId, 'salinity', {
    timeMs: s.timeMs,
    sourceValue: s.source.salinity,
    sentValue: salinityOf(s.sent, nominalPressureDbar),
    raw: Number.NaN,
    expectedValue: salinityOf({ temperature_degC: t.expected, conductivity_S_m: c.expected, ...(p ? { pressure_dbar: p.expected } : {}) }, nominalPressureDbar),
    quantum: Number.NaN,
    calibrationId: undefined,
    frameId,
    attempts: s.attempts,
    unsent,
    sensorFaults: (s.faults.temperature ?? 0) | (s.faults.conductivity ?? 0) | (s.faults.pressure ?? 0),
    clamped: t.clamped || c.clamped || (p?.clamped ?? false),
  });
}

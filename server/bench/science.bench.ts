/**
 * Calibrate + derive + QC throughput (samples/s) of @reeflink/server/science,
 * against a trivial loop over the same arrays (baseline) so the ratio holds
 * on a noisy machine. Run by the root `npm run bench`.
 */
import {
  CalibrationSet,
  QcStream,
  REEF_LAGOON_QC,
  calibrateCtdSample,
  deriveCtd,
  rawCtdSampleFor,
  type CalibrationRecord,
  type QcStreamState,
  type RawCtdSample,
} from '../src/science/index.js';

import type { BenchRow } from './support.js'

const SENSORS = {
  temperature: { sensorType: 'SBE37-temperature', serialNumber: 'bench' },
  conductivity: { sensorType: 'SBE37-conductivity', serialNumber: 'bench' },
  pressure: { sensorType: 'SBE37-pressure', serialNumber: 'bench' },
};
const provenance = { calibrationSheet: 'bench', calibrationDate: '2016-01-15', enteredBy: 'bench' };
const records: CalibrationRecord[] = [
  { id: 'T', sensor: SENSORS.temperature, validFrom: 0, validUntil: null, unit: 'degC', provenance,
    model: { kind: 'thermistor-steinhart-hart', coefficients: { a0: -1.179278e-4, a1: 3.097942e-4, a2: -4.688854e-6, a3: 2.081274e-7 } } },
  { id: 'C', sensor: SENSORS.conductivity, validFrom: 0, validUntil: null, unit: 'S/m', provenance,
    model: { kind: 'conductivity-sbe37', coefficients: { g: -9.899853e-1, h: 1.3141e-1, i: -4.18171e-4, j: 4.723872e-5, CPcor: -9.57e-8, CTcor: 3.25e-6 } } },
  { id: 'P', sensor: SENSORS.pressure, validFrom: 0, validUntil: null, unit: 'dbar', provenance,
    model: { kind: 'pressure-strain-gauge', compensation: 'water-temperature', coefficients: {
      PA0: 1.202594e-1, PA1: 4.514834e-3, PA2: -1.091899e-11, PTCA0: 5.247204e5, PTCA1: 9.617295e-1, PTCA2: 6.296724e-3, PTCB0: 2.498163e1, PTCB1: -2.75e-4, PTCB2: 0 } } },
];

function samples(n: number, set: CalibrationSet): RawCtdSample[] {
  const t0 = Date.UTC(2024, 0, 1);
  return Array.from({ length: n }, (_, k) => {
    const raw = rawCtdSampleFor(
      { time: t0 + k * 600_000, temperature_degC: 25 + Math.sin(k / 72), conductivity_S_m: 5.3 + 0.01 * Math.cos(k / 50), pressure_dbar: 10 + 0.5 * Math.sin(k / 37) },
      SENSORS,
      set,
    );
    return { time: raw.time, temperature: Math.round(raw.temperature ?? 0), conductivity: Math.round(raw.conductivity ?? 0), pressure: Math.round(raw.pressure ?? 0) };
  });
}

function pipeline(raw: readonly RawCtdSample[], set: CalibrationSet): number {
  const streams = {
    temperature: new QcStream(REEF_LAGOON_QC.temperature, 'bench/t'),
    salinity: new QcStream(REEF_LAGOON_QC.salinity, 'bench/s'),
    pressure: new QcStream(REEF_LAGOON_QC.pressure, 'bench/p'),
  };
  const states: Record<keyof typeof streams, QcStreamState | null> = { temperature: null, salinity: null, pressure: null };
  let checksum = 0;
  for (const r of raw) {
    const cal = calibrateCtdSample(r, SENSORS, set);
    const der = deriveCtd(cal, { latitude_deg: -22.3 });
    const values = { temperature: cal.temperature_degC?.value ?? null, salinity: der.practicalSalinity ?? null, pressure: cal.pressure_dbar?.value ?? null };
    for (const v of Object.keys(streams) as Array<keyof typeof streams>) {
      const out = streams[v].step(states[v], { time: r.time, value: values[v], depth_m: der.depth_m ?? null });
      if (out.ok) {
        states[v] = out.value.state;
        checksum += out.value.result.aggregate;
      }
    }
  }
  return checksum;
}

/** The same arrays touched by a trivial per-sample loop: the machine's floor. */
function baseline(raw: readonly RawCtdSample[]): number {
  let acc = 0;
  for (const r of raw) acc += Math.log(r.temperature ?? 1) + (r.conductivity ?? 0) * 1e-6 + (r.pressure ?? 0) * 1e-6;
  return acc;
}

function rate(fn: () => number, n: number): number {
  let best = Infinity;
  for (let rep = 0; rep < 5; rep++) {
    const start = process.hrtime.bigint();
    fn();
    const s = Number(process.hrtime.bigint() - start) / 1e9;
    best = Math.min(best, s);
  }
  return n / best;
}

export async function run(): Promise<BenchRow[]> {
  const set = CalibrationSet.of(records);
  const n = 20_000;
  const raw = samples(n, set);
  pipeline(raw.slice(0, 2000), set); // warm up the JIT
  const ours = rate(() => pipeline(raw, set), n);
  const floor = rate(() => baseline(raw), n);
  return [{ name: 'science: calibrate + derive + QC (T, C, P → SP, depth, 3 QC streams)', value: Math.round(ours), unit: 'samples/s', baseline: Math.round(floor), ratio: ours / floor }];
}

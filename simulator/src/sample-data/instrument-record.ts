// What a moored instrument records of the true ocean, after delayed-mode processing: sensor
// noise, rare spikes (flagged 4), conductivity-cell fouling before each service visit (flagged
// 2 then 3), records missing while the instrument is out of the water or without power, and
// conductivity dropouts (fill values, flag 9). Salinity is computed from the recorded
// conductivity, temperature and pressure, as a processing chain would.
import { conductivityFromSalinity, practicalSalinity, pressureFromDepth } from '@reeflink/server/science';
import { seededRandom, type Random } from '../random/seeded-random.js';
import type { TrueOcean } from './ocean-model.js';
import type { SampleParameter, StationSpec } from './station-spec.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** OceanSITES reference table 2 flags used here. */
export const QC_GOOD = 1;
export const QC_PROBABLY_GOOD = 2;
export const QC_PROBABLY_BAD = 3;
export const QC_BAD = 4;
export const QC_MISSING = 9;

export interface Interval {
  startMs: number;
  endMs: number;
}

export interface MeasuredSeries {
  /** Record times kept (records of gaps are left out), epoch ms. */
  timesMs: Float64Array;
  /** Float32 values as they go into the file; NaN is written as the fill value. */
  values: Partial<Record<SampleParameter, Float32Array>>;
  qc: Partial<Record<SampleParameter, Int8Array>>;
  services: Interval[];
  powerFailures: Interval[];
  conductivityDropouts: Interval[];
}

function inAny(intervals: Interval[], ms: number): boolean {
  for (const iv of intervals) if (ms >= iv.startMs && ms < iv.endMs) return true;
  return false;
}

/** Service visits every `serviceEveryDays` (± 5 days), each a few hours out of the water. */
function serviceVisits(station: StationSpec, random: Random, startMs: number, endMs: number): Interval[] {
  const visits: Interval[] = [];
  const every = station.instrument.serviceEveryDays * DAY_MS;
  const [lo, hi] = station.instrument.serviceHours;
  for (let t = startMs + every; t < endMs; t += every) {
    const at = Math.round((t + random.between(-5, 5) * DAY_MS) / HOUR_MS) * HOUR_MS + 21 * HOUR_MS; // ~08:00 local
    visits.push({ startMs: at, endMs: at + Math.round(random.between(lo, hi) * 6) * (HOUR_MS / 6) });
  }
  return visits;
}

/** `count` intervals of `minDays`–`maxDays` placed at random, away from the ends. */
function randomIntervals(random: Random, count: number, startMs: number, endMs: number, minDays: number, maxDays: number): Interval[] {
  const out: Interval[] = [];
  for (let k = 0; k < count; k++) {
    const length = Math.round(random.between(minDays, maxDays) * 144) * 600_000;
    const from = startMs + 10 * DAY_MS;
    const to = endMs - 10 * DAY_MS - length;
    if (to <= from) continue;
    const at = Math.round(random.between(from, to) / 600_000) * 600_000;
    out.push({ startMs: at, endMs: at + length });
  }
  return out;
}

/** Fraction of conductivity lost to fouling at `ms`: grows quadratically before each visit. */
function foulingAt(visitStarts: number[], foulingDays: number, ms: number): number {
  if (foulingDays <= 0) return 0;
  for (const v of visitStarts) {
    const x = (ms - (v - foulingDays * DAY_MS)) / (foulingDays * DAY_MS);
    if (x > 0 && x < 1) return 0.004 * x * x;
  }
  return 0;
}

function worst(a: number, b: number): number {
  // Missing wins, then bad, then the larger flag.
  if (a === QC_MISSING || b === QC_MISSING) return QC_MISSING;
  return Math.max(a, b);
}

export function recordInstrument(station: StationSpec, ocean: TrueOcean, seed: number): MeasuredSeries {
  const random = (label: string) => seededRandom(seed, 'station', station.platformCode, label);
  const n = ocean.timesMs.length;
  const startMs = Date.parse(station.start);
  const endMs = Date.parse(station.end);
  const inst = station.instrument;
  const services = serviceVisits(station, random('services'), startMs, endMs);
  const powerFailures = randomIntervals(random('power'), inst.powerFailures, startMs, endMs, 4, 12);
  const hasConductivityCell = station.parameters.includes('CNDC') || station.parameters.includes('PSAL');
  const conductivityDropouts = hasConductivityCell ? randomIntervals(random('dropouts'), inst.conductivityDropouts, startMs, endMs, 0.5, 3) : [];
  // The recovery at the end of the period is a service visit too (fouling builds up before it).
  const visitStarts = [...services.map((s) => s.startMs), endMs];

  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    const ms = ocean.timesMs[i]!;
    if (!inAny(services, ms) && !inAny(powerFailures, ms)) keep.push(i);
  }
  const m = keep.length;
  const timesMs = new Float64Array(m);
  const values: Partial<Record<SampleParameter, Float32Array>> = {};
  const qc: Partial<Record<SampleParameter, Int8Array>> = {};
  for (const p of station.parameters) {
    values[p] = new Float32Array(m);
    qc[p] = new Int8Array(m);
  }

  const noise = random('noise');
  const spikes = random('spikes');
  const spike = (amplitude: number): number => (spikes.chance(inst.spikeProbability) ? (spikes.chance(0.5) ? 1 : -1) * spikes.between(0.2, 1) * amplitude : 0);
  const waveSigma = 0.03 * Math.exp(-station.nominalDepth_m / 8);
  const nominalPressure = pressureFromDepth(station.nominalDepth_m, station.latitude);

  for (let k = 0; k < m; k++) {
    const i = keep[k]!;
    const ms = ocean.timesMs[i]!;
    timesMs[k] = ms;

    const tTrue = ocean.temperature_degC[i]!;
    const tSpike = spike(3);
    const temp = tTrue + inst.noise.TEMP * noise.gauss() + tSpike;
    const tFlag = tSpike !== 0 ? QC_BAD : QC_GOOD;
    if (values.TEMP && qc.TEMP) {
      values.TEMP[k] = temp;
      qc.TEMP[k] = tFlag;
    }

    const pTrue = pressureFromDepth(station.nominalDepth_m + ocean.seaLevel_m[i]!, station.latitude);
    const pSpike = station.parameters.includes('PRES') ? spike(3) : 0;
    const pres = station.parameters.includes('PRES') ? pTrue + inst.noise.PRES * noise.gauss() + waveSigma * noise.gauss() + pSpike : nominalPressure;
    const pFlag = pSpike !== 0 ? QC_BAD : QC_GOOD;
    if (values.PRES && qc.PRES) {
      values.PRES[k] = pres;
      qc.PRES[k] = pFlag;
    }

    if (hasConductivityCell && ocean.salinity) {
      const cTrue = conductivityFromSalinity(ocean.salinity[i]!, tTrue, pTrue) / 10; // S/m
      const fouling = foulingAt(visitStarts, inst.foulingDays, ms);
      const cSpike = spike(0.4);
      let cond = cTrue * (1 - fouling) + inst.noise.CNDC * noise.gauss() + cSpike;
      let cFlag = cSpike !== 0 ? QC_BAD : fouling > 0.0025 ? QC_PROBABLY_BAD : fouling > 0.001 ? QC_PROBABLY_GOOD : QC_GOOD;
      if (inAny(conductivityDropouts, ms)) {
        cond = Number.NaN;
        cFlag = QC_MISSING;
      }
      if (values.CNDC && qc.CNDC) {
        values.CNDC[k] = cond;
        qc.CNDC[k] = cFlag;
      }
      if (values.PSAL && qc.PSAL) {
        const sp = Number.isNaN(cond) ? Number.NaN : practicalSalinity(cond * 10, temp, pres);
        values.PSAL[k] = sp;
        qc.PSAL[k] = worst(cFlag, worst(tFlag, pFlag));
      }
    }
  }
  return { timesMs, values, qc, services, powerFailures, conductivityDropouts };
}

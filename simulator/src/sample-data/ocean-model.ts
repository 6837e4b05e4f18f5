// The "true" ocean at a station on a regular time grid: temperature (seasonal cycle, diurnal
// heating, slow anomalies, marine heat waves, internal-tide cooling on slopes), sea level
// (tidal constituents plus a slow residual) and practical salinity (a regime with wet-season
// freshets). Sensor effects (noise, fouling, spikes, gaps) are added later, in instrument-record.ts.
import { seededRandom, type Random } from '../random/seeded-random.js';
import type { HeatWaveSpec, SalinityRegime, StationSpec } from './station-spec.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const TROPICAL_YEAR_DAYS = 365.2422;
const J2000_MS = Date.UTC(2000, 0, 1);

export interface OceanEvent {
  startMs: number;
  durationDays: number;
  /** °C for heat waves, salinity units for freshets. */
  magnitude: number;
}

export interface TrueOcean {
  timesMs: Float64Array;
  temperature_degC: Float64Array;
  /** Sea level above mean, m (tide plus residual). */
  seaLevel_m: Float64Array;
  /** Practical salinity; undefined when the station has no salinity regime. */
  salinity: Float64Array | undefined;
  heatWaves: OceanEvent[];
  freshets: OceanEvent[];
}

/** Day of year with a fractional part, on a mean tropical year (smooth, no leap-year jumps). */
export function dayOfYear(ms: number): number {
  const days = (ms - J2000_MS) / DAY_MS;
  return ((days % TROPICAL_YEAR_DAYS) + TROPICAL_YEAR_DAYS) % TROPICAL_YEAR_DAYS;
}

/** x·x: written out so the bytes never depend on how a runtime implements pow. */
function square(x: number): number {
  return x * x;
}

function seasonal(ms: number, peakDay: number): number {
  return Math.cos((2 * Math.PI * (dayOfYear(ms) - peakDay)) / TROPICAL_YEAR_DAYS);
}

/** A red-noise (AR(1)) process stepped at a fixed interval. */
class RedNoise {
  private value: number;
  private readonly rho: number;
  private readonly innovation: number;
  constructor(
    private readonly random: Random,
    sigma: number,
    timescaleDays: number,
    stepMs: number,
  ) {
    this.rho = Math.exp(-stepMs / (timescaleDays * DAY_MS));
    this.innovation = sigma * Math.sqrt(1 - this.rho * this.rho);
    this.value = sigma * random.gauss();
  }
  next(): number {
    this.value = this.rho * this.value + this.innovation * this.random.gauss();
    return this.value;
  }
}

/** Years (UTC) overlapping [startMs, endMs), plus the one before (its summer reaches into ours). */
function yearsAround(startMs: number, endMs: number): number[] {
  const years: number[] = [];
  for (let y = new Date(startMs).getUTCFullYear() - 1; y <= new Date(endMs).getUTCFullYear(); y++) years.push(y);
  return years;
}

/** Random events in a seasonal window of each year: `perSeason` on average. */
function seasonalEvents(
  random: Random,
  years: number[],
  window: (year: number) => [number, number],
  perSeason: number,
  draw: (random: Random) => { durationDays: number; magnitude: number },
): OceanEvent[] {
  const events: OceanEvent[] = [];
  for (const year of years) {
    const [from, to] = window(year);
    const count = Math.floor(perSeason) + (random.chance(perSeason - Math.floor(perSeason)) ? 1 : 0);
    for (let i = 0; i < count; i++) {
      const startMs = Math.round(random.between(from, to) / HOUR_MS) * HOUR_MS;
      events.push({ startMs, ...draw(random) });
    }
  }
  return events.sort((a, b) => a.startMs - b.startMs);
}

function heatWaveEvents(station: StationSpec, random: Random, years: number[]): OceanEvent[] {
  const t = station.temperature;
  const [lo, hi] = t.heatWaveIntensity_degC;
  // Austral summer heat waves start between December and March.
  const randomOnes = seasonalEvents(
    random,
    years,
    (y) => [Date.UTC(y, 11, 1), Date.UTC(y + 1, 2, 31)],
    t.heatWavesPerSummer,
    (r) => ({ durationDays: r.between(8, 40), magnitude: r.between(lo, hi) }),
  );
  const planted = t.heatWaves.map((h: HeatWaveSpec) => ({ startMs: Date.parse(h.start), durationDays: h.durationDays, magnitude: h.intensity_degC }));
  return [...randomOnes, ...planted].sort((a, b) => a.startMs - b.startMs);
}

/** Raised-cosine bump: 0 outside the event, `magnitude` at its middle. */
function heatWaveAt(events: OceanEvent[], ms: number): number {
  let sum = 0;
  for (const e of events) {
    const x = (ms - e.startMs) / (e.durationDays * DAY_MS);
    if (x > 0 && x < 1) {
      const s = Math.sin(Math.PI * x);
      sum += e.magnitude * s * s;
    }
  }
  return sum;
}

/** A freshet drops salinity over about half a day, then recovers exponentially. */
function freshetShape(ageDays: number, recoveryDays: number): number {
  if (ageDays <= 0) return 0;
  const riseDays = 0.5;
  const peakAt = riseDays * Math.log(1 + recoveryDays / riseDays);
  const raw = (x: number) => (1 - Math.exp(-x / riseDays)) * Math.exp(-x / recoveryDays);
  return raw(ageDays) / raw(peakAt);
}

function freshetEvents(regime: SalinityRegime, random: Random, years: number[]): OceanEvent[] {
  const [lo, hi] = regime.freshetDrop;
  // The wet season: January to April. Drops are skewed: many small rains, a few floods.
  return seasonalEvents(
    random,
    years,
    (y) => [Date.UTC(y, 0, 1), Date.UTC(y, 4, 1)],
    regime.freshetsPerWetSeason,
    (r) => ({ durationDays: regime.freshetRecoveryDays * r.between(0.6, 1.6), magnitude: lo + (hi - lo) * square(r.uniform()) }),
  );
}

function tideAt(station: StationSpec, ms: number): number {
  const hours = (ms - J2000_MS) / HOUR_MS;
  let eta = 0;
  for (const c of station.tides) eta += c.amplitude_m * Math.cos((2 * Math.PI * hours) / c.period_h - (c.phase_deg * Math.PI) / 180);
  return eta;
}

/** Every `intervalS` from start (inclusive) to end (exclusive). */
export function timeGrid(station: StationSpec): Float64Array {
  const start = Date.parse(station.start);
  const end = Date.parse(station.end);
  const step = station.intervalS * 1000;
  const n = Math.max(0, Math.ceil((end - start) / step));
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) times[i] = start + i * step;
  return times;
}

export function simulateOcean(station: StationSpec, seed: number): TrueOcean {
  const timesMs = timeGrid(station);
  const n = timesMs.length;
  const stepMs = station.intervalS * 1000;
  const random = (label: string) => seededRandom(seed, 'station', station.platformCode, label);
  const years = n === 0 ? [] : yearsAround(timesMs[0]!, timesMs[n - 1]!);
  const t = station.temperature;

  const heatWaves = heatWaveEvents(station, random('heat-waves'), years);
  const slowAnomaly = new RedNoise(random('temperature-anomaly'), t.anomalySigma_degC, 20, stepMs);
  const weather = new RedNoise(random('weather'), t.anomalySigma_degC * 0.4, 3, stepMs);
  const clouds = random('clouds');
  const residual = new RedNoise(random('sea-level-residual'), 0.04, 2, stepMs);
  const m2 = station.tides.find((c) => c.name === 'M2');

  const temperature = new Float64Array(n);
  const seaLevel = new Float64Array(n);
  let cloudDay = Number.NaN;
  let sunshine = 1;
  for (let i = 0; i < n; i++) {
    const ms = timesMs[i]!;
    const summer = seasonal(ms, t.warmestDayOfYear);
    const localHours = ((ms / HOUR_MS + station.utcOffset_h) % 24 + 24) % 24;
    const localDay = Math.floor((ms / HOUR_MS + station.utcOffset_h) / 24);
    if (localDay !== cloudDay) {
      // Each day gets its own sunshine: overcast days barely warm the water.
      cloudDay = localDay;
      sunshine = clouds.between(0.25, 1.3);
    }
    const diurnal = t.diurnalAmplitude_degC * (1 + 0.4 * summer) * sunshine * Math.sin((2 * Math.PI * (localHours - 9)) / 24);
    let internalTide = 0;
    if (t.internalTideCooling_degC > 0 && m2) {
      // Stratified summers lift colder water onto the slope at each M2 flood.
      const phase = Math.cos((2 * Math.PI * (ms - J2000_MS)) / (m2.period_h * HOUR_MS) - (m2.phase_deg * Math.PI) / 180 + 0.8);
      internalTide = -t.internalTideCooling_degC * (0.5 + 0.5 * summer) * square(Math.max(0, phase));
    }
    temperature[i] =
      t.mean_degC + t.seasonalAmplitude_degC * summer + slowAnomaly.next() + weather.next() + heatWaveAt(heatWaves, ms) + diurnal + internalTide;
    seaLevel[i] = tideAt(station, ms) + residual.next() + 0.04 * seasonal(ms, 70);
  }

  let salinity: Float64Array | undefined;
  let freshets: OceanEvent[] = [];
  const regime = station.salinity;
  if (regime) {
    freshets = freshetEvents(regime, random('freshets'), years);
    const anomaly = new RedNoise(random('salinity-anomaly'), regime.anomalySigma, 8, stepMs);
    salinity = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const ms = timesMs[i]!;
      let drop = 0;
      for (const f of freshets) drop += f.magnitude * freshetShape((ms - f.startMs) / DAY_MS, f.durationDays);
      const s = regime.mean + regime.seasonalAmplitude * seasonal(ms, regime.saltiestDayOfYear) + anomaly.next() + regime.tidalGradientPerM * seaLevel[i]! - drop;
      salinity[i] = Math.min(42, Math.max(2, s));
    }
  }
  return { timesMs, temperature_degC: temperature, seaLevel_m: seaLevel, salinity, heatWaves, freshets };
}

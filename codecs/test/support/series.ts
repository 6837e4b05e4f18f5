// Synthetic 10-minute buoy series in raw counts, for density tests and benchmarks.
// Counts use the resolutions the simulator's calibrations give (about 0.00025 °C, 0.002 dbar and
// 0.0004 mS/cm per count), so the deltas are those of a real sensor at full resolution.
import fc from 'fast-check'
import type { MeasurementSample } from '../../src/index.js'

export const TEMPERATURE_C_PER_COUNT = 0.00025
export const PRESSURE_DBAR_PER_COUNT = 0.002
export const CONDUCTIVITY_MS_CM_PER_COUNT = 0.0004

/** Small deterministic PRNG (mulberry32) with a Gaussian helper, so series repeat for a seed. */
export function rng(seed: number): { uniform: () => number; gauss: () => number } {
  let a = seed >>> 0
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const gauss = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform())
  return { uniform, gauss }
}

export interface SeriesOptions {
  count: number
  seed?: number
  intervalS?: number
  /** Probability of a spike on each channel of each sample. */
  spikeProbability?: number
  /** Start offset in samples (phase of the cycles). */
  start?: number
}

/**
 * A reef-lagoon series: seasonal + diurnal temperature with red noise, M2 + S2 tides on a 10 dbar
 * mooring, conductivity following temperature at about 35 PSU. Oldest sample first, ages
 * decreasing to 0 at transmission time.
 */
export function realisticSeries(o: SeriesOptions): MeasurementSample[] {
  const r = rng(o.seed ?? 1)
  const dt = o.intervalS ?? 600
  const out: MeasurementSample[] = []
  let red = 0
  for (let k = 0; k < o.count; k++) {
    const tH = ((o.start ?? 0) + k) * (dt / 3600)
    red = 0.97 * red + 0.0025 * r.gauss()
    const temperature =
      25.5 + 1.8 * Math.sin((2 * Math.PI * tH) / 8766) + 0.35 * Math.sin((2 * Math.PI * (tH - 9)) / 24) + red + 0.0004 * r.gauss()
    const pressure =
      10.2 + 0.55 * Math.sin((2 * Math.PI * tH) / 12.42) + 0.2 * Math.sin((2 * Math.PI * tH) / 12) + 0.002 * r.gauss()
    const conductivity = 53.1 + 1.05 * (temperature - 25.5) + 0.0006 * r.gauss()
    const spike = (scale: number) => (o.spikeProbability && r.uniform() < o.spikeProbability ? scale * (r.uniform() * 2 - 1) : 0)
    out.push({
      ageS: (o.count - 1 - k) * dt,
      temperatureRaw: Math.round((temperature + spike(3) + 5) / TEMPERATURE_C_PER_COUNT),
      pressureRaw: Math.round((pressure + spike(2)) / PRESSURE_DBAR_PER_COUNT),
      conductivityRaw: Math.round((conductivity + spike(5)) / CONDUCTIVITY_MS_CM_PER_COUNT),
    })
  }
  return out
}

/** fast-check arbitrary of one valid sample with the given channels present. */
export function sampleArb(channels: { t: boolean; p: boolean; c: boolean }): fc.Arbitrary<MeasurementSample> {
  const raw = fc.integer({ min: 0, max: 0xffffff })
  return fc
    .record({ ageS: fc.integer({ min: 0, max: 0xffffff }), t: raw, p: raw, c: raw })
    .map(({ ageS, t, p, c }) => {
      const s: MeasurementSample = { ageS }
      if (channels.t) s.temperatureRaw = t
      if (channels.p) s.pressureRaw = p
      if (channels.c) s.conductivityRaw = c
      return s
    })
}

/**
 * Frames a buoy would send from a series in live operation: after each sample it packs its queue
 * (ages counted from now) and transmits as soon as the queue holds more than one frame carries.
 * Returns the samples per frame sent.
 */
export function liveFrameSizes(
  series: MeasurementSample[],
  budget: number,
  encode: (q: MeasurementSample[], budget: number) => { ok: boolean; value?: { consumed: number } },
  intervalS = 600,
): number[] {
  const sizes: number[] = []
  let queueStart = 0
  for (let now = 0; now < series.length; now++) {
    const queue = series.slice(queueStart, now + 1).map((s, k) => ({ ...s, ageS: (now - queueStart - k) * intervalS }))
    const r = encode(queue, budget)
    if (!r.ok || !r.value) throw new Error('encoding failed')
    if (r.value.consumed < queue.length) {
      sizes.push(r.value.consumed)
      queueStart += r.value.consumed
    }
  }
  return sizes
}

// Codec benchmarks: encode/decode speed against the simplest possible packing of the same samples
// (fixed 3-byte fields, the raw limit of writing those bytes here), and density on realistic and
// spiky 10-minute series, with the airtime a day of data costs at SF12.
import { decodeUplink, encodeMeasurements, EU868, timeOnAirMs, TTN_DAILY_AIRTIME_MS, type MeasurementSample } from '../src/index.js'
import { liveFrameSizes, realisticSeries } from '../test/support/series.js'
import type { BenchRow } from '../../scripts/bench-row.js'


/** Operations per second of f, measured for about `ms` milliseconds after a warm-up. */
function opsPerSecond(f: () => unknown, ms = 700): number {
  for (let i = 0; i < 200; i++) f()
  let n = 0
  const start = performance.now()
  let now = start
  while (now - start < ms) {
    for (let i = 0; i < 50; i++) f()
    n += 50
    now = performance.now()
  }
  return (n * 1000) / (now - start)
}

/** Fixed-width packing: 3 bytes of age and of each reading per sample. */
function packFixed(samples: MeasurementSample[]): Buffer {
  const b = Buffer.allocUnsafe(samples.length * 12)
  let o = 0
  for (const s of samples) {
    b.writeUIntBE(s.ageS, o, 3)
    b.writeUIntBE(s.temperatureRaw!, o + 3, 3)
    b.writeUIntBE(s.pressureRaw!, o + 6, 3)
    b.writeUIntBE(s.conductivityRaw!, o + 9, 3)
    o += 12
  }
  return b
}

function unpackFixed(b: Buffer): MeasurementSample[] {
  const out: MeasurementSample[] = []
  for (let o = 0; o + 12 <= b.length; o += 12) {
    out.push({ ageS: b.readUIntBE(o, 3), temperatureRaw: b.readUIntBE(o + 3, 3), pressureRaw: b.readUIntBE(o + 6, 3), conductivityRaw: b.readUIntBE(o + 9, 3) })
  }
  return out
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = []
  const queue = realisticSeries({ count: 40, seed: 5 })
  const frame = encodeMeasurements(queue, 51)
  if (!frame.ok) throw new Error(frame.error.message)
  const carried = queue.slice(0, frame.value.consumed)
  const fixed = packFixed(carried)

  const enc = opsPerSecond(() => encodeMeasurements(queue, 51))
  const encBase = opsPerSecond(() => packFixed(carried))
  rows.push({ name: `encode ${frame.value.consumed}-sample T+P+C frame under 51 B`, value: enc, unit: 'frames/s', baseline: encBase, ratio: enc / encBase })
  const dec = opsPerSecond(() => decodeUplink(frame.value.bytes, 1))
  const decBase = opsPerSecond(() => unpackFixed(fixed))
  rows.push({ name: `decode ${frame.value.consumed}-sample T+P+C frame`, value: dec, unit: 'frames/s', baseline: decBase, ratio: dec / decBase })

  const realistic = realisticSeries({ count: 144 * 30, seed: 21 })
  const spiky = realisticSeries({ count: 144 * 30, seed: 21, spikeProbability: 0.05 })
  for (const [label, series] of [['realistic', realistic], ['spiky (5 % spikes)', spiky]] as const) {
    for (const budget of [51, 115, 222]) {
      const sizes = liveFrameSizes(series, budget, encodeMeasurements)
      // Baseline: how many samples the fixed 12-byte packing fits in the same budget.
      const fixedPerFrame = Math.floor((budget - 2) / 12)
      rows.push({ name: `samples per ${budget}-byte frame, ${label} 10-min T+P+C`, value: mean(sizes), unit: 'samples/frame', baseline: fixedPerFrame, ratio: mean(sizes) / fixedPerFrame })
    }
  }
  const perFrame = mean(liveFrameSizes(realistic, 51, encodeMeasurements))
  const dailyMs = Math.ceil(144 / perFrame) * timeOnAirMs(EU868[0], 51, 0, true)
  rows.push({ name: 'uplink airtime per day at SF12, realistic 10-min T+P+C', value: dailyMs / 1000, unit: 's/day', baseline: TTN_DAILY_AIRTIME_MS / 1000, ratio: dailyMs / TTN_DAILY_AIRTIME_MS })
  return rows
}

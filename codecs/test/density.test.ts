// Density is a headline feature of the format: these pin the figures the payload documentation
// promises (counts of samples, not times: speed lives in `npm run bench`).
import { describe, expect, it } from 'vitest'
import { encodeMeasurements } from '../src/index.js'
import { liveFrameSizes, realisticSeries } from './support/series.js'

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

describe('density on a 10-minute temperature + pressure + conductivity series, sent live', () => {
  it('packs at least 15 samples in every 51-byte frame (SF12, EU868): a day in 10 frames', () => {
    const sizes = liveFrameSizes(realisticSeries({ count: 144 * 30, seed: 11 }), 51, encodeMeasurements)
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(15)
    expect(Math.ceil(144 / mean(sizes))).toBeLessThanOrEqual(10)
  })

  it('degrades gracefully on spiky data: fewer samples per frame, never an error', () => {
    const calm = liveFrameSizes(realisticSeries({ count: 144 * 10, seed: 12 }), 51, encodeMeasurements)
    const spiky = liveFrameSizes(realisticSeries({ count: 144 * 10, seed: 12, spikeProbability: 0.1 }), 51, encodeMeasurements)
    expect(Math.min(...spiky)).toBeGreaterThanOrEqual(1)
    expect(mean(spiky)).toBeLessThan(mean(calm))
  })
})

describe('density on exactly predictable data', () => {
  it('a perfectly regular series costs only its column headers, however long', () => {
    const ramp = Array.from({ length: 255 }, (_, k) => ({
      ageS: (254 - k) * 600,
      temperatureRaw: 120000 + 37 * k,
      pressureRaw: 5100 + 11 * k,
      conductivityRaw: 132500 + 24 * k,
    }))
    const r = encodeMeasurements(ramp, 30)
    expect(r.ok && r.value.consumed).toBe(255)
    expect(r.ok && r.value.bytes.length).toBeLessThanOrEqual(30)
  })
})

// Properties of the codec under fast-check: round trips, budgets, and never throwing.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  COMMAND_NAMES,
  decodeDownlink,
  decodeUplink,
  encodeDownlink,
  encodeMeasurements,
  encodeUplink,
  RESET_CAUSES,
  SENSOR_FAULT_NAMES,
  type ConfigCommand,
  type MeasurementSample,
  type StatusMessage,
} from '../src/index.js'
import { realisticSeries, sampleArb } from './support/series.js'

const channelSets = fc
  .record({ t: fc.boolean(), p: fc.boolean(), c: fc.boolean() })
  .filter((s) => s.t || s.p || s.c)

/** Queues of samples sharing one channel set: random ones, and smooth ones like real data. */
const queueArb: fc.Arbitrary<MeasurementSample[]> = fc.oneof(
  channelSets.chain((set) => fc.array(sampleArb(set), { minLength: 1, maxLength: 300 })),
  fc.record({ count: fc.integer({ min: 1, max: 300 }), seed: fc.integer(), spikes: fc.double({ min: 0, max: 0.5, noNaN: true }) }).map((o) =>
    realisticSeries({ count: o.count, seed: o.seed, spikeProbability: o.spikes }),
  ),
)
const budgetArb = fc.integer({ min: 18, max: 242 })

/** A smooth T+P+C series (found by fast-check) whose first 28 and 30 samples fit in 71 bytes but
 * whose first 29 do not. [ageS, temperatureRaw, pressureRaw, conductivityRaw] rows. */
const NON_MONOTONE: { samples: MeasurementSample[]; budget: number } = {
  budget: 71,
  samples: ([[18600, 121008, 5099, 132097], [18000, 120947, 5131, 132057], [17400, 120918, 5163, 132040], [16800, 120876, 5193, 132013], [16200, 120844, 5224, 131990], [15600, 120804, 5254, 131965], [15000, 120779, 5284, 131950], [14400, 120746, 5310, 131925], [13800, 120719, 5336, 131909], [13200, 120690, 5360, 131890], [12600, 120668, 5382, 131877], [12000, 120660, 5403, 131871], [11400, 120657, 5418, 131869], [10800, 120648, 5433, 131864], [10200, 120638, 5447, 131856], [9600, 120619, 5460, 131844], [9000, 120601, 5467, 131833], [8400, 120596, 5472, 131829], [7800, 120589, 5473, 131823], [7200, 120589, 5475, 131822], [6600, 120580, 5471, 131816], [6000, 120584, 5465, 131821], [5400, 120593, 5459, 131825], [4800, 120612, 5447, 131838], [4200, 120620, 5435, 131845], [3600, 120634, 5417, 131855], [3000, 120673, 5400, 131880], [2400, 120711, 5380, 131902], [1800, 120738, 5358, 131922], [1200, 120758, 5333, 131936], [600, 120781, 5307, 131949], [0, 120814, 5282, 131969]] as [number, number, number, number][]).map(([ageS, temperatureRaw, pressureRaw, conductivityRaw]) => ({ ageS, temperatureRaw, pressureRaw, conductivityRaw })),
}

describe('measurement batches', () => {
  it('decode(encode(samples)) gives back the consumed samples exactly', () => {
    fc.assert(
      fc.property(queueArb, budgetArb, (samples, budget) => {
        const r = encodeMeasurements(samples, budget)
        if (!r.ok) {
          expect(r.error.code).toBe('budget_too_small')
          return
        }
        expect(r.value.consumed).toBeGreaterThan(0)
        expect(decodeUplink(r.value.bytes, 1)).toEqual({ ok: true, value: { type: 'measurements', samples: samples.slice(0, r.value.consumed) } })
      }),
      { numRuns: 400 },
    )
  })

  it('never exceeds the byte budget and leaves no room for one more sample', () => {
    fc.assert(
      fc.property(queueArb, budgetArb, (samples, budget) => {
        const r = encodeMeasurements(samples, budget)
        if (!r.ok) return
        expect(r.value.bytes.length).toBeLessThanOrEqual(budget)
        const n = r.value.consumed
        if (n < samples.length && n < 255) {
          // The first n + 1 samples do not all fit. (Fitting is not monotone in the count: column
          // modes and widths follow the data, so a frame may hold 30 samples and not 29; the
          // encoder's search stops at a size that fits next to one that does not, and an encoder
          // given only n + 1 samples may settle below n.)
          const oneMore = encodeMeasurements(samples.slice(0, n + 1), budget)
          expect(oneMore.ok && oneMore.value.consumed).toBeLessThan(n + 1)
        }
      }),
      { numRuns: 400, examples: [[NON_MONOTONE.samples, NON_MONOTONE.budget]] },
    )
  })

  it('fitting is not monotone in the count, and the search still ends next to a size that does not fit', () => {
    const { samples, budget } = NON_MONOTONE
    const all = (k: number) => {
      const r = encodeMeasurements(samples.slice(0, k), budget)
      return r.ok && r.value.consumed === k
    }
    // 28 and 30 of these samples fit in 71 bytes, 29 do not.
    expect([all(28), all(29), all(30)]).toEqual([true, false, true])
    const r = encodeMeasurements(samples, budget)
    expect(r.ok && r.value.consumed).toBe(30)
    expect(all(31)).toBe(false)
  })

  it('a budget too small for one sample is an error, not an empty frame', () => {
    const r = encodeMeasurements([{ ageS: 0, temperatureRaw: 1, pressureRaw: 2, conductivityRaw: 3 }], 8)
    expect(r).toMatchObject({ ok: false, error: { code: 'budget_too_small', field: 'budgetBytes' } })
  })

  it('rejects out-of-range input, naming the field', () => {
    const bad = fc.oneof(
      fc.integer({ min: 0x1000000, max: 2 ** 40 }),
      fc.integer({ min: -(2 ** 40), max: -1 }),
      fc.double({ noInteger: true }),
      fc.constantFrom(NaN, Infinity, -Infinity),
    )
    const field = fc.constantFrom('ageS', 'temperatureRaw', 'pressureRaw', 'conductivityRaw')
    fc.assert(
      fc.property(fc.array(sampleArb({ t: true, p: true, c: true }), { minLength: 1, maxLength: 20 }), fc.nat(), field, bad, (samples, at, name, value) => {
        const i = at % samples.length
        const broken = samples.map((s) => ({ ...s }))
        ;(broken[i] as any)[name] = value
        const r = encodeMeasurements(broken, 242)
        expect(r).toMatchObject({ ok: false, error: { code: 'out_of_range', field: `samples[${i}].${name}` } })
      }),
    )
  })

  it('stops at a change of channel set', () => {
    const r = encodeMeasurements(
      [
        { ageS: 20, temperatureRaw: 5, pressureRaw: 6 },
        { ageS: 10, temperatureRaw: 5 },
      ],
      242,
    )
    expect(r.ok && r.value.consumed).toBe(1)
  })
})

describe('decoding arbitrary bytes', () => {
  it('never throws and always returns a result or a structured error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 260 }), fc.integer({ min: -5, max: 260 }), (bytes, fPort) => {
        for (const r of [decodeUplink(bytes, fPort), decodeDownlink(bytes, fPort), decodeUplink(Array.from(bytes), 1), decodeUplink(bytes, 2)]) {
          if (!r.ok) {
            expect(typeof r.error.code).toBe('string')
            expect(r.error.message.length).toBeGreaterThan(0)
            expect(r.error.offset).toBeGreaterThanOrEqual(0)
            expect(r.error.offset).toBeLessThanOrEqual(bytes.length)
          }
        }
      }),
      { numRuns: 2000 },
    )
  })

  it('what decodes re-encodes to the same bytes (the format has one spelling per message)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 3, maxLength: 60 }), fc.constantFrom(2, 3), (bytes, fPort) => {
        bytes[0] = 0x10
        const d = decodeUplink(bytes, fPort)
        if (d.ok) expect(encodeUplink(d.value)).toEqual({ ok: true, value: { fPort, bytes: Array.from(bytes) } })
      }),
      { numRuns: 2000 },
    )
  })
})

const statusArb: fc.Arbitrary<StatusMessage> = fc.record({
  type: fc.constant('status' as const),
  batteryMv: fc.integer({ min: 0, max: 65535 }),
  firmwareVersion: fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.')),
  resetCause: fc.constantFrom(...RESET_CAUSES),
  uptimeS: fc.integer({ min: 0, max: 4294967295 }),
  queueDepth: fc.integer({ min: 0, max: 65535 }),
  droppedSamples: fc.integer({ min: 0, max: 4294967295 }),
  sensorFaults: fc.subarray(SENSOR_FAULT_NAMES),
  uplinksSent: fc.integer({ min: 0, max: 4294967295 }),
  downlinksReceived: fc.integer({ min: 0, max: 65535 }),
  lastRssiDbm: fc.integer({ min: -32768, max: 32767 }),
  lastSnrDb: fc.integer({ min: -128, max: 127 }).map((q) => q / 4),
  airtimeLast24hMs: fc.integer({ min: 0, max: 4294967295 }),
  sampleIntervalS: fc.integer({ min: 0, max: 65535 }),
})

const commandArb: fc.Arbitrary<ConfigCommand> = fc.oneof(
  fc.integer({ min: 10, max: 65535 }).map((intervalS) => ({ command: 'setInterval', intervalS })),
  fc
    .tuple(fc.nat(255), fc.oneof(fc.constant(0), fc.integer({ min: 18, max: 242 })))
    .map(([samplesPerUplink, maxPayloadBytes]) => ({ command: 'setBatch', samplesPerUplink, maxPayloadBytes })),
  fc.constantFrom('requestStatus', 'clearQueue', 'reboot').map((command) => ({ command })),
)

describe('status, configuration and acknowledgements', () => {
  it('status round trips', () => {
    fc.assert(
      fc.property(statusArb, (s) => {
        const e = encodeUplink(s)
        expect(e.ok).toBe(true)
        if (e.ok) expect(decodeUplink(e.value.bytes, e.value.fPort)).toEqual({ ok: true, value: s })
      }),
    )
  })

  it('configuration downlinks round trip', () => {
    fc.assert(
      fc.property(fc.nat(255), fc.array(commandArb, { minLength: 1, maxLength: 8 }), (seq, commands) => {
        const e = encodeDownlink({ type: 'config', seq, commands })
        expect(e.ok).toBe(true)
        if (e.ok) expect(decodeDownlink(e.value.bytes, e.value.fPort)).toEqual({ ok: true, value: { type: 'config', seq, commands } })
      }),
    )
  })

  it('acknowledgements round trip', () => {
    const result = fc.record({ command: fc.constantFrom(...COMMAND_NAMES.slice(1)), result: fc.constantFrom('ok', 'invalid_argument', 'unsupported') })
    fc.assert(
      fc.property(fc.nat(255), fc.array(result, { minLength: 1, maxLength: 10 }), (seq, results) => {
        const e = encodeUplink({ type: 'configAck', seq, results })
        expect(e.ok).toBe(true)
        if (e.ok) expect(decodeUplink(e.value.bytes, 3)).toEqual({ ok: true, value: { type: 'configAck', seq, results } })
      }),
    )
  })

  it('rejects out-of-range status and configuration fields, naming them', () => {
    const base = fc.sample(statusArb, 1)[0]
    expect(encodeUplink({ ...base, batteryMv: 70000 })).toMatchObject({ ok: false, error: { code: 'out_of_range', field: 'batteryMv' } })
    expect(encodeUplink({ ...base, lastSnrDb: 0.1 })).toMatchObject({ ok: false, error: { code: 'out_of_range', field: 'lastSnrDb' } })
    expect(encodeUplink({ ...base, firmwareVersion: '1.2' })).toMatchObject({ ok: false, error: { field: 'firmwareVersion' } })
    expect(encodeUplink({ ...base, sensorFaults: ['salinity'] })).toMatchObject({ ok: false, error: { field: 'sensorFaults[0]' } })
    expect(encodeDownlink({ type: 'config', seq: 1, commands: [{ command: 'setInterval', intervalS: 5 }] })).toMatchObject({
      ok: false,
      error: { code: 'out_of_range', field: 'commands[0].intervalS' },
    })
    expect(encodeDownlink({ type: 'config', seq: 1, commands: [{ command: 'setBatch', samplesPerUplink: 1, maxPayloadBytes: 300 }] })).toMatchObject({
      ok: false,
      error: { field: 'commands[0].maxPayloadBytes' },
    })
    expect(encodeDownlink({ type: 'config', seq: 300, commands: [{ command: 'reboot' }] })).toMatchObject({ ok: false, error: { field: 'seq' } })
  })
})

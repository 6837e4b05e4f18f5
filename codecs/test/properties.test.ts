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
          const oneMore = encodeMeasurements(samples.slice(0, n + 1), budget)
          expect(oneMore.ok && oneMore.value.consumed).toBe(n)
        }
      }),
      { numRuns: 400 },
    )
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

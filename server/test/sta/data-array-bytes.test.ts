// $resultFormat=dataArray rows are written byte by byte (serialise.ts ByteSink, byteRowWriter):
// the bytes must be those of the text writers and of JSON.stringify of the values we serve in the
// default JSON, on random data (negative, tiny, huge, integer, -0 and null values; times before
// 1970 and past year 9999, fractional milliseconds).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeFixture, type Fixture } from './fixture.js'
import { isoMs } from '../../src/sta/decode.js'
import type { PropertyKind } from '../../src/sta/model.js'
import { ByteSink, byteRowWriter, valueWriter } from '../../src/sta/serialise.js'

/** mulberry32: the same random data on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SPECIAL = [0, -0, 1, -1, 5e-324, -5e-324, 1e-7, 1.5e-7, 1e-6, 123e-20, 1e21, 1e20, 9.99e20, 1.7976931348623157e308, -1.7976931348623157e308, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 2 ** 53 - 1, 0.1, 0.2 + 0.1, 20.98445433596239, -273.15, 1234567.890123, 4294967296, -4294967297]

function randomNumber(r: () => number): number {
  const k = r()
  if (k < 0.15) return SPECIAL[Math.floor(r() * SPECIAL.length)]
  if (k < 0.35) return Math.round((r() - 0.5) * 10 ** Math.floor(r() * 16)) // integers
  if (k < 0.5) return Math.round((r() - 0.5) * 2e6) / 1000 // sensor-like, 3 decimals
  return (r() - 0.5) * 10 ** Math.floor(r() * 80 - 40) // any magnitude, either sign
}

const MAX_ISO = 8.64e15
function randomTime(r: () => number): number {
  const k = r()
  if (k < 0.5) return Math.floor(r() * 253_402_300_800_000) // 1970–9999, the fast path
  if (k < 0.6) return -Math.floor(r() * 62_167_219_200_000) // 0000–1969
  if (k < 0.7) return -Math.floor(r() * MAX_ISO) // negative years
  if (k < 0.8) return 253_402_300_800_000 + Math.floor(r() * (MAX_ISO - 253_402_300_800_000)) // years ≥ 10000
  if (k < 0.9) return Math.floor(r() * 2e12) + r() // fractional milliseconds
  return [0, 86_399_999, 86_400_000, 253_402_300_799_999, 253_402_300_800_000, -1, -62_167_219_200_000, -62_167_219_200_001][Math.floor(r() * 8)]
}

const DEFAULT: { kind: PropertyKind; cols: number[] }[] = [
  { kind: 'id', cols: [0] },
  { kind: 'timeOrInterval', cols: [1, 4] },
  { kind: 'time', cols: [2] },
  { kind: 'result', cols: [3, 5] },
]

/** Equal texts; on a difference, the first differing place (the texts are long). */
function sameText(got: string, want: string): void {
  if (got === want) return
  let i = 0
  while (i < got.length && got[i] === want[i]) i++
  expect(`${got.length}: …${got.slice(Math.max(0, i - 80), i + 80)}`).toBe(`${want.length}: …${want.slice(Math.max(0, i - 80), i + 80)}`)
}

/** What the text writers give for a row (the serialisation before byte rows). */
const textRow = (columns: typeof DEFAULT, row: unknown[]) => `[${columns.map((c) => valueWriter(c.kind, c.cols)(row)).join(',')}]`

describe('req/data-array: byte rows', () => {
  it('ByteSink writes numbers as String() and times as isoMs (Date.toISOString), on random values', () => {
    const r = prng(11)
    const sink = new ByteSink(64)
    for (let i = 0; i < 20_000; i++) {
      const n = randomNumber(r)
      sink.room(40)
      sink.number(n)
      expect(sink.take().toString('latin1')).toBe(String(n))
      const t = randomTime(r)
      sink.room(40)
      sink.iso(t)
      expect(sink.take().toString('latin1')).toBe(isoMs(t))
      expect(isoMs(t)).toBe(new Date(t).toISOString())
    }
  })

  it('a row is byte for byte the text writers\' row and JSON.stringify of the served values; other rows are left to the writers', () => {
    const r = prng(7)
    for (const columns of [DEFAULT, [DEFAULT[3], DEFAULT[1]], [{ kind: 'interval' as const, cols: [1, 4] }, DEFAULT[0]]]) {
      const write = byteRowWriter(columns)!
      expect(write).not.toBeNull()
      const sink = new ByteSink(256)
      for (let i = 0; i < 20_000; i++) {
        const t = randomTime(r)
        // end: none, the same, or another time; result: a number, or NULL with or without JSON.
        const end = r() < 0.6 ? null : r() < 0.5 ? t : randomTime(r)
        const result = r() < 0.9 ? randomNumber(r) : null
        const json = result === null && r() < 0.5 ? JSON.stringify(r() < 0.5 ? { a: randomNumber(r) } : 'text') : null
        const row = [Math.floor(r() * 2 ** 40), t, r() < 0.1 ? null : randomTime(r), result, end, json]
        const want = textRow(columns, row)
        if (write(row, sink)) {
          sameText(sink.take().toString('utf8'), want)
          const values = JSON.parse(want) as unknown[]
          expect(JSON.stringify(values)).toBe(want)
        } else {
          expect(sink.at).toBe(0)
          expect(row[2] === null || result === null || typeof row[0] !== 'number').toBe(true)
        }
      }
    }
    // Columns that are never numbers or times: no byte writer.
    expect(byteRowWriter([{ kind: 'json', cols: [0] }])).toBeNull()
    expect(byteRowWriter([])).toBeNull()
  })
})

describe('req/data-array: random Observations over HTTP', () => {
  let f: Fixture
  let ds = 0
  beforeAll(async () => {
    f = await makeFixture({ maxTop: 50_000 })
    ds = f.ids.psal
    const r = prng(3)
    const ins = f.db.prepare('INSERT INTO observations (datastream_id, phenomenon_time, result, raw, qc, age_s) VALUES (?, ?, ?, NULL, 0, ?)')
    f.db.transaction(() => {
      for (let k = 0; k < 3000; k++) {
        // Times 1970–9999 (stored times are epoch ms; the API accepts those years), random gaps.
        const t = Math.floor(r() * 253_402_300_000_000)
        const age = r() < 0.1 ? null : r() < 0.1 ? r() * 10 : Math.floor(r() * 7200) - 600
        ins.run(ds, t, r() < 0.1 ? null : randomNumber(r), age)
      }
    })()
  })
  afterAll(() => f.close())

  /** The dataArray text of the default JSON's values (the object serialisation). */
  const expected = (body: { value: Record<string, unknown>[] }) => JSON.stringify(body.value.map((e) => [e['@iot.id'], e.phenomenonTime, e.resultTime ?? null, e.result ?? null]))

  for (const top of [5000, 700]) {
    it(`$top=${top} (${top > 1000 ? 'streamed' : 'at once'}): the rows are the default JSON's values, byte for byte`, async () => {
      const a = await f.get(`/v1.1/Datastreams(${ds})/Observations?$resultFormat=dataArray&$top=${top}`)
      expect(a.status).toBe(200)
      const j = await f.get(`/v1.1/Datastreams(${ds})/Observations?$select=id,phenomenonTime,resultTime,result&$top=${top}`)
      const from = a.text.indexOf('"dataArray":') + '"dataArray":'.length
      const to = a.text.indexOf(',"dataArray@iot.count"')
      sameText(a.text.slice(from, to), expected(j.body))
      expect(a.body.value[0]['dataArray@iot.count']).toBe(Math.min(top, 3050))
      expect(Buffer.byteLength(a.text)).toBe(Number(a.headers['content-length'] ?? Buffer.byteLength(a.text)))
    })
  }
})

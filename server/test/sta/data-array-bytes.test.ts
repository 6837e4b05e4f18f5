// $resultFormat=dataArray rows are written byte by byte (serialise.ts ByteSink, shortestFraction,
// dataArrayRowWriter): the bytes must be those of the text writers, of String() and of
// JSON.stringify of the values we serve in the default JSON, on random data (negative, tiny,
// huge, integer, -0 and null values, doubles next to round decimals and powers of two; times
// before 1970 and past year 9999, fractional milliseconds; JSON results, details).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeFixture, type Fixture } from './fixture.js'
import { decode, isoMs } from '../../src/sta/decode.js'
import type { PropertyKind } from '../../src/sta/model.js'
import { ByteSink, dataArrayRowWriter, shortestFraction, valueWriter } from '../../src/sta/serialise.js'

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

  it('shortestFraction writes what String() writes, on doubles of every kind', () => {
    const r = prng(5)
    const f64 = new Float64Array(1)
    const u32 = new Uint32Array(f64.buffer)
    const hi = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0
    const buf = new Uint8Array(64)
    let fast = 0
    const check = (x: number) => {
      const end = shortestFraction(buf, 0, x)
      if (end < 0) return
      fast++
      const got = Buffer.from(buf.subarray(0, end)).toString('latin1')
      if (got !== String(x)) expect(got, `${x}`).toBe(String(x))
    }
    // Any bit pattern; values in and around its domain; sensor-like decimals (whose neighbours
    // sit on the rounding boundaries); the bench's series.
    for (let i = 0; i < 100_000; i++) {
      u32[0] = Math.floor(r() * 2 ** 32)
      u32[hi] = Math.floor(r() * 2 ** 32)
      check(f64[0])
      check((r() - 0.5) * 10 ** (r() * 17 - 1))
      check(Math.round((r() - 0.5) * 10 ** Math.floor(r() * 10)) / 10 ** Math.floor(r() * 7))
      check(20 + Math.sin(i / 144))
    }
    // The 2 000 doubles on either side of powers of two, powers of ten and 1.5 × 2^k.
    for (let k = -3; k < 53; k++) {
      for (const base of [2 ** k, 10 ** Math.max(0, Math.min(k, 15)), 1.5 * 2 ** k]) {
        f64[0] = base
        const h0 = u32[hi]
        const l0 = u32[1 - hi]
        for (let d = -1000; d <= 1000; d++) {
          let l = l0 + d
          let h = h0
          if (l < 0) [l, h] = [l + 2 ** 32, h - 1]
          if (l >= 2 ** 32) [l, h] = [l - 2 ** 32, h + 1]
          u32[1 - hi] = l
          u32[hi] = h
          check(f64[0])
        }
      }
    }
    expect(fast).toBeGreaterThan(350_000)
    // Outside the domain nothing is written: integers, |x| < 0.25, 2^53 and beyond, powers of two below 1.
    for (const x of [0, -0, 1, 2 ** 53 - 1, 0.2, -0.1, 5e-324, 1e21, 0.5, 0.25, -0.5, NaN, Infinity]) expect(shortestFraction(buf, 0, x)).toBe(-1)
  })

  it('each value writer writes JSON.stringify of the decoded value (the object serialisation), on random values of every kind', () => {
    const r = prng(23)
    const pick = <T,>(xs: T[]): T => xs[Math.floor(r() * xs.length)]
    const anyValue = (): unknown => pick([null, undefined, randomNumber(r), randomTime(r), Math.floor(r() * 2 ** 31), 's', 'x"y\\é', '{"a":[1,2.5]}', '[1,null]', 'not json', '{"raw":9,"note":"extra"}'])
    const kinds: PropertyKind[] = ['id', 'string', 'json', 'geometry', 'jsonOrString', 'time', 'resultTime', 'interval', 'timeOrInterval', 'result', 'qc', 'parameters']
    for (let n = 0; n < 20_000; n++) {
      const kind = kinds[n % kinds.length]
      const row = [anyValue(), anyValue(), anyValue(), anyValue()]
      // Typical stored shapes too: packed QC flags, ingest's parameters, times with an age.
      if (kind === 'qc' && r() < 0.7) row[0] = Math.floor(r() * 2 ** 24)
      if (kind === 'parameters' && r() < 0.7) [row[0], row[1], row[2], row[3]] = [Math.floor(r() * 1e6), r() < 0.5 ? '37-0101-T-2024' : null, r() < 0.5 ? '[{"gatewayId":"gw-ouano","rssi":-97,"snr":7.5}]' : null, r() < 0.8 ? null : '{"depth":4}']
      if (kind === 'resultTime' && r() < 0.7) [row[0], row[1], row[2]] = [r() < 0.3 ? randomTime(r) : null, randomTime(r), r() < 0.8 ? Math.floor(r() * 7200) - 600 : r() * 10]
      const cols = [0, 1, 2, 3].slice(0, kind === 'parameters' ? 4 : kind === 'resultTime' ? 3 : 2)
      const write = valueWriter(kind, cols)
      let want: string
      try {
        want = JSON.stringify(decode(kind, cols.map((c) => row[c]))) ?? 'null'
      } catch {
        // A number that is no time (Date's range): both ways fail alike.
        expect(() => write(row)).toThrow(RangeError)
        continue
      }
      expect(write(row), `${kind} ${JSON.stringify(row)}`).toBe(want)
    }
  })

  it('a row is byte for byte the text writers\' row and JSON.stringify of the served values, whatever its values', () => {
    const r = prng(7)
    const QC: { kind: PropertyKind; cols: number[] } = { kind: 'qc', cols: [6, 7] }
    const JSONCOL: { kind: PropertyKind; cols: number[] } = { kind: 'json', cols: [7] }
    // resultTime as the model reads it: stored (column 8, mostly NULL), phenomenonTime, age in s (9).
    const RT: { kind: PropertyKind; cols: number[] } = { kind: 'resultTime', cols: [8, 1, 9] }
    for (const columns of [DEFAULT, [DEFAULT[0], DEFAULT[1], RT, DEFAULT[3]], [DEFAULT[3], DEFAULT[1]], [{ kind: 'interval' as const, cols: [1, 4] }, DEFAULT[0]], [...DEFAULT, QC, JSONCOL, RT], [JSONCOL, DEFAULT[2]]]) {
      const write = dataArrayRowWriter(columns)
      const sink = new ByteSink(256)
      for (let i = 0; i < 20_000; i++) {
        const t = randomTime(r)
        // end: none, the same, or another time; result: a number, or NULL with or without JSON.
        const end = r() < 0.6 ? null : r() < 0.5 ? t : randomTime(r)
        const result = r() < 0.9 ? randomNumber(r) : null
        const json = result === null && r() < 0.5 ? JSON.stringify(r() < 0.5 ? { a: randomNumber(r), 'é': 'ü' } : 'text') : null
        const id = r() < 0.95 ? Math.floor(r() * 2 ** 40) : `id-${i}`
        const age = r() < 0.1 ? null : r() < 0.2 ? r() * 100 - 10 : Math.floor(r() * 7200) - 600
        const row = [id, t, r() < 0.1 ? null : randomTime(r), result, end, json, r() < 0.5 ? Math.floor(r() * 2 ** 20) : null, r() < 0.5 ? '{"b":[1,2.5,"x"]}' : null, r() < 0.2 ? randomTime(r) : null, age]
        const want = textRow(columns, row)
        write(row, sink)
        sameText(sink.take().toString('utf8'), want)
        expect(JSON.stringify(JSON.parse(want))).toBe(want)
      }
    }
  })
})

/** Rows of the Datastream: the fixture's 50, 3 000 plain random ones, EXTRA with details. */
const EXTRA = 200
const N_ROWS = 3050 + EXTRA

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
    // And Observations with details through the API (the Datastream's rows then read the joined
    // plan): JSON, string and array results, intervals, resultQuality, validTime, parameters.
    const iso = (t: number) => new Date(t).toISOString()
    const time = () => Math.floor(r() * 253_402_300_000_000)
    const rows = Array.from({ length: EXTRA }, () => {
      const t = time()
      const k = r()
      const result = k < 0.4 ? randomNumber(r) : k < 0.6 ? { v: randomNumber(r), 'ü': 'é' } : k < 0.8 ? `s${Math.floor(r() * 1000)}` : [randomNumber(r), null, true]
      return [
        r() < 0.3 ? `${iso(t)}/${iso(t + Math.floor(r() * 1e9))}` : iso(t),
        result,
        r() < 0.5 ? iso(time()) : null,
        r() < 0.5 ? { flag: Math.floor(r() * 9), note: 'q' } : null,
        r() < 0.5 ? `${iso(t)}/${iso(t + 3_600_000)}` : null,
        r() < 0.5 ? { depth: randomNumber(r), tags: ['a', 'b'] } : null,
      ]
    })
    const c = await f.send('POST', '/v1.1/CreateObservations', [{ Datastream: { '@iot.id': ds }, components: ['phenomenonTime', 'result', 'resultTime', 'resultQuality', 'validTime', 'parameters'], dataArray: rows }])
    expect(c.status, c.text).toBe(201)
    expect(c.body.filter((x: string) => x === 'error')).toEqual([])
  })
  afterAll(() => f.close())

  /** The dataArray text of the default JSON's values (the object serialisation), components `names`. */
  const expected = (body: { value: Record<string, unknown>[] }, names: string[]) => JSON.stringify(body.value.map((e) => names.map((n) => e[n === 'id' ? '@iot.id' : n] ?? null)))
  const FOUR = ['id', 'phenomenonTime', 'resultTime', 'result']
  const ALL = ['id', 'phenomenonTime', 'result', 'resultTime', 'resultQuality', 'validTime', 'parameters']

  for (const top of [5000, 700]) {
    for (const [names, select] of [[FOUR, `&$select=${FOUR.join(',')}`], [ALL, '']] as const) {
      it(`$top=${top} (${top > 1000 ? 'streamed' : 'at once'}), ${select ? 'four components selected' : 'the default components'}: the rows are the default JSON's values, byte for byte`, async () => {
        const a = await f.get(`/v1.1/Datastreams(${ds})/Observations?$resultFormat=dataArray&$top=${top}${select}`)
        expect(a.status).toBe(200)
        expect(a.body.value[0].components).toEqual(names)
        const j = await f.get(`/v1.1/Datastreams(${ds})/Observations?$top=${top}`)
        const from = a.text.indexOf('"dataArray":') + '"dataArray":'.length
        const to = a.text.indexOf(',"dataArray@iot.count"')
        sameText(a.text.slice(from, to), expected(j.body, [...names]))
        expect(a.body.value[0]['dataArray@iot.count']).toBe(Math.min(top, N_ROWS))
        expect(Buffer.byteLength(a.text)).toBe(Number(a.headers['content-length'] ?? Buffer.byteLength(a.text)))
      })
    }
  }
})

describe('req/data-array: a stored ±Infinity result', () => {
  // SQLite has no NaN but keeps ±Infinity in a REAL column (a row written by another connection,
  // a CLI): served as null, what JSON.stringify of the object serialisation gives, never as the
  // invalid JSON `Infinity` — in the compiled writers, in dataArray's byte rows and in the object path.
  it('is null in JSON, in the object serialisation ($expand) and in dataArray, byte rows or not', async () => {
    const f = await makeFixture()
    try {
      const ds = f.ids.loggerTemp
      const t = Date.UTC(2031, 0, 1)
      const ins = f.db.prepare('INSERT INTO observations (datastream_id, phenomenon_time, result, raw, qc, age_s) VALUES (?, ?, ?, NULL, 0, 60)')
      const ids = [Infinity, -Infinity, 1.5].map((x, k) => Number(ins.run(ds, t + k * 60_000, x).lastInsertRowid))
      const filter = encodeURIComponent(`phenomenonTime ge ${new Date(t).toISOString()}`)
      const urls = [
        `/v1.1/Datastreams(${ds})/Observations?$filter=${filter}&$select=id,result`,
        `/v1.1/Datastreams(${ds})/Observations?$filter=${filter}&$select=id,result&$expand=Datastream($select=id)`,
        `/v1.1/Datastreams(${ds})/Observations?$filter=${filter}&$resultFormat=dataArray&$select=id,result`,
        `/v1.1/Datastreams(${ds})/Observations?$filter=${filter}&$resultFormat=dataArray&$select=id,phenomenonTime,resultTime,result`,
        `/v1.1/Datastreams(${ds})/Observations?$filter=${filter}&$resultFormat=dataArray`,
      ]
      for (const url of urls) {
        const r = await f.app.inject({ method: 'GET', url })
        expect(r.statusCode, url).toBe(200)
        const body = JSON.parse(r.body) as { value: { result?: unknown; components?: string[]; dataArray?: unknown[][] }[] }
        const results = body.value[0].dataArray ? body.value[0].dataArray.map((row) => row[body.value[0].components!.indexOf('result')]) : body.value.map((o) => o.result)
        expect([url, results]).toEqual([url, [null, null, 1.5]])
      }
      for (const x of [Infinity, -Infinity]) expect(valueWriter('result', [0, 1])([x, null])).toBe(JSON.stringify(decode('result', [x, null])))
      const sink = new ByteSink(64)
      dataArrayRowWriter(DEFAULT)([ids[0], t, t, Infinity, null, null], sink)
      expect(sink.take().toString('utf8')).toBe(`[${ids[0]},"${isoMs(t)}","${isoMs(t)}",null]`)
    } finally {
      await f.close()
    }
  })
})

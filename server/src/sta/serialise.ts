// Rows → JSON text without intermediate objects, for the hot read paths (default collections
// without $expand, dataArray). Each plan compiles its writers once; a writer reads the raw row
// (an array, better-sqlite3 raw mode) by column index and returns JSON text. Output is what
// JSON.stringify of the object serialisation (read/objects.ts toEntity) gives, byte for byte.
// A column a lean Observation row leaves out (read/plan.ts) reads as undefined: same as NULL.
import { decode, isoMs, isoTime, resultTimeMs } from './decode.js'
import type { Annotations } from './extensions.js'
import type { PropertyKind } from './model.js'

export type ValueWriter = (row: unknown[]) => string

// Stored JSON text → its output text (JSON.stringify of the parsed value, or of the text itself
// when it does not parse), remembered: the same properties, units and geometries come back in
// every response (entities change rarely; a bounded map, cleared when full).
const JSON_TEXTS = new Map<string, string>()
const JSON_TEXTS_MAX = 4096
const JSON_TEXT_LONGEST = 4096

function jsonText(text: string): string {
  let out = JSON_TEXTS.get(text)
  if (out === undefined) {
    out = JSON.stringify(decode('json', [text]))
    if (text.length <= JSON_TEXT_LONGEST) {
      if (JSON_TEXTS.size >= JSON_TEXTS_MAX) JSON_TEXTS.clear()
      JSON_TEXTS.set(text, out)
    }
  }
  return out
}

/** JSON text of one property value from its columns (indexes into the row). */
export function valueWriter(kind: PropertyKind, cols: number[]): ValueWriter {
  const [i, j] = cols
  switch (kind) {
    case 'id':
      return (r) => (typeof r[i] === 'number' ? String(r[i]) : JSON.stringify(r[i] ?? null))
    case 'time':
      return (r) => (typeof r[i] === 'number' ? `"${isoMs(r[i] as number)}"` : JSON.stringify(decode(kind, [r[i]])))
    case 'resultTime': {
      const k = cols[2]
      return (r) => {
        const t = resultTimeMs(r[i], r[j], r[k])
        return typeof t === 'number' ? `"${isoMs(t)}"` : JSON.stringify(isoTime(t))
      }
    }
    case 'timeOrInterval':
      return (r) => {
        const a = r[i]
        const b = r[j]
        if (typeof a !== 'number' || (b != null && typeof b !== 'number')) return JSON.stringify(decode(kind, [a, b]))
        return b == null || b === a ? `"${isoMs(a)}"` : `"${isoMs(a)}/${isoMs(b as number)}"`
      }
    case 'result':
      // SQLite has no NaN but keeps ±Infinity in a REAL (a row written by another connection):
      // those, like JSON results, go through decode and JSON.stringify (null), never String().
      return (r) => (r[j] == null && typeof r[i] === 'number' && Number.isFinite(r[i]) ? String(r[i]) : JSON.stringify(decode(kind, [r[i], r[j]])))
    case 'interval':
      return (r) => {
        const a = r[i]
        const b = r[j]
        if (typeof a !== 'number' || (b != null && typeof b !== 'number')) return JSON.stringify(decode(kind, [a, b]))
        return `"${isoMs(a)}/${isoMs((b ?? a) as number)}"`
      }
    case 'json':
    case 'geometry':
      return (r) => (typeof r[i] === 'string' ? jsonText(r[i] as string) : JSON.stringify(decode(kind, [r[i]])))
    case 'qc':
      // Packed QARTOD flags: a few distinct values (most rows pass every test), their text remembered.
      return (r) => (typeof r[i] === 'number' ? qcText(r[i] as number) : JSON.stringify(decode(kind, [r[i], r[j]])))
    case 'parameters': {
      const [, , k, l] = cols
      return (r) => parametersText(r[i], r[j], r[k], r[l])
    }
    default:
      return (r) => JSON.stringify(decode(kind, cols.map((c) => r[c]))) ?? 'null'
  }
}

const QC_TEXTS = new Map<number, string>()

function qcText(qc: number): string {
  let t = QC_TEXTS.get(qc)
  if (t === undefined) {
    t = JSON.stringify(decode('qc', [qc, null]))
    if (QC_TEXTS.size >= 4096) QC_TEXTS.clear()
    QC_TEXTS.set(qc, t)
  }
  return t
}

/** An Observation's parameters as JSON text: JSON.stringify(parametersOf(…)) (decode.ts), with
 * the common shapes (a raw reading, a calibration record, the gateways, no stored extras)
 * written directly. */
function parametersText(raw: unknown, calibration: unknown, receptions: unknown, extra: unknown): string {
  if (extra !== null && extra !== undefined) return JSON.stringify(decode('parameters', [raw, calibration, receptions, extra])) ?? 'null'
  let text = ''
  if (raw !== null && raw !== undefined) {
    if (typeof raw !== 'number' || !Number.isFinite(raw)) return JSON.stringify(decode('parameters', [raw, calibration, receptions, extra])) ?? 'null'
    text = `,"raw":${raw}`
  }
  if (typeof calibration === 'string') text += `,"calibration":${JSON.stringify(calibration)}`
  if (typeof receptions === 'string') text += `,"gateways":${jsonText(receptions)}`
  return text ? `{${text.slice(1)}}` : 'null'
}

export interface EntityWriterSpec {
  plural: string
  selectId: boolean
  outputs: { name: string; kind: PropertyKind; cols: number[] }[]
  navLinks: string[]
  annotations: { def: Annotations; cols: number[] } | null
}

/** Whole entities as JSON text (no expansions, no deep $select), or null when the plan needs the
 * object path (duplicate names would collapse into one key there). */
export function entityWriter(spec: EntityWriterSpec): ((base: string, root: string, row: unknown[]) => string) | null {
  const names = spec.outputs.map((o) => o.name)
  if (new Set(names).size !== names.length || (spec.selectId && names.some((n) => n.startsWith('@iot.')))) return null
  const values = spec.outputs.map((o) => ({ key: JSON.stringify(o.name) + ':', write: valueWriter(o.kind, o.cols) }))
  const navs = spec.navLinks.map((n) => ({ key: JSON.stringify(`${n}@iot.navigationLink`) + ':', suffix: `/${n}"` }))
  let lastBase = ''
  let prefix = ''
  const ann = spec.annotations
  const annKeys = new Map<string, string>()
  for (const k of ann?.def.keys ?? []) annKeys.set(k, JSON.stringify(k) + ':')
  return (base, root, row) => {
    if (base !== lastBase) {
      lastBase = base
      prefix = `${base}/${spec.plural}(`
    }
    const id = row[0]
    const self = JSON.stringify(prefix + id + ')')
    let text = '{'
    let sep = ''
    if (spec.selectId) {
      text += `"@iot.selfLink":${self},"@iot.id":${typeof id === 'number' ? String(id) : JSON.stringify(id)}`
      sep = ','
    }
    for (const v of values) {
      text += sep + v.key + v.write(row)
      sep = ','
    }
    if (navs.length) {
      const head = self.slice(0, -1)
      for (const n of navs) {
        text += sep + n.key + head + n.suffix
        sep = ','
      }
    }
    if (ann) {
      for (const [k, v] of ann.def.links(root, id, ann.cols.map((c) => row[c]))) {
        text += sep + (annKeys.get(k) ?? JSON.stringify(k) + ':') + JSON.stringify(v)
        sep = ','
      }
    }
    return text + '}'
  }
}

// dataArray rows written as bytes. A one-year series is ~52 000 rows of numbers and times; as
// strings each row made ~8 of them (numbers, time texts, the row), then a 64 KiB concatenation
// that V8 flattens before encoding it. Here a row's numbers and times are written digit by digit
// into the response Buffer, non-integer numbers too (shortestFraction below: JavaScript's
// shortest round-trip text without String(), which cost a quarter of a one-year dataArray); only
// numbers outside its domain go through String(). The bytes are those of the valueWriters' text
// (tested on random rows in data-array-bytes.test.ts).

const DAY = 86_400_000
/** isoMs writes years 0000–9999 as YYYY-MM-DD; other times go through isoMs itself. */
const MAX_FAST = 253_402_300_800_000

/** "00".."99" and "000".."999" as ASCII digits, for times of day. */
const PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 48 + (i & 1 ? (i >> 1) % 10 : Math.floor((i >> 1) / 10)))
const TRIPLES = Uint8Array.from({ length: 3000 }, (_, i) => {
  const n = Math.floor(i / 3)
  return 48 + [Math.floor(n / 100), Math.floor(n / 10) % 10, n % 10][i % 3]
})

/** Writes a safe integer n >= 0 at `at` in decimal; the end. */
function writeDigits(b: Uint8Array, at: number, n: number): number {
  if (n < 2_147_483_648) {
    // Int32 arithmetic (ids, counts, most integer parts): a third of the time of the loop below.
    let v = n | 0
    const digits = v < 100_000 ? (v < 100 ? (v < 10 ? 1 : 2) : v < 1000 ? 3 : v < 10_000 ? 4 : 5) : v < 10_000_000 ? (v < 1_000_000 ? 6 : 7) : v < 100_000_000 ? 8 : v < 1_000_000_000 ? 9 : 10
    const end = at + digits
    let w = end
    do {
      const q = (v / 10) | 0
      b[--w] = 48 + v - q * 10
      v = q
    } while (v > 0)
    return end
  }
  let digits = 1
  for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++
  const end = at + digits
  let w = end
  do {
    const q = Math.floor(n / 10)
    b[--w] = 48 + (n - q * 10)
    n = q
  } while (n > 0)
  return end
}

/** A growing byte buffer for one response chunk. */
export class ByteSink {
  buf: Buffer
  at = 0
  /** The day of the last time written (epoch ms of its midnight) and its text, YYYY-MM-DDT. */
  private dayStart = NaN
  private readonly dayBytes = new Uint8Array(11)

  constructor(private readonly size: number) {
    this.buf = Buffer.allocUnsafe(size)
  }

  /** Makes room for `n` more bytes. */
  room(n: number): void {
    if (this.at + n <= this.buf.length) return
    const grown = Buffer.allocUnsafe(Math.max(this.size, 2 * (this.at + n)))
    this.buf.copy(grown, 0, 0, this.at)
    this.buf = grown
  }

  /** Any text, UTF-8. */
  text(s: string): number {
    this.room(s.length * 3)
    const b = this.buf
    const start = this.at
    // Short ASCII texts byte by byte (Buffer.write costs more per call than this loop).
    if (s.length <= 64) {
      let at = start
      let i = 0
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i)
        if (c >= 128) break
        b[at++] = c
      }
      if (i === s.length) {
        this.at = at
        return at - start
      }
    }
    const n = b.write(s, start, 'utf8')
    this.at += n
    return n
  }

  /** ASCII text (room made by the caller). */
  ascii(s: string): void {
    const b = this.buf
    let at = this.at
    for (let i = 0; i < s.length; i++) b[at++] = s.charCodeAt(i)
    this.at = at
  }

  byte(c: number): void {
    this.buf[this.at++] = c
  }

  /** A JavaScript number as String(n) writes it. */
  number(n: number): void {
    if (!Number.isSafeInteger(n)) {
      const end = shortestFraction(this.buf, this.at, n)
      if (end < 0) return this.ascii(String(n))
      this.at = end
      return
    }
    const b = this.buf
    if (n < 0) {
      b[this.at++] = 45 // -
      n = -n
    }
    this.at = writeDigits(b, this.at, n)
  }

  /** Epoch ms as isoMs (Date.toISOString) writes it. */
  iso(ms: number): void {
    let r = ms - this.dayStart
    // Another day (or a time outside 1970–9999, or fractional ms: isoMs itself).
    if (!(r >= 0 && r < DAY && Number.isInteger(r))) {
      if (!Number.isInteger(ms) || ms < 0 || ms >= MAX_FAST) return this.ascii(isoMs(ms))
      this.dayStart = Math.floor(ms / DAY) * DAY
      const text = new Date(this.dayStart).toISOString()
      for (let i = 0; i < 11; i++) this.dayBytes[i] = text.charCodeAt(i)
      r = ms - this.dayStart
    }
    const b = this.buf
    const d = this.dayBytes
    let at = this.at
    b[at] = d[0]
    b[at + 1] = d[1]
    b[at + 2] = d[2]
    b[at + 3] = d[3]
    b[at + 4] = d[4]
    b[at + 5] = d[5]
    b[at + 6] = d[6]
    b[at + 7] = d[7]
    b[at + 8] = d[8]
    b[at + 9] = d[9]
    b[at + 10] = d[10]
    at += 11
    const h = (r / 3_600_000) | 0
    r -= h * 3_600_000
    const m = (r / 60_000) | 0
    r -= m * 60_000
    const sec = (r / 1000) | 0
    r = 3 * (r - sec * 1000)
    b[at] = PAIRS[2 * h]
    b[at + 1] = PAIRS[2 * h + 1]
    b[at + 2] = 58 // :
    b[at + 3] = PAIRS[2 * m]
    b[at + 4] = PAIRS[2 * m + 1]
    b[at + 5] = 58
    b[at + 6] = PAIRS[2 * sec]
    b[at + 7] = PAIRS[2 * sec + 1]
    b[at + 8] = 46 // .
    b[at + 9] = TRIPLES[r]
    b[at + 10] = TRIPLES[r + 1]
    b[at + 11] = TRIPLES[r + 2]
    b[at + 12] = 90 // Z
    this.at = at + 13
  }

  /** The bytes written so far; writing goes on in a fresh buffer. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.at)
    this.buf = Buffer.allocUnsafe(this.size)
    this.at = 0
    return out
  }
}

// Shortest round-trip text of a non-integer double, as String() writes it, without a string:
// the free-format digit generation of Steele & White / Burger & Dybvig (the algorithm of V8's
// bignum-dtoa, which its fast Grisu3 path agrees with) in exact double arithmetic. x = I + F with
// I its integer part (written as is: no other double's rounding interval holds an integer, so
// every candidate shares it) and F the fraction, F = r / S with S = 2^e; the rounding interval
// reaches half an ulp on either side, m = 1/2 in the same units. Each digit multiplies r by 10
// (r·5 against S/2: r keeps one factor 2 per digit, so it stays an integer below 2^53), the
// digit is floor(r / S), and the digits stop as soon as the prefix (low) or the prefix with its
// last digit raised (high) lies in the interval. (Its ends would count for an even significand,
// round-half-even reading, but r is an integer and m = 5^j / 2 is not: a candidate never falls
// on an end.) Both in: the nearer, a tie to the even digit. Exact while r < 2^53:
// |x| >= 0.25 (the first step of |x| < 4 splits 5r in two limbs of 26 bits); smaller numbers,
// powers of two below 1 (their lower neighbour is nearer) and the rest go through String().
// data-array-bytes.test.ts compares it with String() on millions of doubles.
const F64 = new Float64Array(1)
const U32 = new Uint32Array(F64.buffer)
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1
const HI = LITTLE_ENDIAN ? 1 : 0
const LO = 1 - HI
const P26 = 2 ** 26
const INV26 = 2 ** -26
const P49 = 2 ** 49
const P53 = 2 ** 53
const POW2 = Array.from({ length: 56 }, (_, i) => 2 ** i)
const INV2 = Array.from({ length: 56 }, (_, i) => 2 ** -i)

/** Writes x (a double that is not a safe integer) at `at` as String(x) would; the end, or -1
 * (nothing usable written) outside the fast domain: 0.25 <= |x| < 2^53, not an integer. */
export function shortestFraction(b: Uint8Array, at: number, x: number): number {
  if (!(x >= 0.25 ? x < P53 : x <= -0.25 && x > -P53) || Number.isInteger(x)) return -1
  F64[0] = x
  const hi = U32[HI]
  const lo = U32[LO]
  const p = ((hi >>> 20) & 0x7ff) - 1023
  if (p < 0 && lo === 0 && (hi & 0xfffff) === 0) return -1
  if (x < 0) {
    b[at++] = 45 // -
    x = -x
  }
  const I = Math.floor(x)
  at = writeDigits(b, at, I)
  b[at++] = 46 // .
  let e = 52 - p
  let r = (x - I) * POW2[e]
  let m = 0.5
  for (;;) {
    e--
    const S = POW2[e]
    let d: number
    if (S <= P49) {
      const t = r * 5
      d = Math.floor(t * INV2[e])
      r = t - d * S
    } else {
      const rh = Math.floor(r * INV26)
      const l = (r - rh * P26) * 5
      const c = Math.floor(l * INV26)
      const q = rh * 5 + c
      d = Math.floor(q * INV2[e - 26])
      r = (q - d * POW2[e - 26]) * P26 + (l - c * P26)
    }
    m *= 5
    const low = r < m
    const high = S - r < m
    if (!low && !high) {
      b[at++] = 48 + d
      continue
    }
    if (high && (!low || 2 * r > S || (2 * r === S && (d & 1) === 1))) d++
    // Never 10 (a shorter prefix would have stopped the digits earlier); kept as a guard.
    if (d > 9) return -1
    b[at++] = 48 + d
    return at
  }
}

/** Most bytes one column of a byte row may take (numbers, two extended-year ISO times). */
const BYTE_COLUMN_MAX = 80

/** One column of a dataArray row: `fits` tells whether the row's value is a number or a time
 * (else the row goes through the valueWriters), `put` writes it. */
interface ByteColumn {
  fits: (r: unknown[]) => boolean
  put: (r: unknown[], out: ByteSink) => void
}

const QUOTE = 34
const SLASH = 47

function byteColumn(kind: PropertyKind, [i, j, k]: number[]): ByteColumn | null {
  switch (kind) {
    case 'resultTime':
      return {
        fits: (r) => typeof r[i] === 'number' || (r[i] == null && typeof r[j] === 'number' && typeof r[k] === 'number'),
        put: (r, out) => {
          const stored = r[i]
          out.byte(QUOTE)
          out.iso(typeof stored === 'number' ? stored : (r[j] as number) + (r[k] as number) * 1000)
          out.byte(QUOTE)
        },
      }
    case 'id':
      return { fits: (r) => typeof r[i] === 'number', put: (r, out) => out.number(r[i] as number) }
    case 'time':
      return {
        fits: (r) => typeof r[i] === 'number',
        put: (r, out) => {
          out.byte(QUOTE)
          out.iso(r[i] as number)
          out.byte(QUOTE)
        },
      }
    case 'timeOrInterval':
    case 'interval':
      return {
        fits: (r) => typeof r[i] === 'number' && (r[j] == null || typeof r[j] === 'number'),
        put: (r, out) => {
          const a = r[i] as number
          const b = r[j] as number | null | undefined
          out.byte(QUOTE)
          out.iso(a)
          if (kind === 'interval' || (b != null && b !== a)) {
            out.byte(SLASH)
            out.iso(b ?? a)
          }
          out.byte(QUOTE)
        },
      }
    case 'result':
      return { fits: (r) => r[j] == null && typeof r[i] === 'number' && Number.isFinite(r[i]), put: (r, out) => out.number(r[i] as number) }
    default:
      return null
  }
}

/** Writes a dataArray row (`[v1,v2,…]`) into a ByteSink as the valueWriters' text would read
 * `[${writers.join(',')}]`: a column whose value is a number or a time (ByteColumn.fits) byte by
 * byte, any other value (a string id, a JSON or NULL result, resultQuality, parameters…) as its
 * valueWriter's text. */
export function dataArrayRowWriter(columns: { kind: PropertyKind; cols: number[] }[]): (r: unknown[], out: ByteSink) => void {
  const w = columns.map((c) => ({ bytes: byteColumn(c.kind, c.cols), text: valueWriter(c.kind, c.cols) }))
  const most = w.length * BYTE_COLUMN_MAX + 4
  const mixed = (r: unknown[], out: ByteSink): void => {
    out.room(most)
    out.byte(91) // [
    for (let k = 0; k < w.length; k++) {
      if (k) out.byte(44) // ,
      const c = w[k]
      if (c.bytes !== null && c.bytes.fits(r)) c.bytes.put(r, out)
      else {
        out.text(c.text(r))
        out.room(most)
      }
    }
    out.byte(93) // ]
  }
  if (w.length !== 4 || w.some((c) => c.bytes === null)) return mixed
  // Four columns of numbers and times (id, phenomenonTime, resultTime, result: the bench's and
  // the charts' rows), without a loop.
  const [a, b, c, d] = w.map((x) => x.bytes!)
  return (r, out) => {
    if (!(a.fits(r) && b.fits(r) && c.fits(r) && d.fits(r))) return mixed(r, out)
    out.room(most)
    out.byte(91)
    a.put(r, out)
    out.byte(44)
    b.put(r, out)
    out.byte(44)
    c.put(r, out)
    out.byte(44)
    d.put(r, out)
    out.byte(93)
  }
}

// Rows → JSON text without intermediate objects, for the hot read paths (default collections
// without $expand, dataArray). Each plan compiles its writers once; a writer reads the raw row
// (an array, better-sqlite3 raw mode) by column index and returns JSON text. Output is what
// JSON.stringify of the object serialisation (read/objects.ts toEntity) gives, byte for byte.
// A column a lean Observation row leaves out (read/plan.ts) reads as undefined: same as NULL.
import { decode, isoMs } from './decode.js'
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
    case 'timeOrInterval':
      return (r) => {
        const a = r[i]
        const b = r[j]
        if (typeof a !== 'number' || (b != null && typeof b !== 'number')) return JSON.stringify(decode(kind, [a, b]))
        return b == null || b === a ? `"${isoMs(a)}"` : `"${isoMs(a)}/${isoMs(b as number)}"`
      }
    case 'result':
      // A REAL is finite (SQLite has no NaN); JSON results go through decode (parse, re-stringify).
      return (r) => (r[j] == null && typeof r[i] === 'number' ? String(r[i]) : JSON.stringify(decode(kind, [r[i], r[j]])))
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
    default:
      return (r) => JSON.stringify(decode(kind, cols.map((c) => r[c]))) ?? 'null'
  }
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
// into the response Buffer; only a non-integer number goes through String() (JavaScript's
// shortest round-trip text). The bytes are those of the valueWriters' text (tested on random
// rows in read-chunks.test.ts).

const DAY = 86_400_000
/** isoMs writes years 0000–9999 as YYYY-MM-DD; other times go through isoMs itself. */
const MAX_FAST = 253_402_300_800_000

/** A growing byte buffer for one response chunk. */
export class ByteSink {
  buf: Buffer
  at = 0
  private day = NaN
  private dayText = ''

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
    const n = this.buf.write(s, this.at, 'utf8')
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
    if (!Number.isSafeInteger(n)) return this.ascii(String(n))
    const b = this.buf
    if (n < 0) {
      b[this.at++] = 45 // -
      n = -n
    }
    let digits = 1
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++
    let at = this.at + digits
    this.at = at
    do {
      const q = Math.floor(n / 10)
      b[--at] = 48 + (n - q * 10)
      n = q
    } while (n > 0)
  }

  /** Epoch ms as isoMs (Date.toISOString) writes it. */
  iso(ms: number): void {
    if (!Number.isInteger(ms) || ms < 0 || ms >= MAX_FAST) return this.ascii(isoMs(ms))
    const day = Math.floor(ms / DAY)
    if (day !== this.day) {
      this.day = day
      this.dayText = new Date(day * DAY).toISOString().slice(0, 11)
    }
    const b = this.buf
    const d = this.dayText
    let at = this.at
    for (let i = 0; i < 11; i++) b[at++] = d.charCodeAt(i)
    let r = ms - day * DAY
    const h = (r / 3_600_000) | 0
    r -= h * 3_600_000
    const m = (r / 60_000) | 0
    r -= m * 60_000
    const sec = (r / 1000) | 0
    r -= sec * 1000
    b[at] = 48 + ((h / 10) | 0)
    b[at + 1] = 48 + (h % 10)
    b[at + 2] = 58 // :
    b[at + 3] = 48 + ((m / 10) | 0)
    b[at + 4] = 48 + (m % 10)
    b[at + 5] = 58
    b[at + 6] = 48 + ((sec / 10) | 0)
    b[at + 7] = 48 + (sec % 10)
    b[at + 8] = 46 // .
    b[at + 9] = 48 + ((r / 100) | 0)
    b[at + 10] = 48 + (((r / 10) | 0) % 10)
    b[at + 11] = 48 + (r % 10)
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

/** Most bytes one column of a byte row may take (numbers, two extended-year ISO times). */
export const BYTE_COLUMN_MAX = 80

/** One column of a dataArray row: `fits` tells whether the row's value is a number or a time
 * (else the row goes through the valueWriters), `put` writes it. */
interface ByteColumn {
  fits: (r: unknown[]) => boolean
  put: (r: unknown[], out: ByteSink) => void
}

const QUOTE = 34
const SLASH = 47

function byteColumn(kind: PropertyKind, [i, j]: number[]): ByteColumn | null {
  switch (kind) {
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
      return { fits: (r) => r[j] == null && typeof r[i] === 'number', put: (r, out) => out.number(r[i] as number) }
    default:
      return null
  }
}

/** Writes a dataArray row (`[v1,v2,…]`) of numbers and times into a ByteSink, as the
 * valueWriters would write its text, and gives true; gives false without writing anything for a
 * row with another value (a string id, a JSON result…). Null when a column is never written so. */
export function byteRowWriter(columns: { kind: PropertyKind; cols: number[] }[]): ((r: unknown[], out: ByteSink) => boolean) | null {
  const cs = columns.map((c) => byteColumn(c.kind, c.cols))
  if (!cs.length || cs.some((c) => c === null)) return null
  const w = cs as ByteColumn[]
  const most = w.length * BYTE_COLUMN_MAX + 4
  if (w.length === 4) {
    // The default dataArray (id, phenomenonTime, resultTime, result), without a loop.
    const [a, b, c, d] = w
    return (r, out) => {
      if (!(a.fits(r) && b.fits(r) && c.fits(r) && d.fits(r))) return false
      out.room(most)
      out.byte(91) // [
      a.put(r, out)
      out.byte(44) // ,
      b.put(r, out)
      out.byte(44)
      c.put(r, out)
      out.byte(44)
      d.put(r, out)
      out.byte(93) // ]
      return true
    }
  }
  return (r, out) => {
    for (let k = 0; k < w.length; k++) if (!w[k].fits(r)) return false
    out.room(most)
    out.byte(91)
    for (let k = 0; k < w.length; k++) {
      if (k) out.byte(44)
      w[k].put(r, out)
    }
    out.byte(93)
    return true
  }
}

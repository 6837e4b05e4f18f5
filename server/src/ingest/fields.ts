// Field parsing shared by every ingest format: tolerant base64, EUIs and DevAddrs, timestamps, and
// a reader that pulls typed fields out of parsed JSON, naming the first bad one by its path.
// JSON `null` counts as absent everywhere: proto3 JSON mappings may write it for unset fields.
import { rejected, type Parsed, type Rejection, type RejectionReason } from './rejections.js'

/**
 * Decodes base64 in the standard or URL alphabet (even mixed: Semtech's own PROTOCOL.TXT example
 * "-DS4CGaDCdG+48eJ…" uses both), padded or not. Returns undefined for anything else: other
 * characters, whitespace, a length no encoder produces, or more '=' than the last quantum needs.
 */
export function decodeBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return undefined
  const body = text.replace(/=+$/, '')
  const padding = text.length - body.length
  const rest = body.length % 4
  if (rest === 1) return undefined
  if (padding > 0 && padding !== (4 - rest) % 4) return undefined
  // Node's base64 decoder reads both alphabets and needs no padding.
  return Buffer.from(body, 'base64')
}

/** A 64-bit EUI written as 16 hex digits (any case) → 16 lower-case hex digits. */
export function normaliseEui(text: string): string | undefined {
  return /^[0-9a-fA-F]{16}$/.test(text) ? text.toLowerCase() : undefined
}

/** A DevAddr written as 8 hex digits → 8 lower-case hex digits. */
export function normaliseDevAddr(text: string): string | undefined {
  return /^[0-9a-fA-F]{8}$/.test(text) ? text.toLowerCase() : undefined
}

// Go's zero time ("0001-01-01T00:00:00Z") and other pre-GPS dates mean "no time": gateways
// without a time source write them.
const EARLIEST_REAL_TIME_MS = Date.UTC(1980, 0, 6)

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/

export type ParsedTime = { kind: 'time'; iso: string; epochMs: number } | { kind: 'unset' } | { kind: 'invalid' }

/**
 * An RFC 3339 timestamp → UTC ISO 8601 with a 'Z', keeping every fractional digit the source
 * gave (ChirpStack writes nanoseconds and '+00:00'; Semtech writes microseconds and 'Z').
 */
export function parseTimestamp(text: string): ParsedTime {
  const m = RFC3339.exec(text)
  if (!m) return { kind: 'invalid' }
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number)
  const fraction = m[7] ?? ''
  const zone = m[8].toUpperCase()
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return { kind: 'invalid' }
  const wholeMs = new Date(0).setUTCFullYear(year, month - 1, day)
  const check = new Date(wholeMs)
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return { kind: 'invalid' }
  let offsetMin = 0
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1
    const oh = Number(zone.slice(1, 3))
    const om = Number(zone.slice(4, 6))
    if (oh > 23 || om > 59) return { kind: 'invalid' }
    offsetMin = sign * (oh * 60 + om)
  }
  const secondsMs = wholeMs + ((hour * 60 + minute - offsetMin) * 60 + second) * 1000
  if (secondsMs < EARLIEST_REAL_TIME_MS) return { kind: 'unset' }
  const iso = new Date(secondsMs).toISOString().slice(0, 19) + fraction + 'Z'
  const epochMs = secondsMs + (fraction ? Math.floor(Number('0' + fraction) * 1000) : 0)
  return { kind: 'time', iso, epochMs }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** JSON.parse that never throws and insists on an object at the root. */
export function parseJsonObject(text: string | Buffer, what: string): Parsed<Record<string, unknown>> {
  let value: unknown
  try {
    value = JSON.parse(typeof text === 'string' ? text : text.toString('utf8'))
  } catch (e) {
    return rejected('invalid-json', `${what}: ${(e as Error).message}`)
  }
  if (!isRecord(value)) return rejected('invalid-json', `${what}: the root is ${describe(value)}, not an object`)
  return { ok: true, value }
}

export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`
  return `a${typeof value === 'object' ? 'n' : ''} ${typeof value}`
}

/**
 * Reads typed fields from parsed JSON objects. It keeps the first problem (with the field's
 * path) and hands back a harmless placeholder after it, so a parser reads straight through and
 * checks `problem` once before building its record.
 */
export class FieldReader {
  private first: Rejection | undefined

  get problem(): Rejection | undefined {
    return this.first
  }

  fail(reason: RejectionReason, detail: string): void {
    this.first ??= { reason, detail }
  }

  /** The field, or undefined when absent or null. */
  private get(obj: Record<string, unknown>, name: string): unknown {
    const v = Object.prototype.hasOwnProperty.call(obj, name) ? obj[name] : undefined
    return v === null ? undefined : v
  }

  has(obj: Record<string, unknown>, name: string): boolean {
    return this.get(obj, name) !== undefined
  }

  object(obj: Record<string, unknown>, name: string, path: string): Record<string, unknown> | undefined {
    const v = this.get(obj, name)
    if (v === undefined) return undefined
    if (isRecord(v)) return v
    this.fail('invalid-field', `${path}.${name}: expected an object, got ${describe(v)}`)
    return undefined
  }

  requiredObject(obj: Record<string, unknown>, name: string, path: string): Record<string, unknown> {
    if (!this.has(obj, name)) this.fail('missing-field', `${path}.${name} is missing`)
    return this.object(obj, name, path) ?? {}
  }

  array(obj: Record<string, unknown>, name: string, path: string): unknown[] | undefined {
    const v = this.get(obj, name)
    if (v === undefined) return undefined
    if (Array.isArray(v)) return v
    this.fail('invalid-field', `${path}.${name}: expected an array, got ${describe(v)}`)
    return undefined
  }

  string(obj: Record<string, unknown>, name: string, path: string): string | undefined {
    const v = this.get(obj, name)
    if (v === undefined) return undefined
    if (typeof v === 'string') return v
    this.fail('invalid-field', `${path}.${name}: expected a string, got ${describe(v)}`)
    return undefined
  }

  requiredString(obj: Record<string, unknown>, name: string, path: string): string {
    if (!this.has(obj, name)) this.fail('missing-field', `${path}.${name} is missing`)
    return this.string(obj, name, path) ?? ''
  }

  number(obj: Record<string, unknown>, name: string, path: string): number | undefined {
    const v = this.get(obj, name)
    if (v === undefined) return undefined
    if (typeof v === 'number' && Number.isFinite(v)) return v
    this.fail('invalid-field', `${path}.${name}: expected a number, got ${describe(v)}`)
    return undefined
  }

  /** An integer in [min, max]; proto3 JSON may write 64-bit integers as decimal strings. */
  integer(obj: Record<string, unknown>, name: string, path: string, min: number, max: number): number | undefined {
    const raw = this.get(obj, name)
    if (raw === undefined) return undefined
    const v = typeof raw === 'string' && /^-?\d{1,16}$/.test(raw) ? Number(raw) : raw
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v
    this.fail('invalid-field', `${path}.${name}: expected an integer in [${min}, ${max}], got ${describe(raw)}`)
    return undefined
  }

  boolean(obj: Record<string, unknown>, name: string, path: string): boolean | undefined {
    const v = this.get(obj, name)
    if (v === undefined) return undefined
    if (typeof v === 'boolean') return v
    this.fail('invalid-field', `${path}.${name}: expected a boolean, got ${describe(v)}`)
    return undefined
  }

  /** Base64 bytes; absent → undefined. */
  base64(obj: Record<string, unknown>, name: string, path: string): Buffer | undefined {
    const text = this.string(obj, name, path)
    if (text === undefined) return undefined
    const bytes = decodeBase64(text)
    if (bytes === undefined) this.fail('invalid-base64', `${path}.${name}: not base64: ${describe(text)}`)
    return bytes
  }

  eui(obj: Record<string, unknown>, name: string, path: string): string | undefined {
    const text = this.string(obj, name, path)
    if (text === undefined) return undefined
    const eui = normaliseEui(text)
    if (eui === undefined) this.fail('invalid-field', `${path}.${name}: expected 16 hex digits, got ${describe(text)}`)
    return eui
  }

  requiredEui(obj: Record<string, unknown>, name: string, path: string): string {
    if (!this.has(obj, name)) this.fail('missing-field', `${path}.${name} is missing`)
    return this.eui(obj, name, path) ?? ''
  }

  devAddr(obj: Record<string, unknown>, name: string, path: string): string | undefined {
    const text = this.string(obj, name, path)
    if (text === undefined) return undefined
    const addr = normaliseDevAddr(text)
    if (addr === undefined) this.fail('invalid-field', `${path}.${name}: expected 8 hex digits, got ${describe(text)}`)
    return addr
  }

  /** An RFC 3339 time → canonical UTC ISO string; pre-1980 placeholders → undefined. */
  time(obj: Record<string, unknown>, name: string, path: string): string | undefined {
    const text = this.string(obj, name, path)
    if (text === undefined) return undefined
    const t = parseTimestamp(text)
    if (t.kind === 'time') return t.iso
    if (t.kind === 'invalid') this.fail('invalid-field', `${path}.${name}: not an RFC 3339 time: ${describe(text)}`)
    return undefined
  }
}

/** Drops keys whose value is undefined, so records leave out what a source did not give. */
export function definedOnly<T extends object>(record: T): T {
  for (const key of Object.keys(record) as (keyof T)[]) {
    if (record[key] === undefined) delete record[key]
  }
  return record
}

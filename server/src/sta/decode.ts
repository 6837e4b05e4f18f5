// Stored columns → SensorThings JSON values, per property kind (model.ts). The same functions
// back the SQL functions sta_qc/sta_parameters so $filter sees what clients see.
import { unpackQcFlags } from '../store/qc-flags.js'
import type { PropertyKind } from './model.js'

const DAY = 86_400_000
const MAX_FAST = 253_402_300_800_000 // 10000-01-01: beyond it ISO strings need extended years
let cachedDay = NaN
let cachedPrefix = ''
const timesOfDay = new Map<number, string>()
const pad2 = (n: number) => (n < 10 ? '0' + n : '' + n)
const pad3 = (n: number) => (n < 10 ? '00' + n : n < 100 ? '0' + n : '' + n)

/** Epoch ms → ISO 8601, as Date.toISOString, without a Date per call: observations come in time
 * order, so the date part is formatted once per day, and the time of day is looked up (regular
 * sampling repeats the same few hundred times of day; profiling showed toISOString, then this
 * function, dominating dataArray responses). */
export function isoMs(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms >= MAX_FAST) return new Date(ms).toISOString()
  const day = Math.floor(ms / DAY)
  if (day !== cachedDay) {
    cachedDay = day
    cachedPrefix = new Date(day * DAY).toISOString().slice(0, 11)
  }
  const ofDay = ms - day * DAY
  let t = timesOfDay.get(ofDay)
  if (t === undefined) {
    let r = ofDay
    const h = (r / 3_600_000) | 0
    r -= h * 3_600_000
    const m = (r / 60_000) | 0
    r -= m * 60_000
    const sec = (r / 1000) | 0
    t = pad2(h) + ':' + pad2(m) + ':' + pad2(sec) + '.' + pad3(r - sec * 1000) + 'Z'
    if (timesOfDay.size >= 4096) timesOfDay.clear()
    timesOfDay.set(ofDay, t)
  }
  return cachedPrefix + t
}

/** An Observation's resultTime in epoch ms: the stored one, else phenomenonTime + age (in
 * seconds), as SQL's `COALESCE(result_time, phenomenon_time + age_s * 1000)` computes it (the same
 * IEEE operations: exact for integers, a double product then sum for a REAL age); null without
 * an age. */
export function resultTimeMs(stored: unknown, phenomenon: unknown, age: unknown): unknown {
  if (stored !== null && stored !== undefined) return stored
  return typeof phenomenon === 'number' && typeof age === 'number' ? phenomenon + age * 1000 : null
}

export const isoTime = (ms: unknown): string | null => (typeof ms === 'number' ? isoMs(ms) : typeof ms === 'bigint' ? isoMs(Number(ms)) : null)

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return text ?? null
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** Observation resultQuality: the QARTOD flags, unpacked (null when QC never ran). */
export function qualityOf(qc: unknown): Record<string, number> | null {
  return typeof qc === 'number' ? (unpackQcFlags(qc) as Record<string, number>) : null
}

/** Observation parameters: the raw reading, the calibration record, the gateways, and any stored extras. */
export function parametersOf(raw: unknown, calibration: unknown, receptions: unknown, extra: unknown): Record<string, unknown> | null {
  const out: Record<string, unknown> = {}
  if (raw !== null && raw !== undefined) out.raw = raw
  if (typeof calibration === 'string') out.calibration = calibration
  if (typeof receptions === 'string') out.gateways = parseJson(receptions)
  const more = parseJson(extra)
  if (more && typeof more === 'object' && !Array.isArray(more)) Object.assign(out, more)
  return Object.keys(out).length ? out : null
}

export function decode(kind: PropertyKind, v: unknown[]): unknown {
  switch (kind) {
    case 'id':
    case 'string':
      return v[0] ?? null
    case 'json':
    case 'geometry':
      return parseJson(v[0])
    case 'jsonOrString': {
      const s = v[0]
      if (typeof s === 'string' && /^\s*[{[]/.test(s)) return parseJson(s)
      return s ?? null
    }
    case 'time':
      return isoTime(v[0])
    case 'resultTime':
      return isoTime(resultTimeMs(v[0], v[1], v[2]))
    case 'interval': {
      const a = isoTime(v[0])
      const b = isoTime(v[1])
      return a === null ? null : `${a}/${b ?? a}`
    }
    case 'timeOrInterval': {
      const a = isoTime(v[0])
      const b = isoTime(v[1])
      return b === null || b === a ? a : `${a}/${b}`
    }
    case 'result':
      return v[1] !== null && v[1] !== undefined ? parseJson(v[1]) : (v[0] ?? null)
    case 'qc':
      return qualityOf(v[0]) ?? (v[1] === null || v[1] === undefined ? null : parseJson(v[1]))
    case 'parameters':
      return parametersOf(v[0], v[1], v[2], v[3])
  }
}

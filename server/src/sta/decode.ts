// Stored columns → SensorThings JSON values, per property kind (model.ts). The same functions
// back the SQL functions sta_qc/sta_parameters so $filter sees what clients see.
import { unpackQcFlags } from '../store/qc-flags.js'
import type { PropertyKind } from './model.js'

export const isoTime = (ms: unknown): string | null => (typeof ms === 'number' || typeof ms === 'bigint' ? new Date(Number(ms)).toISOString() : null)

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
      return qualityOf(v[0])
    case 'parameters':
      return parametersOf(v[0], v[1], v[2], v[3])
  }
}

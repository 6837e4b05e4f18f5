// Checking and encoding the JSON values of a create/update body into stored columns, per
// property kind (model.ts). Errors name the entity type and property.
import { StaError } from '../errors.js'
import type { EntityDef, PropertyDef } from '../model.js'

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/

export const badValue = (e: EntityDef | string, prop: string, message: string) =>
  new StaError('STA_BAD_VALUE', `${typeof e === 'string' ? e : e.name}.${prop}: ${message}`)

/** ISO 8601 date-time with a zone → epoch ms. */
export function parseTime(v: unknown, where: string): number {
  if (typeof v !== 'string' || !ISO.test(v)) throw new StaError('STA_BAD_VALUE', `${where}: '${String(v).slice(0, 60)}' is not an ISO 8601 time with a zone (2024-01-01T00:00:00Z)`)
  const ms = Date.parse(v)
  if (!Number.isFinite(ms)) throw new StaError('STA_BAD_VALUE', `${where}: '${v.slice(0, 60)}' is not a valid time`)
  return ms
}

/** "start/end" → [start, end]; a single time when `single` allows it → [t, null]. */
export function parseInterval(v: unknown, where: string, single: boolean): [number, number | null] {
  if (typeof v !== 'string') throw new StaError('STA_BAD_VALUE', `${where}: expected an ISO 8601 interval "start/end"`)
  const slash = v.indexOf('/')
  if (slash < 0) {
    if (!single) throw new StaError('STA_BAD_VALUE', `${where}: '${v.slice(0, 60)}' is not an interval "start/end"`)
    return [parseTime(v, where), null]
  }
  const a = parseTime(v.slice(0, slash), where)
  const b = parseTime(v.slice(slash + 1), where)
  if (b < a) throw new StaError('STA_BAD_VALUE', `${where}: the interval '${v.slice(0, 80)}' ends before it starts`)
  return [a, b]
}

/** JSON properties whose value is an array (MultiDatastream); the others are objects. */
const ARRAYS = new Set(['unitOfMeasurements', 'multiObservationDataTypes'])

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

/** The stored columns of a (non-Observation) property value; null values where the column allows it. */
export function encodeProperty(e: EntityDef, p: PropertyDef, v: unknown, required: boolean): unknown[] {
  const where = `${e.name}.${p.name}`
  if (v === null) {
    if (required) throw badValue(e, p.name, 'must not be null')
    return p.kind === 'interval' ? [null, null] : [p.kind === 'string' ? '' : null]
  }
  switch (p.kind) {
    case 'string':
      if (typeof v !== 'string') throw badValue(e, p.name, `expected a string, got ${JSON.stringify(v)?.slice(0, 60)}`)
      return [v]
    case 'json':
      if (ARRAYS.has(p.name) ? !Array.isArray(v) : !isObject(v)) throw badValue(e, p.name, `expected ${ARRAYS.has(p.name) ? 'an array' : 'an object'}`)
      return [JSON.stringify(v)]
    case 'jsonOrString':
      if (typeof v === 'string') return [v]
      if (typeof v === 'object') return [JSON.stringify(v)]
      throw badValue(e, p.name, 'expected a string or a JSON object')
    case 'geometry':
      if (!isObject(v) || typeof v.type !== 'string') throw badValue(e, p.name, 'expected a GeoJSON object with a "type"')
      return [JSON.stringify(v)]
    case 'time':
      return [parseTime(v, where)]
    case 'interval':
      return parseInterval(v, where, false)
    default:
      throw badValue(e, p.name, 'is computed by the server and cannot be written')
  }
}

export { isObject }

// The ?from=&to= range of a download or chart: ISO 8601 instants, half-open [from, to) so that
// consecutive ranges never repeat a sample. Missing ends default to the series' own extent.
import { ExportError } from './errors.js'

export interface TimeRange {
  /** Inclusive, epoch ms. */
  fromMs: number
  /** Exclusive, epoch ms. */
  toMs: number
}

// Date, or date and time with an optional zone; a time without zone is UTC (stated in the docs).
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/

/** Parses an ISO 8601 date or date-time; a missing zone means UTC. */
export function parseInstant(name: string, text: string): number {
  const t = text.trim()
  if (!ISO_8601.test(t)) {
    throw new ExportError('EXPORT_BAD_TIME', `${name}=${JSON.stringify(text)} is not an ISO 8601 date or date-time (e.g. 2026-03-01 or 2026-03-01T12:00:00Z)`)
  }
  let normal = t.replace(' ', 'T')
  if (normal.length > 10 && !/(Z|[+-]\d{2}:?\d{2})$/.test(normal)) normal += 'Z'
  // Date.parse wants at most millisecond precision.
  normal = normal.replace(/(\.\d{3})\d+/, '$1')
  const ms = Date.parse(normal)
  if (!Number.isFinite(ms)) throw new ExportError('EXPORT_BAD_TIME', `${name}=${JSON.stringify(text)} is not a valid date`)
  return ms
}

/**
 * The requested range. Absent `from`/`to` fall back to the series' first time and just after its
 * last (so the last sample is included); an empty series with no bounds gives an empty range.
 */
export function parseTimeRange(query: { from?: string | undefined; to?: string | undefined }, extent: { startMs: number | null; endMs: number | null }): TimeRange {
  const fromMs = query.from !== undefined && query.from !== '' ? parseInstant('from', query.from) : (extent.startMs ?? 0)
  const toMs = query.to !== undefined && query.to !== '' ? parseInstant('to', query.to) : extent.endMs !== null ? extent.endMs + 1 : fromMs
  if (toMs < fromMs) {
    throw new ExportError('EXPORT_BAD_RANGE', `to (${new Date(toMs).toISOString()}) is before from (${new Date(fromMs).toISOString()})`)
  }
  return { fromMs, toMs }
}

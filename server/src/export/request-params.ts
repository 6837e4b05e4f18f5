// Query strings and path pieces shared by the export routes, as JSON schemas (fastify validates
// and coerces them) plus the parsing a schema cannot do.
import { ExportError } from './errors.js'

export interface DownloadQuery {
  from?: string
  to?: string
  qc?: 'all' | 'good'
  raw?: boolean
  excel?: boolean
}

export const rangeProperties = {
  from: { type: 'string', maxLength: 40, description: 'ISO 8601 start, inclusive (default: first sample)' },
  to: { type: 'string', maxLength: 40, description: 'ISO 8601 end, exclusive (default: after the last sample)' },
  qc: { type: 'string', enum: ['all', 'good'], default: 'all', description: 'good: only values whose QC flag is good' },
} as const

export const downloadQuerySchema = {
  type: 'object',
  properties: {
    ...rangeProperties,
    raw: { type: 'boolean', default: false, description: 'CSV: add the raw reading column(s)' },
    excel: { type: 'boolean', default: false, description: 'CSV: start with a UTF-8 byte order mark' },
  },
} as const

/** "12.csv" → { id: 12, format: 'csv' }; the formats a route accepts are given. */
export function parseIdAndFormat<F extends string>(file: string, formats: readonly F[], what: string): { id: number; format: F } {
  const m = /^(\d{1,15})\.([a-z]+)$/.exec(file)
  if (!m) throw new ExportError('EXPORT_BAD_PARAMETER', `${JSON.stringify(file)} is not <${what} id>.<${formats.join('|')}>`)
  const format = m[2] as F
  if (!formats.includes(format)) throw new ExportError('EXPORT_BAD_PARAMETER', `format .${m[2]} is not one of ${formats.map((f) => '.' + f).join(', ')}`)
  return { id: Number(m[1]), format }
}

/** "MHXCOK01.nc" → { code: 'MHXCOK01', format: 'nc' }. */
export function parseCodeAndFormat<F extends string>(file: string, formats: readonly F[]): { code: string; format: F } {
  const m = /^(.{1,100})\.([a-z]+)$/.exec(file)
  if (!m) throw new ExportError('EXPORT_BAD_PARAMETER', `${JSON.stringify(file)} is not <station code>.<${formats.join('|')}>`)
  const format = m[2] as F
  if (!formats.includes(format)) throw new ExportError('EXPORT_BAD_PARAMETER', `format .${m[2]} is not one of ${formats.map((f) => '.' + f).join(', ')}`)
  return { code: m[1]!, format }
}

/** A file-name-safe slug of a range, e.g. 20260301T120000Z. */
export function rangeSlug(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z')
}

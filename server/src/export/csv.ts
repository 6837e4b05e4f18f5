// CSV downloads, produced as a stream of text pieces (a few hundred rows each) so that a
// multi-million-row download costs one piece of memory. Columns are documented in docs/downloads.md.
import type { DatastreamInfo } from './catalog.js'
import { oceanSitesFlagOf, type MergedRow, type ObservationRow } from './observation-rows.js'

export interface CsvOptions {
  /** Add the raw reading (counts as sent by the buoy) column(s). */
  raw: boolean
  /** Start with a UTF-8 byte order mark, so that Excel reads "°C" right. */
  excel: boolean
}

const ROWS_PER_PIECE = 500
const BOM = '\uFEFF'

/** RFC 4180 quoting, only when needed. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

const iso = (ms: number): string => new Date(ms).toISOString()
const number = (v: number | null): string => (v === null || !Number.isFinite(v) ? '' : String(v))

export function datastreamCsvHeader(options: CsvOptions): string {
  return ['time', 'value', 'unit', 'qc_flag', ...(options.raw ? ['raw'] : [])].join(',') + '\r\n'
}

/** time, value, unit, qc_flag (OceanSITES reference table 2)[, raw]. */
export function* datastreamCsv(ds: DatastreamInfo, rows: Iterable<ObservationRow>, options: CsvOptions): Generator<string> {
  const unit = csvField(ds.unitSymbol)
  let piece = (options.excel ? BOM : '') + datastreamCsvHeader(options)
  let n = 0
  for (const r of rows) {
    piece += `${iso(r.t)},${number(r.v)},${unit},${oceanSitesFlagOf(r)}${options.raw ? `,${number(r.raw)}` : ''}\r\n`
    if (++n % ROWS_PER_PIECE === 0) {
      yield piece
      piece = ''
    }
  }
  if (piece) yield piece
}

/** Column name of a station quantity: its code and unit, e.g. "TEMP (°C)". */
function columnName(ds: DatastreamInfo): string {
  const code = ds.quantity ?? `datastream_${ds.id}`
  return ds.unitSymbol ? `${code} (${ds.unitSymbol})` : code
}

export function stationCsvHeader(datastreams: DatastreamInfo[], options: CsvOptions): string {
  const cols = ['time']
  for (const ds of datastreams) {
    const code = ds.quantity ?? `datastream_${ds.id}`
    cols.push(csvField(columnName(ds)), `${code}_QC`)
    if (options.raw) cols.push(`${code}_raw`)
  }
  return cols.join(',') + '\r\n'
}

/** One row per time, per quantity: value, QC flag[, raw]; empty cells where a quantity has no sample. */
export function* stationCsv(datastreams: DatastreamInfo[], rows: Iterable<MergedRow>, options: CsvOptions): Generator<string> {
  let piece = (options.excel ? BOM : '') + stationCsvHeader(datastreams, options)
  let n = 0
  for (const r of rows) {
    let line = iso(r.t)
    for (const c of r.cells) {
      line += c ? `,${number(c.v)},${oceanSitesFlagOf(c)}` : ',,'
      if (options.raw) line += `,${c ? number(c.raw) : ''}`
    }
    piece += line + '\r\n'
    if (++n % ROWS_PER_PIECE === 0) {
      yield piece
      piece = ''
    }
  }
  if (piece) yield piece
}

// Observations of one datastream over a range, in time order, straight off the
// (datastream_id, phenomenon_time) index with .iterate(): memory stays flat however long the range.
// Also the per-station view: several datastreams merged into one row per distinct time.
import { toOceanSitesFlag, type QartodFlag } from '../science/qc/flags.js'
import { aggregateOf } from '../store/qc-flags.js'
import type { Db } from '../store/database.js'
import type { TimeRange } from './time-range.js'

export interface ObservationRow {
  t: number
  v: number | null
  raw: number | null
  qc: number | null
}

export interface RowFilter {
  range: TimeRange
  /** Only observations whose aggregate QARTOD flag is PASS (OceanSITES 1, good data). */
  goodOnly: boolean
}

// Stored qc is the packed flags XOR 0x111111: the aggregate nibble is 0 exactly when it is PASS (1).
const GOOD_ONLY = 'AND result IS NOT NULL AND qc IS NOT NULL AND (qc & 15) = 0'

function where(filter: RowFilter): string {
  return `datastream_id = ? AND phenomenon_time >= ? AND phenomenon_time < ? ${filter.goodOnly ? GOOD_ONLY : ''}`
}

export function iterateRows(db: Db, datastreamId: number, filter: RowFilter): IterableIterator<ObservationRow> {
  return db
    .prepare(`SELECT phenomenon_time AS t, result AS v, raw, qc FROM observations WHERE ${where(filter)} ORDER BY phenomenon_time`)
    .iterate(datastreamId, filter.range.fromMs, filter.range.toMs) as IterableIterator<ObservationRow>
}

/**
 * One column of the rows, as plain values (better-sqlite3's pluck/raw modes: no row objects,
 * about twice the speed): times, results, or [result, qc] pairs for flags.
 */
export function iterateTimes(db: Db, datastreamId: number, filter: RowFilter): IterableIterator<number> {
  return db.prepare(`SELECT phenomenon_time FROM observations WHERE ${where(filter)} ORDER BY phenomenon_time`).pluck().iterate(datastreamId, filter.range.fromMs, filter.range.toMs) as IterableIterator<number>
}

export function iterateResults(db: Db, datastreamId: number, filter: RowFilter): IterableIterator<number | null> {
  return db.prepare(`SELECT result FROM observations WHERE ${where(filter)} ORDER BY phenomenon_time`).pluck().iterate(datastreamId, filter.range.fromMs, filter.range.toMs) as IterableIterator<number | null>
}

export function iterateResultAndQc(db: Db, datastreamId: number, filter: RowFilter): IterableIterator<[number | null, number | null]> {
  return db.prepare(`SELECT result, qc FROM observations WHERE ${where(filter)} ORDER BY phenomenon_time`).raw().iterate(datastreamId, filter.range.fromMs, filter.range.toMs) as IterableIterator<[number | null, number | null]>
}

/** The OceanSITES reference table 2 flag of a stored observation (9 when there is no value). */
export function oceanSitesFlagOf(row: { v: number | null; qc: number | null }): number {
  if (row.v === null || !Number.isFinite(row.v)) return 9
  // A flag outside the QARTOD set (only possible through hand edits) reads as "no QC performed".
  return toOceanSitesFlag(aggregateOf(row.qc) as QartodFlag) ?? 0
}

/** One time of a station and, per merged datastream (same order), its row at that time or null. */
export interface MergedRow {
  t: number
  cells: (ObservationRow | null)[]
}

/**
 * Merges time-ordered row iterators into one row per distinct time (a k-way merge: each source
 * stays a cursor on the index, nothing is sorted in memory). Two rows of one datastream at the
 * same time (possible through the API) keep the first.
 */
export function* mergeByTime(sources: Iterator<ObservationRow>[]): Generator<MergedRow> {
  const heads: (ObservationRow | null)[] = sources.map((s) => next(s))
  for (;;) {
    let t = Infinity
    for (const h of heads) if (h && h.t < t) t = h.t
    if (t === Infinity) return
    const cells: (ObservationRow | null)[] = heads.map(() => null)
    heads.forEach((h, i) => {
      if (h && h.t === t) {
        cells[i] = h
        let n = next(sources[i]!)
        while (n && n.t === t) n = next(sources[i]!)
        heads[i] = n
      }
    })
    yield { t, cells }
  }
}

function next(it: Iterator<ObservationRow>): ObservationRow | null {
  const r = it.next()
  return r.done ? null : r.value
}

/** Opens one cursor per datastream and merges them. Close with .return() to free the cursors. */
export function* stationRows(db: Db, datastreamIds: number[], filter: RowFilter): Generator<MergedRow> {
  const cursors = datastreamIds.map((id) => iterateRows(db, id, filter))
  try {
    yield* mergeByTime(cursors)
  } finally {
    for (const c of cursors) c.return?.()
  }
}

export interface RowStats {
  /** Distinct times (rows of a station table). */
  count: number
  firstMs: number | null
  lastMs: number | null
}

/**
 * How many rows a download will hold and its first and last time, known before the file's header
 * goes out. One datastream: one indexed aggregate. Several: walks the same merge the download
 * will stream, keeping nothing (distinct times cannot be counted per datastream).
 */
export function rowStats(db: Db, datastreamIds: number[], filter: RowFilter): RowStats {
  if (datastreamIds.length === 1) {
    const r = db
      .prepare(`SELECT count(*) AS count, min(phenomenon_time) AS firstMs, max(phenomenon_time) AS lastMs FROM observations WHERE ${where(filter)}`)
      .get(datastreamIds[0], filter.range.fromMs, filter.range.toMs) as RowStats
    return r
  }
  const stats: RowStats = { count: 0, firstMs: null, lastMs: null }
  for (const r of stationRows(db, datastreamIds, filter)) {
    stats.firstMs ??= r.t
    stats.lastMs = r.t
    stats.count++
  }
  return stats
}

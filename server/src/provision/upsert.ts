// Idempotent insert-or-update of one row by its natural key, reporting what happened, so that
// provisioning twice changes nothing and a changed field is updated. Table and column names come
// from our code, never from input; values are always bound parameters.
import type { Db } from '../store/database.js'

export type Change = 'created' | 'updated' | 'unchanged'

export interface ChangeLog {
  record(table: string, change: Change): void
  summary(): Record<string, Record<Change, number>>
}

export function changeLog(): ChangeLog {
  const counts: Record<string, Record<Change, number>> = {}
  return {
    record(table, change) {
      counts[table] ??= { created: 0, updated: 0, unchanged: 0 }
      counts[table][change]++
    },
    summary: () => counts,
  }
}

type Value = string | number | bigint | Buffer | null

function sameValue(a: unknown, b: Value): boolean {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b)
  return a === b
}

/**
 * Finds the row whose `key` columns equal the given values; inserts it, or updates the other
 * columns that differ. Returns the row id.
 */
export function upsert(db: Db, log: ChangeLog, table: string, key: Record<string, Value>, fields: Record<string, Value>): number {
  const keyCols = Object.keys(key)
  const where = keyCols.map((c) => (key[c] === null ? `${c} IS NULL` : `${c} = ?`)).join(' AND ')
  const keyValues = keyCols.filter((c) => key[c] !== null).map((c) => key[c])
  const cols = Object.keys(fields)
  const existing = db.prepare(`SELECT rowid AS id${cols.map((c) => `, ${c}`).join('')} FROM ${table} WHERE ${where}`).get(...keyValues) as
    | Record<string, unknown>
    | undefined
  if (!existing) {
    const all = { ...key, ...fields }
    const names = Object.keys(all)
    const info = db.prepare(`INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`).run(...names.map((n) => all[n]))
    log.record(table, 'created')
    return Number(info.lastInsertRowid)
  }
  const changed = cols.filter((c) => !sameValue(existing[c], fields[c]))
  if (changed.length) {
    db.prepare(`UPDATE ${table} SET ${changed.map((c) => `${c} = ?`).join(', ')} WHERE rowid = ?`).run(...changed.map((c) => fields[c]), existing.id)
    log.record(table, 'updated')
  } else {
    log.record(table, 'unchanged')
  }
  return existing.id as number
}

/** Canonical JSON (sorted keys) so that re-provisioning compares documents, not key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  )
}

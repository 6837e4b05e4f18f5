// Prepared statements, cached per connection: plans repeat (same SQL, other bound values), and
// preparing costs more than running a small query.
import type { Statement } from 'better-sqlite3'
import type { Db } from '../store/database.js'

const MAX = 500
const caches = new WeakMap<Db, Map<string, Statement>>()

export function statement(db: Db, sql: string): Statement {
  let cache = caches.get(db)
  if (!cache) caches.set(db, (cache = new Map()))
  let s = cache.get(sql)
  if (!s) {
    s = db.prepare(sql)
    if (cache.size >= MAX) cache.delete(cache.keys().next().value!)
    cache.set(sql, s)
  }
  return s
}

const rawCaches = new WeakMap<Db, Map<string, Statement>>()

/** The same, in raw mode (rows as arrays, cheaper for large streamed pages); kept apart because
 * raw mode is a property of the statement object. */
export function rawStatement(db: Db, sql: string): Statement {
  let cache = rawCaches.get(db)
  if (!cache) rawCaches.set(db, (cache = new Map()))
  let s = cache.get(sql)
  if (!s) {
    s = db.prepare(sql).raw(true)
    if (cache.size >= MAX) cache.delete(cache.keys().next().value!)
    cache.set(sql, s)
  }
  return s
}

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

// Query time limit for SensorThings reads. better-sqlite3 exposes neither sqlite3_interrupt nor a
// progress handler, so a costly plan (a $filter, an $orderby or a $skip: read/plan.ts adds the
// term when ReadContext.timed is set) carries a WHERE term that calls back into JavaScript about
// once per 1021 rows SQLite visits — `(e.id % 1021 <> 0 OR reeflink_deadline(e.id))`, first in the
// WHERE so it runs before the filter can skip the row — and the callback throws QueryTimeout once
// the connection's deadline has passed, which ends the statement. Index-only plans (a Datastream's
// latest Observations, an unfiltered $count) get no term and cost nothing extra.
// The time counted is the time spent producing the response (QueryBudget.run around each step),
// not the time a slow client takes to read a stream. Per connection: the main one (small pages)
// and ReadPool's (streams) each have their own deadline.
// Measured on 2 M observations (2-core box): a full scan with a cheap $filter 200 → 375 ms, with
// nested functions 950 → 1160 ms, a top-N $orderby on an unindexed column 430 → 660 ms; a
// Datastream's count 19 → 28 ms; index-only pages unchanged. Documented in docs/security.md.
import type { Db } from '../store/database.js'

export class QueryTimeout extends Error {
  constructor(readonly limitMs: number) {
    super(`the query ran longer than the ${limitMs} ms limit (http.queryTimeoutMs)`)
    this.name = 'QueryTimeout'
  }
}

export const isQueryTimeout = (e: unknown): e is QueryTimeout => e instanceof QueryTimeout

interface DeadlineState {
  /** Date.now() past which the callback throws; Infinity when not armed. */
  until: number
  limitMs: number
}

const states = new WeakMap<Db, DeadlineState>()

/** Registers reeflink_deadline() on a connection (idempotent). */
export function registerDeadline(db: Db): void {
  if (states.has(db)) return
  const state: DeadlineState = { until: Infinity, limitMs: 0 }
  states.set(db, state)
  db.function('reeflink_deadline', { deterministic: false, directOnly: true }, (_row: unknown) => {
    if (Date.now() > state.until) throw new QueryTimeout(state.limitMs)
    return 1
  })
}

/** The WHERE term of a timed plan over alias `a`. */
export const deadlineTerm = (a: string): string => `(${a}.id % 1021 <> 0 OR reeflink_deadline(${a}.id))`

/** Whether the connection's armed deadline has passed (between rows of a stream). */
export function pastDeadline(db: Db): boolean {
  const s = states.get(db)
  return s !== undefined && Date.now() > s.until
}

/** The time one request may spend in SQLite (and serialising), spent across its steps. */
export class QueryBudget {
  private used = 0
  constructor(readonly limitMs: number) {}

  /** Runs `f` with `db`'s deadline armed for what is left of the budget. */
  run<T>(db: Db, f: () => T): T {
    registerDeadline(db)
    const s = states.get(db)!
    const before = { until: s.until, limitMs: s.limitMs }
    const start = Date.now()
    s.until = this.limitMs > 0 ? start + Math.max(0, this.limitMs - this.used) : Infinity
    s.limitMs = this.limitMs
    try {
      return f()
    } finally {
      this.used += Date.now() - start
      s.until = before.until
      s.limitMs = before.limitMs
    }
  }

  /** A generator whose every step runs inside run(db, …). */
  *steps<T>(db: Db, gen: Generator<T>): Generator<T> {
    try {
      for (;;) {
        const n = this.run(db, () => gen.next())
        if (n.done) return
        yield n.value
      }
    } finally {
      gen.return(undefined)
    }
  }
}

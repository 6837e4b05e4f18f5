// Running plans: counts, small pages at once, large pages in keyset chunks.
import type { Db } from '../../store/database.js'
import { afterSqlOf, countSqlOf, sqlOf } from '../lean.js'
import { rawStatement, statement } from '../statements.js'
import { afterParam } from './paging.js'
import type { Plan } from './plan.js'
import type { ReadContext, Row } from './context.js'

/** Pages up to this many rows are read with one all(). */
export const SMALL_PAGE = 1000
/** Rows per chunk of a large page. */
const CHUNK_ROWS = 4096

export function count(ctx: ReadContext, plan: Plan, extra: Record<string, unknown> = {}): number {
  const params = { ...plan.countParams, ...extra }
  return (statement(ctx.conn, countSqlOf(ctx.conn, plan, params)).get(params) as { n: number }).n
}

/** A plan's rows at once (`params` bind @limit and @offset). */
export function allRows(ctx: ReadContext, plan: Plan, params: Record<string, unknown>): Row[] {
  return rawStatement(ctx.conn, sqlOf(ctx.conn, plan, params)).all(params) as Row[]
}

/** A page's rows (`params` bind @limit and @offset), with bounded memory: a small page at once;
 * a large one in keyset chunks of CHUNK_ROWS, each read with all() (better-sqlite3's iterate()
 * costs ~1.5× all() per row), or stepped with iterate() when the order has no keyset. On a
 * read-only (private, streaming) connection the chunks run in one read transaction, so they see
 * one snapshot, as a single statement would. */
export function planRows(ctx: ReadContext, plan: Plan, params: Record<string, unknown>): IterableIterator<Row> {
  const conn = ctx.conn
  const sql = sqlOf(conn, plan, params)
  if ((params.limit as number) <= SMALL_PAGE) return (rawStatement(conn, sql).all(params) as Row[])[Symbol.iterator]()
  const after = afterSqlOf(conn, plan, params)
  if (!after || !plan.keyCols) return rawStatement(conn, sql).iterate(params) as IterableIterator<Row>
  return new ChunkedRows(conn, params, sql, after, plan.keyCols)
}

/** The keyset chunks of a large page, as an iterator (a generator resumed once per row costs
 * more than the rest of a dataArray row). */
class ChunkedRows implements IterableIterator<Row> {
  private rows: Row[] = []
  private i = 0
  private left: number
  private started = false
  private finished = false
  private snapshot = false

  constructor(
    private readonly conn: Db,
    private readonly params: Record<string, unknown>,
    private readonly sql: string,
    private readonly after: string,
    private readonly keyCols: number[],
  ) {
    this.left = params.limit as number
  }

  [Symbol.iterator](): IterableIterator<Row> {
    return this
  }

  next(): IteratorResult<Row> {
    if (this.i < this.rows.length) return { value: this.rows[this.i++], done: false }
    try {
      if (!this.fill()) return this.return()
    } catch (e) {
      this.return()
      throw e
    }
    return { value: this.rows[this.i++], done: false }
  }

  /** Reads the next chunk; false when the page is complete. */
  private fill(): boolean {
    if (this.finished) return false
    let rows: Row[]
    if (!this.started) {
      this.started = true
      this.snapshot = this.conn.readonly && !this.conn.inTransaction
      if (this.snapshot) this.conn.exec('BEGIN')
      rows = rawStatement(this.conn, this.sql).all({ ...this.params, limit: Math.min(this.left, CHUNK_ROWS) }) as Row[]
    } else {
      if (this.left <= 0 || this.rows.length < CHUNK_ROWS) return false
      const last = this.rows[this.rows.length - 1]
      const next: Record<string, unknown> = { ...this.params, limit: Math.min(this.left, CHUNK_ROWS), offset: 0 }
      this.keyCols.forEach((c, k) => (next[afterParam(k)] = last[c]))
      rows = rawStatement(this.conn, this.after).all(next) as Row[]
    }
    this.left -= rows.length
    this.rows = rows
    this.i = 0
    return rows.length > 0
  }

  return(): IteratorResult<Row> {
    if (!this.finished) {
      this.finished = true
      this.rows = []
      if (this.snapshot && this.conn.inTransaction) this.conn.exec('COMMIT')
    }
    return { value: undefined, done: true }
  }
}

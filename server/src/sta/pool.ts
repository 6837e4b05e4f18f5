// Read-only connections for streamed responses. A streamed collection keeps a statement open
// between writes; on the shared connection that would block ingest's writes ("connection is
// busy"), so each stream reads from its own connection (WAL gives it a consistent snapshot).
import Database from 'better-sqlite3'
import type { Db } from '../store/database.js'
import { registerStaFunctions } from './geo-sql.js'
import { registerDeadline } from './deadline.js'

export class ReadPool {
  private idle: Db[] = []
  private closed = false
  constructor(
    private readonly main: Db,
    private readonly maxIdle = 2,
  ) {}

  /** A private connection, or null when the store is in memory (then the caller reads the main one). */
  acquire(): Db | null {
    if (this.main.memory || this.closed) return null
    const db = this.idle.pop() ?? new Database(this.main.name, { readonly: true, fileMustExist: true })
    db.pragma('busy_timeout = 5000')
    db.pragma('cache_size = -65536')
    registerStaFunctions(db)
    registerDeadline(db)
    return db
  }

  release(db: Db): void {
    if (!this.closed && this.idle.length < this.maxIdle) this.idle.push(db)
    else db.close()
  }

  close(): void {
    this.closed = true
    for (const db of this.idle) db.close()
    this.idle = []
  }
}

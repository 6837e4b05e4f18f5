// Streamed downloads keep a statement open across many event-loop turns. On the shared connection
// that would refuse ingest's writes ("connection is busy"), so each stream reads through its own
// read-only connection, inside one read transaction: WAL gives it a fixed snapshot, so counting
// the rows and then streaming them see the same data even while ingest commits.
import Database from 'better-sqlite3'
import type { Db } from '../store/database.js'

export interface ReadSession {
  db: Db
  /** Ends the read transaction and closes the private connection (idempotent). */
  release(): void
}

export function openReadSession(main: Db): ReadSession {
  // An in-memory store has no file to open twice: read it directly (tests only).
  if (main.memory) return { db: main, release() {} }
  const db = new Database(main.name, { readonly: true, fileMustExist: true })
  db.pragma('busy_timeout = 5000')
  db.exec('BEGIN')
  let open = true
  return {
    db,
    release() {
      if (!open) return
      open = false
      try {
        if (db.inTransaction) db.exec('COMMIT')
      } finally {
        db.close()
      }
    },
  }
}

// Opening the SQLite store: pragmas for a single-writer ingest server, and migrations.
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { MIGRATIONS, type Migration } from './migrations.js'

export type Db = Database.Database

export interface OpenOptions {
  /** 'full' makes a commit survive power loss, 'normal' only a process crash (WAL). */
  synchronous?: 'full' | 'normal'
  readonly?: boolean
}

export class StoreError extends Error {
  constructor(
    readonly code: 'store_open_failed' | 'store_too_new' | 'store_migration_failed',
    message: string,
  ) {
    super(message)
  }
}

export function openDatabase(path: string, options: OpenOptions = {}): Db {
  if (path !== ':memory:' && !options.readonly) mkdirSync(dirname(path), { recursive: true })
  let db: Db
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false })
  } catch (e) {
    throw new StoreError('store_open_failed', `cannot open the database ${path}: ${(e as Error).message}`)
  }
  if (!options.readonly) {
    db.pragma('journal_mode = WAL')
    db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`)
  }
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  // Observations dominate the file; a larger cache keeps the (datastream, time) index hot.
  db.pragma('cache_size = -65536')
  if (!options.readonly) migrate(db, MIGRATIONS)
  return db
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number
}

export function migrate(db: Db, migrations: Migration[]): void {
  const current = schemaVersion(db)
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0
  if (current > latest) {
    throw new StoreError('store_too_new', `the database has schema version ${current}, newer than this reeflink (${latest}): upgrade reeflink`)
  }
  for (const m of migrations) {
    if (m.version <= current) continue
    try {
      db.transaction(() => {
        db.exec(m.sql)
        db.pragma(`user_version = ${m.version}`)
      })()
    } catch (e) {
      throw new StoreError('store_migration_failed', `migration ${m.version} (${m.description}) failed: ${(e as Error).message}`)
    }
  }
}

// One write: a synchronous function run inside a SQLite transaction, collecting the entity
// changes it made; the changes are emitted only after the commit (events.ts), so listeners (the
// MQTT publisher) never see rolled-back entities. Constraint failures become 409s, not 500s.
import type { EntityChange, EntityEvents, EntitySet } from '../../events.js'
import type { Db } from '../../store/database.js'
import { StaError } from '../errors.js'

export interface WriteContext {
  db: Db
  /** One clock reading per write (HistoricalLocation times, default phenomenonTime). */
  now: number
  changes: EntityChange[]
  /** Per-write caches (a CreateObservations of thousands of rows resolves each Datastream once). */
  cache: Map<string, unknown>
}

export function record(w: WriteContext, set: string, id: number, kind: EntityChange['kind']): void {
  w.changes.push({ set: set as EntitySet, id, kind })
}

/** Maps SQLite constraint failures (a provisioned Sensor still used by a device, …) to 409. */
export function asStaError(e: unknown): unknown {
  const err = e as { name?: string; code?: string; message?: string }
  if (err?.name === 'SqliteError' && typeof err.code === 'string' && err.code.startsWith('SQLITE_CONSTRAINT')) {
    const why = err.code === 'SQLITE_CONSTRAINT_FOREIGNKEY' ? 'other records still refer to it (for a provisioned Sensor: its device channels; deprovision first)' : err.message
    return new StaError('STA_CONFLICT', `the change conflicts with stored data: ${why}`)
  }
  return e
}

/** Runs `fn` in one transaction (a savepoint when already inside one: $batch changesets). */
export function inTransaction<T>(db: Db, fn: (w: WriteContext) => T, w?: WriteContext): { result: T; changes: EntityChange[] } {
  const ctx: WriteContext = w ?? { db, now: Date.now(), changes: [], cache: new Map() }
  const mark = ctx.changes.length
  try {
    const result = db.transaction(() => fn(ctx))()
    return { result, changes: ctx.changes.slice(mark) }
  } catch (e) {
    ctx.changes.length = mark
    ctx.cache.clear()
    throw asStaError(e)
  }
}

/** Runs one write and emits its changes after the commit. */
export function runWrite<T>(db: Db, events: EntityEvents | undefined, fn: (w: WriteContext) => T): T {
  const { result, changes } = inTransaction(db, fn)
  events?.emit(changes)
  return result
}

// Messages between the event loop (pool.ts) and a read worker (worker.ts), and errors across them:
// an error thrown in the worker is rebuilt on the event loop as the same class with the same
// fields, so the plugin's error handler answers the same status, code and message.
import { StaError, type StaErrorCode } from '../errors.js'
import { QueryTimeout } from '../deadline.js'
import type { Scope } from '../read.js'

/** A collection read, as the event loop resolved it (path, scope) and the worker repeats it. */
export interface ReadJob {
  entity: string
  query: Record<string, unknown>
  /** Plan cache key (collection shape and query string), as sta/index.ts builds it. */
  key: string
  scope: Scope | null
  ref: boolean
  path: string
  base: string
  root: string
  defaultTop: number
  maxTop: number
  timed: boolean
  maxBytes: number
  /** What is left of the request's query time (0: no limit). */
  limitMs: number
  /** Whether the page is streamed (chunks as they come, with backpressure) or sent whole. */
  stream: boolean
}

export type ToWorker = { type: 'read'; id: number; job: ReadJob } | { type: 'ack'; id: number } | { type: 'cancel'; id: number } | { type: 'hang'; ms: number }

export type FromWorker =
  | { type: 'ready' }
  | { type: 'chunk'; id: number; part: string | Uint8Array }
  | { type: 'end'; id: number; parts: (string | Uint8Array)[] }
  | { type: 'error'; id: number; error: WireError }

export interface WireError {
  kind: 'sta' | 'timeout' | 'sqlite' | 'other'
  message: string
  code?: string
  limitMs?: number
  stack?: string
}

export function toWire(e: unknown): WireError {
  if (e instanceof StaError) return { kind: 'sta', code: e.code, message: e.message }
  if (e instanceof QueryTimeout) return { kind: 'timeout', limitMs: e.limitMs, message: e.message }
  const x = e as { name?: string; code?: string; message?: string; stack?: string }
  if (x?.name === 'SqliteError') return { kind: 'sqlite', code: x.code, message: x.message ?? '' }
  return { kind: 'other', message: x?.message ?? String(e), stack: x?.stack }
}

/** A SqliteError as better-sqlite3 throws it (its class is not exported under a stable name). */
class WorkerSqliteError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message)
    this.name = 'SqliteError'
  }
}

export function fromWire(w: WireError): Error {
  if (w.kind === 'sta') return new StaError(w.code as StaErrorCode, w.message)
  if (w.kind === 'timeout') return new QueryTimeout(w.limitMs!)
  if (w.kind === 'sqlite') return new WorkerSqliteError(w.message, w.code ?? 'SQLITE_ERROR')
  const e = new Error(`read worker: ${w.message}`)
  if (w.stack) e.stack = `${e.message}\n--- in the read worker ---\n${w.stack}`
  return e
}

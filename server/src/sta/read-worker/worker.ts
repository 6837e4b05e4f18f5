// A read worker (worker_threads): runs the SensorThings collection reads the event loop hands it
// (pool.ts) on its own read-only connections to the store file, with the same code as the event
// loop (collection.ts, respond.ts), so that a costly read never holds ingest. Each read has its
// own connection (WAL: a consistent snapshot); reads interleave chunk by chunk. A streamed page
// sends each chunk as it is made and stops when WINDOW chunks are unacknowledged (backpressure:
// the event loop acknowledges a chunk when the HTTP response takes it); a page sent whole is made
// at once, as on the event loop. The query deadline (sta/deadline.ts) is armed here around every
// step, exactly as on the event loop.
import Database from 'better-sqlite3'
import { parentPort, workerData } from 'node:worker_threads'
import type { Db } from '../../store/database.js'
import { QueryBudget, registerDeadline } from '../deadline.js'
import { registerStaFunctions } from '../geo-sql.js'
import { ENTITY_BY_NAME, type EntityName } from '../model.js'
import type { QueryOptions } from '../query-options.js'
import type { Plan, ReadContext } from '../read.js'
import { collectionChunks } from '../respond.js'
import { boundPlan, collectionPlan } from './collection.js'
import { toWire, type FromWorker, type ReadJob, type ToWorker } from './protocol.js'
import { WINDOW } from './window.js'

const PLAN_CACHE = 500

const port = parentPort!
const file = (workerData as { file: string }).file
const idle: Db[] = []

function acquire(): Db {
  const pooled = idle.pop()
  if (pooled) return pooled
  const db = new Database(file, { readonly: true, fileMustExist: true })
  db.pragma('busy_timeout = 5000')
  db.pragma('cache_size = -65536')
  registerStaFunctions(db)
  registerDeadline(db)
  return db
}

function release(db: Db): void {
  if (idle.length < 2) idle.push(db)
  else db.close()
}

const plans = new Map<string, { o: QueryOptions; plan: Plan }>()

interface Active {
  inFlight: number
  cancelled: boolean
  wake: (() => void) | null
}
const active = new Map<number, Active>()

const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer)

/** A Buffer part is transferred when it owns its memory (ByteSink's chunks), else copied. */
function wirePart(p: string | Buffer, transfer: ArrayBuffer[]): string | Uint8Array {
  if (typeof p === 'string') return p
  const ab = p.buffer as ArrayBuffer
  if (p.byteOffset === 0 && ab.byteLength > 8192 && !transfer.includes(ab)) {
    transfer.push(ab)
    return new Uint8Array(ab, 0, p.length)
  }
  return new Uint8Array(p)
}

async function run(id: number, job: ReadJob): Promise<void> {
  const state: Active = { inFlight: 0, cancelled: false, wake: null }
  active.set(id, state)
  const conn = acquire()
  let chunks: Generator<string | Buffer> | null = null
  try {
    const entity = ENTITY_BY_NAME.get(job.entity as EntityName)
    if (!entity) throw new Error(`unknown entity ${job.entity}`)
    const ctx: ReadContext = { conn, base: job.base, root: job.root, defaultTop: job.defaultTop, maxTop: job.maxTop, timed: job.timed }
    const budget = new QueryBudget(job.limitMs)
    let cached = plans.get(job.key)
    if (!cached) {
      cached = collectionPlan(ctx, entity, job.query, job.scope, job.ref)
      if (plans.size >= PLAN_CACHE) plans.delete(plans.keys().next().value!)
      plans.set(job.key, cached)
    }
    const produce = collectionChunks({ ctx, plan: boundPlan(cached.plan, job.scope), options: cached.o, path: job.path, ref: job.ref, maxBytes: job.maxBytes })
    if (!job.stream) {
      const parts = budget.run(conn, () => [...produce])
      const transfer: ArrayBuffer[] = []
      post({ type: 'end', id, parts: parts.map((p) => wirePart(p, transfer)) }, transfer)
      return
    }
    chunks = budget.steps(conn, produce)
    for (;;) {
      if (state.cancelled) return
      const n = chunks.next()
      if (n.done) break
      const transfer: ArrayBuffer[] = []
      post({ type: 'chunk', id, part: wirePart(n.value, transfer) }, transfer)
      state.inFlight++
      // Let acknowledgements, cancellations and the other reads in between chunks.
      await new Promise<void>((r) => setImmediate(r))
      while (state.inFlight >= WINDOW && !state.cancelled) await new Promise<void>((r) => (state.wake = r))
    }
    post({ type: 'end', id, parts: [] })
  } catch (e) {
    if (!state.cancelled) post({ type: 'error', id, error: toWire(e) })
  } finally {
    chunks?.return(undefined)
    active.delete(id)
    release(conn)
  }
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'read') void run(m.id, m.job)
  else if (m.type === 'ack' || m.type === 'cancel') {
    const s = active.get(m.id)
    if (!s) return
    if (m.type === 'ack') s.inFlight--
    else s.cancelled = true
    const wake = s.wake
    s.wake = null
    wake?.()
  } else if (m.type === 'hang') {
    // Tests only: a step that never checks the clock (the pool's watchdog must end the worker).
    const until = Date.now() + m.ms
    while (Date.now() < until);
  }
})
post({ type: 'ready' })

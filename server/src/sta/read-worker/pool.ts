// The event loop's side of the read workers (worker.ts): one or two worker threads per store file,
// shared by the plugin instances on it (/v1.1 and /v1.0), each read handed to the least busy one.
// A page sent whole comes back in one message; a streamed page as a Readable fed chunk by chunk
// and acknowledging each chunk when the response takes it (the worker stops at WINDOW
// unacknowledged chunks: memory stays bounded whatever the client's speed). A watchdog ends a
// worker that has been silent while working on a read for much longer than the query time limit
// (a step the deadline term cannot stop: a sort, an $expand of a large page): its reads fail as
// a query timeout (503, or an aborted stream) and a new worker takes its place.
import { Readable } from 'node:stream'
import { Worker } from 'node:worker_threads'
import { QueryTimeout } from '../deadline.js'
import { fromWire, type FromWorker, type ReadJob, type ToWorker } from './protocol.js'
import { WINDOW } from './window.js'

// Set by the banner of the precompiled bundle (server/scripts/build-cli.mjs): the bundle's URL,
// beside which the worker's own bundle lies (dist/read-worker.mjs).
declare const __reeflinkBundleUrl: string | undefined

function entry(): URL {
  if (typeof __reeflinkBundleUrl === 'string') return new URL('read-worker.mjs', __reeflinkBundleUrl)
  return new URL('./worker.mjs', import.meta.url)
}

export type WorkerResult = { kind: 'whole'; parts: (string | Buffer)[] } | { kind: 'stream'; body: Readable }

interface Pending {
  id: number
  job: ReadJob
  /** Since when the worker should be working on it without a word (watchdog). */
  since: number
  inFlight: number
  settled: boolean
  resolve: (r: WorkerResult) => void
  reject: (e: Error) => void
  onChunk: ((b: Buffer) => void) | null
  onEnd: (() => void) | null
  onError: ((e: Error) => void) | null
}

const toBuffer = (p: string | Uint8Array): Buffer => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p.buffer, p.byteOffset, p.byteLength))
const fromPart = (p: string | Uint8Array): string | Buffer => (typeof p === 'string' ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength))

class ReadWorker {
  worker: Worker
  readonly pending = new Map<number, Pending>()
  lastHeard = Date.now()
  /** Set by the worker's 'ready': its start-up (module loading, tsx compiling under a loaded
   * machine) is not a read overrunning the time limit, so the watchdog waits for it. */
  ready = false
  dead = false
  constructor(
    file: string,
    private readonly onExit: (w: ReadWorker, why: Error) => void,
  ) {
    this.worker = new Worker(entry(), { workerData: { file } })
    this.worker.unref()
    this.worker.on('message', (m: FromWorker) => this.message(m))
    this.worker.on('error', (e) => this.exit(e))
    this.worker.on('exit', (code) => this.exit(new Error(`the read worker exited (code ${code})`)))
  }

  send(m: ToWorker): void {
    if (!this.dead) this.worker.postMessage(m)
  }

  private message(m: FromWorker): void {
    this.lastHeard = Date.now()
    if (m.type === 'ready') {
      this.ready = true
      return
    }
    const p = this.pending.get(m.id)
    if (!p) return
    if (m.type === 'chunk') {
      p.inFlight++
      const b = toBuffer(m.part)
      if (!p.settled) {
        p.settled = true
        p.resolve({ kind: 'stream', body: streamOf(this, p, b) })
      } else p.onChunk?.(b)
    } else if (m.type === 'end') {
      this.pending.delete(m.id)
      if (!p.settled) {
        p.settled = true
        p.resolve(p.job.stream ? { kind: 'stream', body: streamOf(this, p, null, true) } : { kind: 'whole', parts: m.parts.map(fromPart) })
      } else p.onEnd?.()
    } else if (m.type === 'error') {
      this.pending.delete(m.id)
      this.fail(p, fromWire(m.error))
    }
  }

  fail(p: Pending, e: Error): void {
    if (!p.settled) {
      p.settled = true
      p.reject(e)
    } else p.onError?.(e)
  }

  exit(why: Error): void {
    if (this.dead) return
    this.dead = true
    for (const p of this.pending.values()) this.fail(p, why)
    this.pending.clear()
    this.onExit(this, why)
  }
}

/** The Readable of a streamed read: chunks pushed as the response asks, each acknowledged then. */
function streamOf(w: ReadWorker, p: Pending, first: Buffer | null, ended = false): Readable {
  const queue: Buffer[] = first ? [first] : []
  let wanting = false
  let done = ended
  const body = new Readable({
    read() {
      wanting = true
      pump()
    },
    destroy(err, cb) {
      if (!done) {
        done = true
        w.pending.delete(p.id)
        w.send({ type: 'cancel', id: p.id })
      }
      cb(err)
    },
  })
  const pump = () => {
    while (wanting && queue.length) {
      const c = queue.shift()!
      if (p.inFlight-- === WINDOW) p.since = Date.now()
      w.send({ type: 'ack', id: p.id })
      wanting = body.push(c)
    }
    if (wanting && done && !queue.length) body.push(null)
  }
  p.onChunk = (b) => {
    queue.push(b)
    pump()
  }
  p.onEnd = () => {
    done = true
    pump()
  }
  p.onError = (e) => {
    done = true
    body.destroy(e)
  }
  return body
}

export interface ReadWorkersOptions {
  /** Worker threads (default 2). */
  workers?: number
  /** Called when a worker is replaced (overran the time limit, or died). */
  onRestart?: (why: string) => void
}

export class ReadWorkers {
  private workers: ReadWorker[] = []
  private nextId = 1
  private closed = false
  private readonly watchdog: NodeJS.Timeout
  constructor(
    readonly file: string,
    private readonly opts: ReadWorkersOptions = {},
  ) {
    const n = Math.max(1, opts.workers ?? 2)
    for (let i = 0; i < n; i++) this.workers.push(this.spawn())
    this.watchdog = setInterval(() => this.check(), 250)
    this.watchdog.unref()
  }

  private spawn(): ReadWorker {
    return new ReadWorker(this.file, (w, why) => {
      if (this.closed) return
      const i = this.workers.indexOf(w)
      if (i >= 0) this.workers[i] = this.spawn()
      this.opts.onRestart?.(why.message)
    })
  }

  /** Runs a collection read in a worker. Resolves with the whole page, or with the stream once its
   * first chunk is made (so a failing query still gets its error status); rejects with the read's
   * error, rebuilt (protocol.ts). */
  read(job: ReadJob): Promise<WorkerResult> {
    if (this.closed) return Promise.reject(new Error('the read workers are closed'))
    const w = this.workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a))
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      const p: Pending = { id, job, since: Date.now(), inFlight: 0, settled: false, resolve, reject, onChunk: null, onEnd: null, onError: null }
      w.pending.set(id, p)
      w.send({ type: 'read', id, job })
    })
  }

  /** Ends a worker silent for much longer than the time limit while a read waits on it. */
  private check(): void {
    const now = Date.now()
    for (const w of this.workers) {
      if (!w.ready) continue
      for (const p of w.pending.values()) {
        const limit = p.job.limitMs
        if (limit <= 0 || (p.job.stream && p.inFlight >= WINDOW)) continue
        if (now - Math.max(w.lastHeard, p.since) > limit + Math.max(1000, limit)) {
          w.exit(new QueryTimeout(limit))
          void w.worker.terminate()
          break
        }
      }
    }
  }

  /** Tests: make a worker busy for `ms` without a word (as a step the deadline cannot stop). */
  hang(ms: number, worker = 0): void {
    this.workers[worker].send({ type: 'hang', ms })
  }

  /** Tests: chunks sent by the workers and not yet taken by a response. */
  get inFlight(): number {
    let n = 0
    for (const w of this.workers) for (const p of w.pending.values()) n += p.inFlight
    return n
  }

  get threads(): number[] {
    return this.workers.map((w) => w.worker.threadId)
  }

  async close(): Promise<void> {
    this.closed = true
    clearInterval(this.watchdog)
    await Promise.all(
      this.workers.map((w) => {
        w.exit(new Error('the read workers are closed'))
        return w.worker.terminate()
      }),
    )
  }
}

// Shared per store file by the plugin instances (/v1.1, /v1.0) of a server.
const shared = new Map<string, { workers: ReadWorkers; users: number }>()

export function acquireReadWorkers(file: string, opts: ReadWorkersOptions = {}): ReadWorkers {
  let s = shared.get(file)
  if (!s) shared.set(file, (s = { workers: new ReadWorkers(file, opts), users: 0 }))
  s.users++
  return s.workers
}

export async function releaseReadWorkers(workers: ReadWorkers): Promise<void> {
  const s = shared.get(workers.file)
  if (!s || s.workers !== workers) return workers.close()
  if (--s.users > 0) return
  shared.delete(workers.file)
  await workers.close()
}

// Streaming QC state per datastream during ingest: loaded from qc_states on first use, advanced
// sample by sample, written back in the batch's transaction. If the transaction fails the cache
// is dropped, so memory never runs ahead of the store.
import type { QcSample, QcStepOutput, QcStreamState } from '../science/index.js'
import type { Db } from '../store/database.js'
import type { QcRunner } from './registry.js'

export class QcContext {
  private states = new Map<number, QcStreamState | null>()
  private dirty = new Set<number>()
  private readonly load
  private readonly save

  constructor(db: Db) {
    this.load = db.prepare('SELECT state FROM qc_states WHERE datastream_id = ?')
    this.save = db.prepare('INSERT INTO qc_states (datastream_id, state) VALUES (?, ?) ON CONFLICT (datastream_id) DO UPDATE SET state = excluded.state')
  }

  private state(datastreamId: number): QcStreamState | null {
    if (!this.states.has(datastreamId)) {
      const row = this.load.get(datastreamId) as { state: string } | undefined
      this.states.set(datastreamId, row ? (JSON.parse(row.state) as QcStreamState) : null)
    }
    return this.states.get(datastreamId)!
  }

  /** QC of one sample; null when the sample cannot be tested in stream order (late data). */
  step(datastreamId: number, runner: QcRunner, sample: QcSample): QcStepOutput | null {
    const r = runner.stream.step(this.state(datastreamId), sample)
    if (!r.ok) return null
    this.states.set(datastreamId, r.value.state)
    this.dirty.add(datastreamId)
    return r.value
  }

  /** Writes the changed states; call inside the batch transaction. */
  flush(): void {
    for (const id of this.dirty) this.save.run(id, JSON.stringify(this.states.get(id)))
    this.dirty.clear()
  }

  /** Forgets everything (after a failed transaction, or a reprocess). */
  reset(): void {
    this.states.clear()
    this.dirty.clear()
  }
}

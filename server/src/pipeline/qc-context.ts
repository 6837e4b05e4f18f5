// Streaming QC state per datastream during ingest: loaded from qc_states on first use, advanced
// sample by sample in a running window (no copy per sample), written back as JSON in the batch's
// transaction. If the transaction fails the cache is dropped, so memory never runs ahead of the
// store.
import type { QcAdvance, QcSample, QcStreamState, QcWindow } from '../science/index.js'
import type { Db } from '../store/database.js'
import type { QcRunner } from './registry.js'

export class QcContext {
  private windows = new Map<number, QcWindow>()
  private dirty = new Set<number>()
  private readonly load
  private readonly save

  constructor(db: Db) {
    this.load = db.prepare('SELECT state FROM qc_states WHERE datastream_id = ?')
    this.save = db.prepare('INSERT INTO qc_states (datastream_id, state) VALUES (?, ?) ON CONFLICT (datastream_id) DO UPDATE SET state = excluded.state')
  }

  private window(datastreamId: number, runner: QcRunner): QcWindow {
    let w = this.windows.get(datastreamId)
    if (!w) {
      const row = this.load.get(datastreamId) as { state: string } | undefined
      w = runner.stream.window(row ? (JSON.parse(row.state) as QcStreamState) : null)
      this.windows.set(datastreamId, w)
    }
    return w
  }

  /** QC of one sample; null when the sample cannot be tested in stream order (late data). */
  step(datastreamId: number, runner: QcRunner, sample: QcSample): QcAdvance | null {
    const r = runner.stream.advance(this.window(datastreamId, runner), sample)
    if (!r.ok) return null
    this.dirty.add(datastreamId)
    return r.value
  }

  /** Writes the changed states; call inside the batch transaction. */
  flush(): void {
    for (const id of this.dirty) this.save.run(id, JSON.stringify(this.windows.get(id)!.toState()))
    this.dirty.clear()
  }

  /** Forgets everything (after a failed transaction, a reprocess, or a fleet change). */
  reset(): void {
    this.windows.clear()
    this.dirty.clear()
  }
}

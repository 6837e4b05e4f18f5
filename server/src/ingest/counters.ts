// Counts what every ingest source accepted and turned away, by source and reason, for /metrics
// and for tests that must see each bad input land somewhere. One instance is shared by all
// sources of a server; it holds plain numbers, no timers.
import type { Rejection, RejectionReason } from './rejections.js'
import type { UplinkSourceKind } from './types.js'

/** A format-specific source, or the transport when the format is not known yet (bad topic, no secret). */
export type IngestCounterSource = UplinkSourceKind | 'mqtt' | 'http'

export interface RejectionCount {
  source: IngestCounterSource
  reason: RejectionReason
  count: number
  /** The detail of the latest rejection of this kind, to tell an operator what to look at. */
  lastDetail: string
}

export class IngestCounters {
  private readonly acceptedFrames = new Map<IngestCounterSource, number>()
  private readonly rejections = new Map<string, RejectionCount>()

  /** Frames handed to the sink and made durable (so acknowledged). */
  accept(source: IngestCounterSource, frames = 1): void {
    this.acceptedFrames.set(source, (this.acceptedFrames.get(source) ?? 0) + frames)
  }

  reject(source: IngestCounterSource, rejection: Rejection): void {
    const key = `${source}\u0000${rejection.reason}`
    const row = this.rejections.get(key)
    if (row) {
      row.count++
      row.lastDetail = rejection.detail
    } else {
      this.rejections.set(key, { source, reason: rejection.reason, count: 1, lastDetail: rejection.detail })
    }
  }

  accepted(source?: IngestCounterSource): number {
    if (source !== undefined) return this.acceptedFrames.get(source) ?? 0
    let sum = 0
    for (const n of this.acceptedFrames.values()) sum += n
    return sum
  }

  /** Rejections, optionally narrowed to one source and/or one reason. */
  rejected(filter: { source?: IngestCounterSource; reason?: RejectionReason } = {}): number {
    let sum = 0
    for (const row of this.rejections.values()) {
      if (filter.source !== undefined && row.source !== filter.source) continue
      if (filter.reason !== undefined && row.reason !== filter.reason) continue
      sum += row.count
    }
    return sum
  }

  /** One row per (source, reason) seen, sorted, for /metrics and logs. */
  rejectionRows(): RejectionCount[] {
    return [...this.rejections.values()]
      .map((r) => ({ ...r }))
      .sort((a, b) => (a.source === b.source ? a.reason.localeCompare(b.reason) : a.source.localeCompare(b.source)))
  }

  acceptedRows(): { source: IngestCounterSource; frames: number }[] {
    return [...this.acceptedFrames.entries()]
      .map(([source, frames]) => ({ source, frames }))
      .sort((a, b) => a.source.localeCompare(b.source))
  }
}

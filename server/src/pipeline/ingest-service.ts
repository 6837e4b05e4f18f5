// The ingest pipeline as one UplinkSink: sources submit normalised uplinks; they are processed
// in batches, one SQLite transaction per batch (group commit), and each submit() resolves only
// after its batch committed — that is when a source may acknowledge (PUSH_ACK, PUBACK, HTTP 200).
//
// Per frame: receive → de-duplicate → device session → (PHY frames: MIC, counter, decrypt) →
// decode → timestamps → calibrate → derive → QC → store → publish. A stage that drops a frame
// returns the reason as a value; it is recorded in rejected_uplinks and counted, never thrown.
import type { EntityEvents } from '../events.js'
import type { AppUplink, PhyUplink, ReceivedUplink, UplinkSink } from '../ingest/types.js'
import type { Db } from '../store/database.js'
import { BatchWriter, type Rejection } from './batch-writer.js'
import { processFrame, type AcceptedFrame } from './frame-stages.js'
import { QcContext } from './qc-context.js'
import type { DeviceInfo, FleetRegistry } from './registry.js'
import { SessionTracker } from './session-tracker.js'

/** What the LoRaWAN layer makes of a raw frame. */
export type PhyResult =
  | { kind: 'accepted'; frame: AcceptedFrame }
  | { kind: 'duplicate'; uplinkId: number }
  | { kind: 'rejected'; rejection: Rejection }
  /** An OTAA Join-request accepted (server/src/join): the device's new session is stored. */
  | { kind: 'joined'; deviceId: number }

/** The LoRaWAN layer for raw frames (MIC, 32-bit counter, decryption, multi-gateway dedup). */
export interface PhyProcessor {
  process(up: PhyUplink, ctx: { registry: FleetRegistry; sessions: SessionTracker; writer: BatchWriter }): PhyResult
  /** The accepted frame with this dedup id was stored as this uplink (copies will join it). */
  stored?(dedupId: string, uplinkId: number): void
  /** A batch failed: forget what was learnt during it. */
  reset?(): void
}

export interface IngestCounts {
  accepted: number
  duplicates: number
  observations: number
  rejected: Record<string, number>
  batches: number
  /** OTAA joins accepted. */
  joins: number
}

/** Timing of one committed batch, for metrics. */
export interface BatchReport {
  frames: number
  /** From the arrival of the batch's oldest frame to its commit. */
  lagMs: number
  /** Processing and commit time. */
  durationMs: number
}

export interface IngestServiceOptions {
  maxBatch?: number
  events?: EntityEvents
  phy?: PhyProcessor
  onError?: (e: Error) => void
  onBatch?: (report: BatchReport) => void
  /** After a batch committed: its accepted frames with their stored ids (the downlink scheduler). Must not throw. */
  onAccepted?: (stored: { uplinkId: number; frame: AcceptedFrame }[]) => void
}

/** Longest a batch keeps gathering frames from further event-loop turns before it commits. */
const GATHER_MAX_MS = 5

interface Pending {
  uplinks: ReceivedUplink[]
  resolve: () => void
  reject: (e: Error) => void
}

export class IngestService implements UplinkSink {
  readonly counts: IngestCounts = { accepted: 0, duplicates: 0, observations: 0, rejected: {}, batches: 0, joins: 0 }
  private pending: Pending[] = []
  private pendingCount = 0
  private scheduled = false
  private gatherSince = 0
  private gatheredCount = -1
  private closed = false
  private readonly qc: QcContext
  private readonly writer: BatchWriter
  readonly sessions: SessionTracker
  private readonly maxBatch: number
  /** Accepted frames of the batch in flight, for onAccepted once it commits. */
  private acceptedInBatch: { uplinkId: number; frame: AcceptedFrame }[] = []

  constructor(
    private readonly db: Db,
    readonly registry: FleetRegistry,
    private readonly options: IngestServiceOptions = {},
  ) {
    this.qc = new QcContext(db)
    this.writer = new BatchWriter(db)
    this.sessions = new SessionTracker(db)
    this.maxBatch = options.maxBatch ?? 5000
  }

  /** Frames waiting for the next batch. */
  get pendingFrames(): number {
    return this.pendingCount
  }

  submit(uplinks: ReceivedUplink[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('ingest is shutting down'))
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ uplinks, resolve, reject })
      this.pendingCount += uplinks.length
      if (this.pendingCount >= this.maxBatch) this.flush()
      else if (!this.scheduled) {
        this.scheduled = true
        // Everything submitted in this turn of the event loop shares one transaction.
        this.gatherSince = Date.now()
        this.gatheredCount = -1
        setImmediate(this.gather)
      }
    })
  }

  /**
   * Runs after a turn of the event loop. Under load more datagrams are already waiting in the
   * sockets (a turn reads at most a few dozen): while a turn brings new frames, give it one more
   * (up to GATHER_MAX_MS), so they share the batch's commit and fsync. When a turn brings
   * nothing the batch commits at once, so a lone frame waits one extra turn, not a timer.
   */
  private readonly gather = (): void => {
    if (!this.scheduled) return
    // No timer on purpose: senders wait for the acknowledgements of what is pending (the
    // gateway's PUSH_ACK window), so waiting for more when a turn brought nothing only stalls.
    if (this.pendingCount !== this.gatheredCount && this.pendingCount < this.maxBatch && Date.now() - this.gatherSince < GATHER_MAX_MS) {
      this.gatheredCount = this.pendingCount
      setImmediate(this.gather)
      return
    }
    this.flush()
  }

  /** Processes and commits everything pending; resolves or rejects its submitters. */
  flush(): void {
    this.scheduled = false
    const batch = this.pending
    this.pending = []
    const frames = this.pendingCount
    this.pendingCount = 0
    if (batch.length === 0) return
    const started = Date.now()
    let oldest = started
    for (const p of batch) for (const up of p.uplinks) if (up.receivedAtMs < oldest) oldest = up.receivedAtMs
    try {
      if (this.registry.refresh()) {
        // Another process changed the fleet or reprocessed history: state cached here is stale.
        this.qc.reset()
        this.sessions.reset()
      }
      // IMMEDIATE: the write lock is taken (waiting out another process's write, busy_timeout)
      // before anything is read. The batch's rows are buffered until its end (BatchWriter), so a
      // deferred transaction would read for the whole batch and then fail to upgrade
      // (SQLITE_BUSY_SNAPSHOT) if another process had written meanwhile.
      this.db.transaction(() => {
        for (const p of batch) for (const up of p.uplinks) this.handle(up)
        this.writer.finish()
        this.qc.flush()
      }).immediate()
    } catch (e) {
      // Nothing of the batch is stored: forget in-memory state that ran ahead, refuse the acks.
      this.qc.reset()
      this.sessions.reset()
      this.options.phy?.reset?.()
      this.writer.abort()
      this.acceptedInBatch = []
      const err = e instanceof Error ? e : new Error(String(e))
      this.options.onError?.(err)
      for (const p of batch) p.reject(err)
      return
    }
    this.counts.batches++
    const committed = Date.now()
    this.options.onBatch?.({ frames, lagMs: committed - oldest, durationMs: committed - started })
    for (const p of batch) p.resolve()
    this.options.events?.emit(this.writer.takeChanges())
    if (this.acceptedInBatch.length) {
      const accepted = this.acceptedInBatch
      this.acceptedInBatch = []
      this.options.onAccepted?.(accepted)
    }
  }

  /** Finishes the batch in flight and refuses new work. */
  close(): void {
    this.closed = true
    this.flush()
  }

  private handle(up: ReceivedUplink): void {
    if (up.kind === 'app') return this.handleApp(up)
    if (!this.options.phy) return this.reject({ receivedAtMs: up.receivedAtMs, source: up.source, reason: 'lorawan_unavailable', detail: 'no LoRaWAN layer configured', bytes: up.phyPayload })
    const r = this.options.phy.process(up, { registry: this.registry, sessions: this.sessions, writer: this.writer })
    if (r.kind === 'rejected') return this.reject(r.rejection)
    if (r.kind === 'duplicate') {
      this.counts.duplicates++
      return
    }
    if (r.kind === 'joined') {
      this.counts.joins++
      return
    }
    this.store(r.frame)
  }

  private handleApp(up: AppUplink): void {
    const device: DeviceInfo | undefined = this.registry.deviceByEui(up.devEui) ?? (up.deviceId ? this.registry.deviceByNetworkId(up.deviceId) : undefined)
    if (!device) {
      return this.reject({ receivedAtMs: up.receivedAtMs, source: up.source, reason: 'unknown_device', detail: `DevEUI ${up.devEui} is not provisioned`, bytes: up.payload })
    }
    // The network server checked the counter; we only tell a repeat from a counter reset.
    const placed = this.sessions.placeNetworkServerFrame(device.id, up.fCnt)
    const existing = this.writer.existing(device.id, placed.session, up.fCnt)
    if (existing) {
      if (existing.payload && existing.payload.equals(up.payload)) {
        this.writer.addReceptions(existing.id, up.receptions)
        this.counts.duplicates++
        return
      }
      // Same counter, different payload, same session: a replay or a restarted device.
      return this.reject({ receivedAtMs: up.receivedAtMs, source: up.source, reason: 'replay', detail: `FCnt ${up.fCnt} already stored with another payload`, deviceId: device.id, bytes: up.payload })
    }
    this.store({
      device,
      session: placed.session,
      fCnt: up.fCnt,
      fPort: up.fPort,
      payload: up.payload,
      receivedAtMs: up.receivedAtMs,
      receptions: up.receptions,
      source: up.source,
      phyPayload: null,
      dedupId: up.networkDedupId ?? null,
      ...(up.networkTime ? { networkTime: up.networkTime } : {}),
    })
  }

  private store(frame: AcceptedFrame): void {
    const outcome = processFrame(frame, this.registry, this.qc)
    const uplinkId = this.writer.write(frame, outcome)
    if (frame.dedupId) this.options.phy?.stored?.(frame.dedupId, uplinkId)
    if (this.options.onAccepted) this.acceptedInBatch.push({ uplinkId, frame })
    this.sessions.accepted(frame.device.id, frame.session, frame.fCnt)
    this.counts.accepted++
    this.counts.observations += outcome.observations.length
  }

  private reject(r: Rejection): void {
    this.writer.reject(r)
    this.counts.rejected[r.reason] = (this.counts.rejected[r.reason] ?? 0) + 1
  }
}

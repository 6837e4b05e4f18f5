// Writes one frame's outcome inside the batch transaction: the raw uplink, its observations,
// QC revisions, status, acknowledgements, datastream time ranges; and rejected frames. Prepared
// statements only; every value bound.
//
// Observations are the bulk of the rows, so they are buffered and inserted many per statement
// (INSERT … VALUES (…), (…), …) before the batch commits. A QC revision of a row still in the
// buffer is applied there; one of a stored row is an UPDATE. Device counters and datastream
// time ranges are written once per batch.
//
// Uplink rows are buffered too, with their ids assigned up front (max(id) + 1 onwards, read in
// the batch's transaction), so that the copies of a frame other gateways heard in the same batch
// join its receptions in memory: a frame heard by three gateways is one row write, not an INSERT
// and two UPDATEs. A copy of a row already written (an earlier batch) appends with json_insert.
import type { Db } from '../store/database.js'
import type { EntityChange } from '../events.js'
import type { AcceptedFrame, FrameOutcome } from './frame-stages.js'

const OBSERVATION_COLUMNS = 8
/** Rows per multi-row INSERT (8 bound values each, well under SQLite's 32 766 variables). */
const OBSERVATION_CHUNK = 256

export interface Rejection {
  receivedAtMs: number
  source: string
  reason: string
  detail: string
  deviceId?: number | null
  gatewayId?: string | null
  bytes?: Buffer | null
}

/**
 * uplinks.decoded: the message as JSON, except for a plain measurement message (no MAC commands
 * alongside), NULL: the codec yields it again from the stored payload (decodeUplink(payload,
 * f_port)), and its samples are the observations' raw values. It was two thirds of the bytes of
 * an uplink row (~540 of ~820 for 6 samples) and cost 10–15 % of the ingest batch time.
 */
function storedDecoded(decoded: unknown): string | null {
  if (decoded === null) return null
  const m = decoded as { type?: unknown; macCommands?: unknown }
  if (m.type === 'measurements' && m.macCommands === undefined) return null
  return JSON.stringify(decoded)
}

/** An uplink row of this batch, not written yet (its columns; receptions grow as copies arrive). */
interface BufferedUplink {
  id: number
  deviceId: number
  session: number
  fCnt: number
  fPort: number
  receivedAt: number
  source: string
  phyPayload: Buffer | null
  payload: Buffer | null
  receptions: unknown[]
  /** Whether `receptions` is this row's own array (copied before the first copy is appended). */
  ownReceptions: boolean
  dedupId: string | null
  decoded: string | null
  codecError: string | null
}

const uplinkKey = (deviceId: number, session: number, fCnt: number): string => `${deviceId}:${session}:${fCnt}`

export class BatchWriter {
  private readonly findUplink
  private readonly insertUplink
  private readonly maxUplinkId
  /** Next uplink id of this batch; 0 until read (max(id) + 1) at the batch's first uplink. */
  private nextUplinkId = 0
  /** Uplink rows of this batch not written yet, ids consecutive in order. */
  private uplinks: BufferedUplink[] = []
  /** The same rows by (device, session, counter): a repeat within the batch is found here. */
  private uplinksByKey = new Map<string, BufferedUplink>()
  /** device_status rows of buffered uplinks (written after them: uplink_id references uplinks). */
  private statuses: [uplinkId: number, deviceId: number, time: number, status: string][] = []
  /** Multi-row observation inserts by row count (powers of two up to OBSERVATION_CHUNK). */
  private readonly insertObservations = new Map<number, ReturnType<Db['prepare']>>()
  /**
   * Buffered observation rows, OBSERVATION_COLUMNS values each, NULL as NaN (SQLite stores a
   * bound NaN as NULL), in a typed array reused from batch to batch: outside the garbage-collected
   * heap, instead of a heap number per time and result living until the batch commits.
   */
  private pending = new Float64Array(OBSERVATION_COLUMNS * 1024)
  /** Values used in `pending`. */
  private pendingLength = 0
  /** Buffered rows whose QC a later frame of the batch revised (row indexes). */
  private revisedPending: number[] = []
  /** Per datastream, the buffered row of its newest QC'd sample: the one a revision concerns. */
  private newestPending = new Map<number, number>()
  private readonly reviseQc
  private readonly insertStatus
  private readonly ackDownlink
  private readonly touchDatastream
  private readonly touchDevice
  private readonly insertRejected
  private readonly mergeReceptions
  /** Device counter updates of this batch, written once per device at the end. */
  private devices = new Map<number, { id: number; session: number; fcnt: number; seen: number }>()
  /** Datastream time ranges seen in this batch, written once at the end. */
  private ranges = new Map<number, { pMin: number; pMax: number; rMin: number; rMax: number }>()
  changes: EntityChange[] = []

  constructor(private readonly db: Db) {
    this.findUplink = db.prepare('SELECT id, payload FROM uplinks WHERE device_id = ? AND session = ? AND fcnt = ?')
    this.insertUplink = db.prepare(
      `INSERT INTO uplinks (id, device_id, session, fcnt, f_port, received_at, source, phy_payload, payload, receptions, dedup_id, decoded, codec_error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    // An explicit id is what SQLite would choose itself (max(rowid) + 1 on a table without
    // AUTOINCREMENT). Read inside the batch's transaction, which IngestService begins IMMEDIATE
    // (write lock held): no other connection can insert before the batch's rows are written.
    // (In a deferred transaction a writer committing in between would make the batch's first
    // write fail with SQLITE_BUSY_SNAPSHOT, never reuse an id.)
    this.maxUplinkId = db.prepare('SELECT coalesce(max(id), 0) FROM uplinks').pluck()
    for (let n = OBSERVATION_CHUNK; n >= 1; n >>= 1) {
      this.insertObservations.set(
        n,
        db.prepare(
          `INSERT INTO observations (datastream_id, phenomenon_time, result, raw, qc, age_s, calibration_id, uplink_id) VALUES ${Array.from({ length: n }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        ),
      )
    }
    this.reviseQc = db.prepare('UPDATE observations SET qc = ? WHERE datastream_id = ? AND phenomenon_time = ? RETURNING id')
    this.insertStatus = db.prepare('INSERT INTO device_status (uplink_id, device_id, time, status) VALUES (?, ?, ?, ?)')
    this.ackDownlink = db.prepare(
      "UPDATE config_downlinks SET state = 'acknowledged', acknowledged_at = ?, results = ? WHERE device_id = ? AND seq = ? AND state IN ('queued', 'sent')",
    )
    this.touchDatastream = db.prepare(
      `UPDATE datastreams SET
         phenomenon_time_start = min(coalesce(phenomenon_time_start, @pMin), @pMin), phenomenon_time_end = max(coalesce(phenomenon_time_end, @pMax), @pMax),
         result_time_start = min(coalesce(result_time_start, @rMin), @rMin), result_time_end = max(coalesce(result_time_end, @rMax), @rMax)
       WHERE id = @id`,
    )
    // A late frame never moves the counter back; a new session starts it afresh.
    this.touchDevice = db.prepare(
      'UPDATE devices SET fcnt_up = CASE WHEN session = @session THEN max(coalesce(fcnt_up, @fcnt), @fcnt) ELSE @fcnt END, session = @session, last_seen = @seen WHERE id = @id',
    )
    this.insertRejected = db.prepare(
      'INSERT INTO rejected_uplinks (received_at, source, reason, detail, device_id, gateway_id, bytes) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
    this.mergeReceptions = db.prepare("UPDATE uplinks SET receptions = json_insert(receptions, '$[#]', json(?)) WHERE id = ?")
  }

  /** The stored uplink with this counter, if any (duplicates and replays are stored once). */
  existing(deviceId: number, session: number, fCnt: number): { id: number; payload: Buffer | null } | undefined {
    if (this.uplinks.length) {
      const b = this.uplinksByKey.get(uplinkKey(deviceId, session, fCnt))
      if (b) return { id: b.id, payload: b.payload }
    }
    return this.findUplink.get(deviceId, session, fCnt) as { id: number; payload: Buffer | null } | undefined
  }

  /** Adds the receptions of another copy of a stored frame (another gateway heard it too). */
  addReceptions(uplinkId: number, receptions: unknown[]): void {
    const first = this.uplinks[0]
    if (first !== undefined) {
      // Still buffered (written in this batch): joins the row before it is written, once.
      const b = this.uplinks[uplinkId - first.id]
      if (b !== undefined && b.id === uplinkId) {
        if (!b.ownReceptions) {
          b.receptions = b.receptions.slice()
          b.ownReceptions = true
        }
        for (const r of receptions) b.receptions.push(r)
        return
      }
    }
    // Written by an earlier batch: appended by SQLite (no read, parse and rewrite in JS).
    for (const r of receptions) this.mergeReceptions.run(JSON.stringify(r), uplinkId)
  }

  /** Buffers the frame's uplink row, its observations and status; returns the uplink's id. */
  write(frame: AcceptedFrame, outcome: FrameOutcome): number {
    if (this.nextUplinkId === 0) this.nextUplinkId = Number(this.maxUplinkId.get()) + 1
    const uplinkId = this.nextUplinkId++
    const row: BufferedUplink = {
      id: uplinkId,
      deviceId: frame.device.id,
      session: frame.session,
      fCnt: frame.fCnt,
      fPort: frame.fPort,
      receivedAt: outcome.baseTimeMs,
      source: frame.source,
      phyPayload: frame.phyPayload,
      payload: frame.payload,
      receptions: frame.receptions,
      ownReceptions: false,
      dedupId: frame.dedupId,
      decoded: storedDecoded(outcome.decoded),
      codecError: outcome.codecError ?? (outcome.problems.length ? `calibration: ${outcome.problems.slice(0, 5).join('; ')}` : null),
    }
    this.uplinks.push(row)
    this.uplinksByKey.set(uplinkKey(row.deviceId, row.session, row.fCnt), row)
    // Revisions concern earlier frames: apply them before this frame's rows join the buffer.
    for (const r of outcome.revisions) this.revise(r.datastreamId, r.time, r.qc)
    let at = this.pendingLength
    if (at + outcome.observations.length * OBSERVATION_COLUMNS > this.pending.length) {
      const grown = new Float64Array(Math.max(this.pending.length * 2, at + outcome.observations.length * OBSERVATION_COLUMNS))
      grown.set(this.pending.subarray(0, at))
      this.pending = grown
    }
    const pending = this.pending
    for (const o of outcome.observations) {
      // Only a QC'd sample can be revised (late samples are stored without QC).
      if (o.qc !== null) this.newestPending.set(o.datastreamId, at / OBSERVATION_COLUMNS)
      pending[at++] = o.datastreamId
      pending[at++] = o.time
      pending[at++] = o.result ?? NaN
      pending[at++] = o.raw ?? NaN
      pending[at++] = o.qc ?? NaN
      pending[at++] = o.ageS
      pending[at++] = o.calibrationId ?? NaN
      pending[at++] = uplinkId
      this.widen(o.datastreamId, o.time, outcome.baseTimeMs)
    }
    this.pendingLength = at
    if (outcome.status) this.statuses.push([uplinkId, frame.device.id, outcome.baseTimeMs, JSON.stringify(outcome.status)])
    if (outcome.configAck) this.ackDownlink.run(outcome.baseTimeMs, JSON.stringify(outcome.configAck.results), frame.device.id, outcome.configAck.seq)
    this.touchDeviceLater(frame.device.id, frame.session, frame.fCnt, frame.receivedAtMs)
    return uplinkId
  }

  private revise(datastreamId: number, time: number, qc: number): void {
    const row = this.newestPending.get(datastreamId)
    if (row !== undefined && this.pending[row * OBSERVATION_COLUMNS + 1] === time) {
      this.pending[row * OBSERVATION_COLUMNS + 4] = qc
      this.revisedPending.push(row)
      return
    }
    // No QC'd row of this datastream buffered: the revised row is already in the store.
    // (A buffered one with another time should not happen; write the buffer to be safe.)
    if (row !== undefined) this.writePending()
    for (const r of this.reviseQc.all(qc, datastreamId, time) as { id: number }[]) this.changes.push({ set: 'Observations', id: r.id, kind: 'update' })
  }

  /** Inserts the buffered uplink rows, each with every reception heard in the batch, then their statuses. */
  private writeUplinks(): void {
    for (const u of this.uplinks) {
      this.insertUplink.run(
        u.id,
        u.deviceId,
        u.session,
        u.fCnt,
        u.fPort,
        u.receivedAt,
        u.source,
        u.phyPayload,
        u.payload,
        JSON.stringify(u.receptions),
        u.dedupId,
        u.decoded,
        u.codecError,
      )
    }
    this.uplinks = []
    this.uplinksByKey.clear()
    for (const s of this.statuses) this.insertStatus.run(s[0], s[1], s[2], s[3])
    this.statuses = []
  }

  /** Inserts the buffered observations, largest statements first (after the uplinks they reference). */
  private writePending(): void {
    if (this.uplinks.length) this.writeUplinks()
    const pending = this.pending
    const rows = this.pendingLength / OBSERVATION_COLUMNS
    if (rows === 0) return
    const ids = new Array<number>(rows)
    let row = 0
    for (let n = OBSERVATION_CHUNK; n >= 1; n >>= 1) {
      const statement = this.insertObservations.get(n)!
      while (rows - row >= n) {
        const values = new Array<number>(n * OBSERVATION_COLUMNS)
        for (let v = 0, from = row * OBSERVATION_COLUMNS; v < values.length; v++) values[v] = pending[from + v]!
        const last = Number(statement.run(values).lastInsertRowid)
        // One statement in one transaction on a rowid table: its rows got consecutive ids.
        for (let k = 0; k < n; k++) ids[row + k] = last - n + 1 + k
        row += n
      }
    }
    for (const id of ids) this.changes.push({ set: 'Observations', id, kind: 'create' })
    // Revised after being buffered: published again, as a stored row's revision would be.
    for (const r of this.revisedPending) this.changes.push({ set: 'Observations', id: ids[r]!, kind: 'update' })
    this.pendingLength = 0
    this.revisedPending = []
    this.newestPending.clear()
  }

  /**
   * Device counter updates of one session collapse into one (the highest counter, the last
   * time seen): the same end state as one UPDATE per frame. A new session writes the previous
   * one's first, so the order of sessions is kept.
   */
  private touchDeviceLater(id: number, session: number, fcnt: number, seen: number): void {
    const t = this.devices.get(id)
    if (t && t.session === session) {
      t.fcnt = Math.max(t.fcnt, fcnt)
      t.seen = seen
      return
    }
    if (t) this.touchDevice.run(t)
    this.devices.set(id, { id, session, fcnt, seen })
  }

  reject(r: Rejection): void {
    this.insertRejected.run(r.receivedAtMs, r.source, r.reason, r.detail, r.deviceId ?? null, r.gatewayId ?? null, r.bytes ?? null)
  }

  private widen(datastreamId: number, phenomenonTime: number, resultTime: number): void {
    const r = this.ranges.get(datastreamId)
    if (!r) this.ranges.set(datastreamId, { pMin: phenomenonTime, pMax: phenomenonTime, rMin: resultTime, rMax: resultTime })
    else {
      r.pMin = Math.min(r.pMin, phenomenonTime)
      r.pMax = Math.max(r.pMax, phenomenonTime)
      r.rMin = Math.min(r.rMin, resultTime)
      r.rMax = Math.max(r.rMax, resultTime)
    }
  }

  /** Writes everything buffered; call at the end of the batch transaction. */
  finish(): void {
    this.writePending() // the uplinks first, then their observations
    // The next batch reads max(id) again (another process may have written in between).
    this.nextUplinkId = 0
    for (const t of this.devices.values()) this.touchDevice.run(t)
    this.devices.clear()
    for (const [id, r] of this.ranges) {
      this.touchDatastream.run({ ...r, id })
      this.changes.push({ set: 'Datastreams', id, kind: 'update' })
    }
    this.ranges.clear()
  }

  /** After a failed transaction: drops whatever was buffered for it. */
  abort(): void {
    this.nextUplinkId = 0
    this.uplinks = []
    this.uplinksByKey.clear()
    this.statuses = []
    this.pendingLength = 0
    this.revisedPending = []
    this.newestPending.clear()
    this.ranges.clear()
    this.devices.clear()
    this.changes = []
  }

  takeChanges(): EntityChange[] {
    const c = this.changes
    this.changes = []
    return c
  }
}

// Writes one frame's outcome inside the batch transaction: the raw uplink, its observations,
// QC revisions, status, acknowledgements, datastream time ranges; and rejected frames. Prepared
// statements only; every value bound.
import type { Db } from '../store/database.js'
import type { EntityChange } from '../events.js'
import type { AcceptedFrame, FrameOutcome } from './frame-stages.js'

export interface Rejection {
  receivedAtMs: number
  source: string
  reason: string
  detail: string
  deviceId?: number | null
  gatewayId?: string | null
  bytes?: Buffer | null
}

export class BatchWriter {
  private readonly findUplink
  private readonly insertUplink
  private readonly insertObservation
  private readonly reviseQc
  private readonly insertStatus
  private readonly ackDownlink
  private readonly touchDatastream
  private readonly touchDevice
  private readonly insertRejected
  private readonly mergeReceptions
  /** Datastream time ranges seen in this batch, written once at the end. */
  private ranges = new Map<number, { pMin: number; pMax: number; rMin: number; rMax: number }>()
  changes: EntityChange[] = []

  constructor(private readonly db: Db) {
    this.findUplink = db.prepare('SELECT id, payload FROM uplinks WHERE device_id = ? AND session = ? AND fcnt = ?')
    this.insertUplink = db.prepare(
      `INSERT INTO uplinks (device_id, session, fcnt, f_port, received_at, source, phy_payload, payload, receptions, dedup_id, decoded, codec_error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    this.insertObservation = db.prepare(
      'INSERT INTO observations (datastream_id, phenomenon_time, result, raw, qc, age_s, calibration_id, uplink_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    )
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
    this.mergeReceptions = db.prepare('UPDATE uplinks SET receptions = ? WHERE id = ?')
  }

  /** The stored uplink with this counter, if any (duplicates and replays are stored once). */
  existing(deviceId: number, session: number, fCnt: number): { id: number; payload: Buffer | null } | undefined {
    return this.findUplink.get(deviceId, session, fCnt) as { id: number; payload: Buffer | null } | undefined
  }

  /** Adds the receptions of a late copy of a stored frame (another gateway heard it too). */
  addReceptions(uplinkId: number, receptions: unknown[]): void {
    const row = this.db.prepare('SELECT receptions FROM uplinks WHERE id = ?').get(uplinkId) as { receptions: string }
    this.mergeReceptions.run(JSON.stringify([...JSON.parse(row.receptions), ...receptions]), uplinkId)
  }

  write(frame: AcceptedFrame, outcome: FrameOutcome): number {
    const uplinkId = Number(
      this.insertUplink.run(
        frame.device.id,
        frame.session,
        frame.fCnt,
        frame.fPort,
        outcome.baseTimeMs,
        frame.source,
        frame.phyPayload,
        frame.payload,
        JSON.stringify(frame.receptions),
        frame.dedupId,
        outcome.decoded === null ? null : JSON.stringify(outcome.decoded),
        outcome.codecError ?? (outcome.problems.length ? `calibration: ${outcome.problems.slice(0, 5).join('; ')}` : null),
      ).lastInsertRowid,
    )
    for (const o of outcome.observations) {
      const id = Number(this.insertObservation.run(o.datastreamId, o.time, o.result, o.raw, o.qc, o.ageS, o.calibrationId, uplinkId).lastInsertRowid)
      this.changes.push({ set: 'Observations', id, kind: 'create' })
      this.widen(o.datastreamId, o.time, outcome.baseTimeMs)
    }
    for (const r of outcome.revisions) {
      for (const row of this.reviseQc.all(r.qc, r.datastreamId, r.time) as { id: number }[]) this.changes.push({ set: 'Observations', id: row.id, kind: 'update' })
    }
    if (outcome.status) this.insertStatus.run(uplinkId, frame.device.id, outcome.baseTimeMs, JSON.stringify(outcome.status))
    if (outcome.configAck) this.ackDownlink.run(outcome.baseTimeMs, JSON.stringify(outcome.configAck.results), frame.device.id, outcome.configAck.seq)
    this.touchDevice.run({ fcnt: frame.fCnt, session: frame.session, seen: frame.receivedAtMs, id: frame.device.id })
    return uplinkId
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

  /** Writes the datastream ranges; call at the end of the batch transaction. */
  finish(): void {
    for (const [id, r] of this.ranges) {
      this.touchDatastream.run({ ...r, id })
      this.changes.push({ set: 'Datastreams', id, kind: 'update' })
    }
    this.ranges.clear()
  }

  takeChanges(): EntityChange[] {
    const c = this.changes
    this.changes = []
    return c
  }
}

// The persistent per-device downlink queue (tables downlink_queue, downlink_counters and, for
// configurations, config_downlinks; migration 4, docs/downlinks.md). Shared by the HTTP route,
// the CLI (another process on the same database file) and the scheduler. Prepared statements,
// every value bound; payloads are returned as hex, keys never leave the devices table.
import { encodeDownlink, type ConfigDownlink } from '@reeflink/codecs'
import type { Statement } from 'better-sqlite3'
import type { Db } from '../store/database.js'
import type { DownlinkRequest, RequestError } from './request.js'

export type DownlinkState = 'pending' | 'sent' | 'acked' | 'failed'

/** A queue item as the API shows it. */
export interface DownlinkItem {
  id: number
  devEui: string
  fPort: number
  payloadHex: string
  confirmed: boolean
  state: DownlinkState
  createdAt: string
  createdBy: string | null
  attempts: number
  sentAt: string | null
  ackedAt: string | null
  /** FCntDown of the last transmission. */
  fCntDown: number | null
  gatewayId: string | null
  /** Why it failed, or the last transmission error while pending again. */
  reason: string | null
  /** The configuration it carries (seq echoed by the device's configAck). */
  config: ConfigDownlink | null
}

/** A pending item as the scheduler needs it. */
export interface PendingDownlink {
  id: number
  fPort: number
  payload: Buffer
  confirmed: boolean
  attempts: number
  configDownlinkId: number | null
}

export type EnqueueError = RequestError | { code: 'DEVICE_NOT_FOUND'; message: string } | { code: 'DOWNLINK_UNSUPPORTED'; message: string }
export type EnqueueResult = { ok: true; item: DownlinkItem } | { ok: false; error: EnqueueError }

interface ItemRow {
  id: number
  dev_eui: string
  f_port: number
  payload: Buffer
  confirmed: number
  state: DownlinkState
  created_at: number
  created_by: string | null
  attempts: number
  sent_at: number | null
  acked_at: number | null
  fcnt_down: number | null
  gateway_id: string | null
  reason: string | null
  message: string | null
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

function toItem(r: ItemRow): DownlinkItem {
  return {
    id: r.id,
    devEui: r.dev_eui,
    fPort: r.f_port,
    payloadHex: r.payload.toString('hex'),
    confirmed: r.confirmed === 1,
    state: r.state,
    createdAt: iso(r.created_at)!,
    createdBy: r.created_by,
    attempts: r.attempts,
    sentAt: iso(r.sent_at),
    ackedAt: iso(r.acked_at),
    fCntDown: r.fcnt_down,
    gatewayId: r.gateway_id,
    reason: r.reason,
    config: r.message === null ? null : (JSON.parse(r.message) as ConfigDownlink),
  }
}

const ITEM_SELECT = `SELECT q.id, d.dev_eui, q.f_port, q.payload, q.confirmed, q.state, q.created_at, q.created_by, q.attempts, q.sent_at, q.acked_at,
  q.fcnt_down, q.gateway_id, q.reason, c.message
  FROM downlink_queue q JOIN devices d ON d.id = q.device_id LEFT JOIN config_downlinks c ON c.id = q.config_downlink_id`

export interface DownlinkStoreOptions {
  /**
   * How devices behind a network server (ChirpStack, The Things Stack) get their downlinks:
   * 'mqtt' (published to the integration's downlink topic, ./network-server.ts) or null (not
   * possible: enqueueing answers DOWNLINK_UNSUPPORTED). Default null.
   */
  networkServer?: 'mqtt' | null
}

export class DownlinkStore {
  private readonly networkServer: 'mqtt' | null
  /** Prepared once per SQL text: the scheduler asks on every stored uplink, and prepare() costs more than the query. */
  private readonly statements = new Map<string, Statement>()

  constructor(
    private readonly db: Db,
    options: DownlinkStoreOptions = {},
  ) {
    this.networkServer = options.networkServer ?? null
  }

  private statement(sql: string): Statement {
    let st = this.statements.get(sql)
    if (!st) {
      st = this.db.prepare(sql)
      this.statements.set(sql, st)
    }
    return st
  }

  /**
   * Devices with an item pending or sent: one indexed query per committed batch lets the
   * scheduler skip every other device without touching the queue.
   */
  devicesWithOpenItems(): Set<number> {
    const rows = this.statement("SELECT DISTINCT device_id FROM downlink_queue WHERE state IN ('pending', 'sent')").pluck().all() as number[]
    return new Set(rows)
  }

  /** Checks the device and queues the request (a configuration gets its seq and codec bytes here). */
  enqueue(devEui: string, request: DownlinkRequest, options: { createdBy?: string | null; now?: number } = {}): EnqueueResult {
    const now = options.now ?? Date.now()
    const eui = devEui.toLowerCase()
    const device = this.statement('SELECT id, activation, dev_addr FROM devices WHERE dev_eui = ?').get(eui) as { id: number; activation: string; dev_addr: string | null } | undefined
    if (!device) return { ok: false, error: { code: 'DEVICE_NOT_FOUND', message: `no device with DevEUI ${devEui}` } }
    if (device.activation === 'network-server' && this.networkServer === null) {
      return {
        ok: false,
        error: {
          code: 'DOWNLINK_UNSUPPORTED',
          message: `device ${eui} is behind a network server (ChirpStack / The Things Stack): its downlinks go through the network server's MQTT integration, and this server has none (mqtt.embedded is off and no mqtt.url is set; webhooks only carry uplinks). docs/downlinks.md`,
        },
      }
    }
    if (device.activation === 'abp' && !device.dev_addr) {
      return { ok: false, error: { code: 'DOWNLINK_UNSUPPORTED', message: `device ${eui} has no session yet (no DevAddr: an OTAA device that has not joined); docs/downlinks.md` } }
    }
    const createdBy = options.createdBy ?? null
    const id = this.db.transaction((): number | EnqueueError => {
      if (request.kind === 'raw') {
        return Number(
          this.db
            .prepare('INSERT INTO downlink_queue (device_id, f_port, payload, confirmed, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)')
            .run(device.id, request.fPort, request.payload, request.confirmed ? 1 : 0, now, createdBy).lastInsertRowid,
        )
      }
      const seq = this.nextConfigSeq(device.id)
      const message: ConfigDownlink = { type: 'config', seq, commands: request.commands }
      const enc = encodeDownlink(message)
      if (!enc.ok) {
        const field = enc.error.field ? enc.error.field.replace(/^commands\[\d+\]\./, 'config.') : 'config'
        return { code: 'DOWNLINK_INVALID', field, message: enc.error.message }
      }
      const configId = Number(
        this.statement("INSERT INTO config_downlinks (device_id, seq, message, state, created_at) VALUES (?, ?, ?, 'queued', ?)").run(device.id, seq, JSON.stringify(message), now).lastInsertRowid,
      )
      return Number(
        this.db
          .prepare('INSERT INTO downlink_queue (device_id, f_port, payload, confirmed, created_at, created_by, config_downlink_id) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(device.id, enc.value.fPort, Buffer.from(enc.value.bytes), request.confirmed ? 1 : 0, now, createdBy, configId).lastInsertRowid,
      )
    })()
    if (typeof id !== 'number') return { ok: false, error: id }
    return { ok: true, item: this.item(id)! }
  }

  /**
   * The next configuration seq for a device: one past the last it was given (mod 256), skipping
   * seqs of configurations still waiting for their acknowledgement, so a configAck names one.
   */
  private nextConfigSeq(deviceId: number): number {
    const last = this.statement('SELECT seq FROM config_downlinks WHERE device_id = ? ORDER BY id DESC LIMIT 1').get(deviceId) as { seq: number } | undefined
    const open = new Set((this.statement("SELECT seq FROM config_downlinks WHERE device_id = ? AND state IN ('queued', 'sent')").all(deviceId) as { seq: number }[]).map((r) => r.seq))
    let seq = last ? (last.seq + 1) & 0xff : 1
    for (let i = 0; i < 256 && open.has(seq); i++) seq = (seq + 1) & 0xff
    return seq
  }

  item(id: number): DownlinkItem | undefined {
    const r = this.statement(`${ITEM_SELECT} WHERE q.id = ?`).get(id) as ItemRow | undefined
    return r ? toItem(r) : undefined
  }

  /** A device's queue, newest first; null when the device is unknown. */
  list(devEui: string, options: { state?: DownlinkState; limit?: number } = {}): DownlinkItem[] | null {
    const eui = devEui.toLowerCase()
    if (!this.statement('SELECT 1 FROM devices WHERE dev_eui = ?').get(eui)) return null
    const rows = this.db
      .prepare(`${ITEM_SELECT} WHERE d.dev_eui = ? AND (? IS NULL OR q.state = ?) ORDER BY q.id DESC LIMIT ?`)
      .all(eui, options.state ?? null, options.state ?? null, options.limit ?? 100) as ItemRow[]
    return rows.map(toItem)
  }

  /** Cancels a pending item (state failed, reason 'cancelled'). */
  cancel(devEui: string, id: number): { ok: true; item: DownlinkItem } | { ok: false; code: 'DOWNLINK_NOT_FOUND' | 'DOWNLINK_NOT_PENDING' } {
    const item = this.item(id)
    if (!item || item.devEui !== devEui.toLowerCase()) return { ok: false, code: 'DOWNLINK_NOT_FOUND' }
    if (item.state !== 'pending') return { ok: false, code: 'DOWNLINK_NOT_PENDING' }
    this.fail(id, 'cancelled')
    return { ok: true, item: this.item(id)! }
  }

  // ---- the scheduler's side ----

  /** The oldest pending items of a device (at most `limit`). */
  pending(deviceId: number, limit = 2): PendingDownlink[] {
    const rows = this.db
      .prepare("SELECT id, f_port, payload, confirmed, attempts, config_downlink_id FROM downlink_queue WHERE device_id = ? AND state = 'pending' ORDER BY id LIMIT ?")
      .all(deviceId, limit) as { id: number; f_port: number; payload: Buffer; confirmed: number; attempts: number; config_downlink_id: number | null }[]
    return rows.map((r) => ({ id: r.id, fPort: r.f_port, payload: r.payload, confirmed: r.confirmed === 1, attempts: r.attempts, configDownlinkId: r.config_downlink_id }))
  }

  /**
   * Takes the device session's next FCntDown and, in the same transaction, marks the item sent
   * with it (itemId null: an empty ACK). The counter is consumed even if the send then fails.
   */
  reserveTransmission(deviceId: number, devAddr: string, itemId: number | null, gatewayId: string, now: number): number {
    return this.db.transaction(() => {
      const row = this.db
        .prepare(
          `INSERT INTO downlink_counters (device_id, dev_addr, next_fcnt_down) VALUES (?, ?, 1)
           ON CONFLICT (device_id, dev_addr) DO UPDATE SET next_fcnt_down = next_fcnt_down + 1
           RETURNING next_fcnt_down - 1 AS fcnt`,
        )
        .get(deviceId, devAddr) as { fcnt: number }
      if (itemId !== null) {
        this.db
          .prepare("UPDATE downlink_queue SET state = 'sent', attempts = attempts + 1, sent_at = ?, fcnt_down = ?, gateway_id = ?, reason = NULL WHERE id = ?")
          .run(now, row.fcnt, gatewayId, itemId)
        this.statement("UPDATE config_downlinks SET state = 'sent', sent_at = ? WHERE id = (SELECT config_downlink_id FROM downlink_queue WHERE id = ?) AND state = 'queued'").run(now, itemId)
      }
      return row.fcnt
    })()
  }

  /** The next FCntDown a device session would use (for tools and tests). */
  nextFCntDown(deviceId: number, devAddr: string): number {
    const r = this.statement('SELECT next_fcnt_down FROM downlink_counters WHERE device_id = ? AND dev_addr = ?').get(deviceId, devAddr) as { next_fcnt_down: number } | undefined
    return r?.next_fcnt_down ?? 0
  }

  /** A new session (e.g. an OTAA join) starts FCntDown at 0 again. */
  resetFCntDown(deviceId: number, devAddr: string): void {
    this.statement('DELETE FROM downlink_counters WHERE device_id = ? AND dev_addr = ?').run(deviceId, devAddr)
  }

  /**
   * A transmission of the item did not reach the device (TX_ACK error, send failure, no ACK to a
   * confirmed downlink): back to pending for the next uplink, or failed after `maxAttempts`.
   */
  retryOrFail(itemId: number, reason: string, maxAttempts: number): 'pending' | 'failed' | 'unchanged' {
    const r = this.statement('SELECT state, attempts FROM downlink_queue WHERE id = ?').get(itemId) as { state: DownlinkState; attempts: number } | undefined
    if (!r || r.state === 'acked' || r.state === 'failed') return 'unchanged'
    if (r.attempts >= maxAttempts) {
      this.fail(itemId, `${reason} (after ${r.attempts} attempts)`)
      return 'failed'
    }
    this.statement("UPDATE downlink_queue SET state = 'pending', reason = ? WHERE id = ?").run(reason, itemId)
    return 'pending'
  }

  /** Confirmed downlinks of a device sent before `beforeMs` and not acknowledged yet. */
  unackedConfirmed(deviceId: number, beforeMs: number): number[] {
    return (this.statement("SELECT id FROM downlink_queue WHERE device_id = ? AND confirmed = 1 AND state = 'sent' AND sent_at < ? ORDER BY id").all(deviceId, beforeMs) as { id: number }[]).map((r) => r.id)
  }

  /** The device set ACK: its last confirmed downlink in flight is acknowledged. Returns the item id. */
  ackConfirmed(deviceId: number, now = Date.now()): number | null {
    const r = this.statement("SELECT id FROM downlink_queue WHERE device_id = ? AND confirmed = 1 AND state = 'sent' ORDER BY sent_at DESC, id DESC LIMIT 1").get(deviceId) as { id: number } | undefined
    if (!r) return null
    this.statement("UPDATE downlink_queue SET state = 'acked', acked_at = ? WHERE id = ?").run(now, r.id)
    return r.id
  }

  // ---- devices behind a network server (./network-server.ts) ----

  /** The device's pending items, oldest first (all of them: the network server keeps its own queue). */
  pendingByEui(devEui: string, limit = 16): (PendingDownlink & { devEui: string })[] {
    const rows = this.db
      .prepare(
        `SELECT q.id, q.f_port, q.payload, q.confirmed, q.attempts, q.config_downlink_id FROM downlink_queue q JOIN devices d ON d.id = q.device_id
         WHERE d.dev_eui = ? AND q.state = 'pending' ORDER BY q.id LIMIT ?`,
      )
      .all(devEui.toLowerCase(), limit) as { id: number; f_port: number; payload: Buffer; confirmed: number; attempts: number; config_downlink_id: number | null }[]
    return rows.map((r) => ({ id: r.id, devEui: devEui.toLowerCase(), fPort: r.f_port, payload: r.payload, confirmed: r.confirmed === 1, attempts: r.attempts, configDownlinkId: r.config_downlink_id }))
  }

  /** Items of a device in state 'sent' (handed to the network server), with their attempt count. */
  sentByEui(devEui: string): { id: number; attempts: number; confirmed: boolean }[] {
    return (
      this.db
        .prepare("SELECT q.id, q.attempts, q.confirmed FROM downlink_queue q JOIN devices d ON d.id = q.device_id WHERE d.dev_eui = ? AND q.state = 'sent' ORDER BY q.id")
        .all(devEui.toLowerCase()) as { id: number; attempts: number; confirmed: number }[]
    ).map((r) => ({ id: r.id, attempts: r.attempts, confirmed: r.confirmed === 1 }))
  }

  /** A pending item was handed over (the broker's PUBACK): 'sent', one more attempt. False if it was no longer pending. */
  markHandedOver(itemId: number, now: number): boolean {
    return this.db.transaction(() => {
      const r = this.statement("UPDATE downlink_queue SET state = 'sent', attempts = attempts + 1, sent_at = ?, fcnt_down = NULL, gateway_id = NULL, reason = NULL WHERE id = ? AND state = 'pending'").run(now, itemId)
      if (r.changes === 0) return false
      this.statement("UPDATE config_downlinks SET state = 'sent', sent_at = ? WHERE id = (SELECT config_downlink_id FROM downlink_queue WHERE id = ?) AND state = 'queued'").run(now, itemId)
      return true
    })()
  }

  /** What the network server reported about a transmission (FCntDown, gateway) of a sent item. */
  noteTransmission(itemId: number, fCntDown: number | null, gatewayId: string | null): void {
    this.statement("UPDATE downlink_queue SET fcnt_down = coalesce(?, fcnt_down), gateway_id = coalesce(?, gateway_id) WHERE id = ? AND state = 'sent'").run(fCntDown, gatewayId, itemId)
  }

  /** The device acknowledged this item (network server ack event). False if it was not 'sent'. */
  ackItem(itemId: number, now: number): boolean {
    return this.statement("UPDATE downlink_queue SET state = 'acked', acked_at = ?, reason = NULL WHERE id = ? AND state = 'sent'").run(now, itemId).changes > 0
  }

  /** Sets the detail shown with an item that stays in its state (why a pending item waits, a NACK the network server retries…). */
  setReason(itemId: number, reason: string | null, state: DownlinkState = 'pending'): void {
    this.statement('UPDATE downlink_queue SET reason = ? WHERE id = ? AND state = ?').run(reason, itemId, state)
  }

  private fail(itemId: number, reason: string): void {
    this.db.transaction(() => {
      this.statement("UPDATE downlink_queue SET state = 'failed', reason = ? WHERE id = ?").run(reason, itemId)
      this.statement("UPDATE config_downlinks SET state = 'failed' WHERE id = (SELECT config_downlink_id FROM downlink_queue WHERE id = ?) AND state IN ('queued', 'sent')").run(itemId)
    })()
  }
}

// The store side of OTAA joins: an OTAA device's root keys and join state (otaa_devices,
// migration 5), DevAddr uniqueness, and the one write that turns an accepted join into the
// device's session. Prepared statements, every value bound. Keys leave here decrypted only in
// memory and never appear in a message.
import type { Db } from '../store/database.js'
import { readDeviceKey, sealDeviceKeys } from '../store/key-encryption.js'

export interface OtaaDevice {
  deviceId: number
  devEui: string
  joinEui: string
  /** null when the stored AppKey cannot be decrypted (no or wrong key-encryption key). */
  appKey: Buffer | null
  /** Why appKey is null. */
  keyProblem: string | null
  /** DevAddr fixed by the manifest, or null. */
  fixedDevAddr: string | null
  /** The DevAddr of the device's current session, if any. */
  currentDevAddr: string | null
  lastDevNonce: number | null
  /** Last JoinNonce sent (0: none yet). */
  joinNonce: number
}

export interface JoinCommit {
  deviceId: number
  devEui: string
  devAddr: string
  nwkSKey: Buffer
  appSKey: Buffer
  devNonce: number
  joinNonce: number
  atMs: number
}

interface Row {
  device_id: number
  dev_eui: string
  join_eui: string
  app_key: Buffer
  key_format: string
  dev_addr: string | null
  current_dev_addr: string | null
  last_dev_nonce: number | null
  join_nonce: number
}

export class OtaaStore {
  private readonly byDevEui
  private readonly addrTaken
  private readonly updateSession
  private readonly updateJoin
  private readonly resetDownlinkCounters
  private readonly joinState

  constructor(
    db: Db,
    private readonly kek: Buffer | null,
  ) {
    this.byDevEui = db.prepare(
      `SELECT o.device_id, d.dev_eui, o.join_eui, o.app_key, o.key_format, o.dev_addr, d.dev_addr AS current_dev_addr, o.last_dev_nonce, o.join_nonce
       FROM devices d JOIN otaa_devices o ON o.device_id = d.id WHERE d.dev_eui = ?`,
    )
    this.addrTaken = db.prepare(
      'SELECT 1 FROM devices WHERE dev_addr = @a AND id != @id UNION ALL SELECT 1 FROM otaa_devices WHERE dev_addr = @a AND device_id != @id LIMIT 1',
    )
    // A new session: counters start again (FCntUp unknown, a new session number so the uplinks
    // table's (device, session, fcnt) key does not collide with the previous session's frames).
    this.updateSession = db.prepare(
      'UPDATE devices SET dev_addr = @devAddr, nwk_s_key = @nwk, app_s_key = @app, key_format = @format, fcnt_up = NULL, session = session + 1 WHERE id = @id',
    )
    this.updateJoin = db.prepare(
      'UPDATE otaa_devices SET last_dev_nonce = @devNonce, join_nonce = @joinNonce, joins = joins + 1, last_join_at = @at WHERE device_id = @id',
    )
    // FCntDown starts again at 0 with a new session (the downlink scheduler's counters, migration 4).
    const hasDownlinkCounters = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'downlink_counters'").get() !== undefined
    this.resetDownlinkCounters = hasDownlinkCounters ? db.prepare('DELETE FROM downlink_counters WHERE device_id = ?') : null
    this.joinState = db.prepare('SELECT last_dev_nonce, join_nonce FROM otaa_devices WHERE device_id = ?')
  }

  /** The OTAA device with this DevEUI (16 lower-case hex digits), or undefined. */
  find(devEui: string): OtaaDevice | undefined {
    const r = this.byDevEui.get(devEui) as Row | undefined
    if (!r) return undefined
    const key = readDeviceKey(this.kek, r.key_format, r.app_key, r.dev_eui, 'app_key')
    return {
      deviceId: r.device_id,
      devEui: r.dev_eui,
      joinEui: r.join_eui,
      appKey: key && key.ok && key.key.length === 16 ? key.key : null,
      keyProblem: !key ? 'no AppKey stored' : key.ok ? (key.key.length === 16 ? null : 'stored AppKey is not 16 bytes') : key.problem,
      fixedDevAddr: r.dev_addr,
      currentDevAddr: r.current_dev_addr,
      lastDevNonce: r.last_dev_nonce,
      joinNonce: r.join_nonce,
    }
  }

  /** True when another device uses (or has fixed) this DevAddr. */
  devAddrTaken(devAddr: string, deviceId: number): boolean {
    return this.addrTaken.get({ a: devAddr, id: deviceId }) !== undefined
  }

  /**
   * Stores an accepted join: the new session in the devices row (keys sealed like ABP keys) and
   * the join state. Call inside the ingest batch's transaction: all of it commits, or none.
   */
  commit(j: JoinCommit): void {
    const sealed = sealDeviceKeys(this.kek, j.devEui, { nwk_s_key: j.nwkSKey, app_s_key: j.appSKey }, undefined)
    this.updateSession.run({ id: j.deviceId, devAddr: j.devAddr, nwk: sealed.nwk_s_key, app: sealed.app_s_key, format: sealed.key_format })
    this.updateJoin.run({ id: j.deviceId, devNonce: j.devNonce, joinNonce: j.joinNonce, at: j.atMs })
    this.resetDownlinkCounters?.run(j.deviceId)
  }

  /** True when this join is the device's last committed one (its batch was not rolled back). */
  isCommitted(deviceId: number, devNonce: number, joinNonce: number): boolean {
    const r = this.joinState.get(deviceId) as { last_dev_nonce: number | null; join_nonce: number } | undefined
    return r !== undefined && r.last_dev_nonce === devNonce && r.join_nonce === joinNonce
  }
}

// Per-device counter state during ingest: the last accepted 32-bit FCntUp and the session number
// (bumped when a device's counter restarts). Loaded from the devices table, kept in memory,
// written by the batch writer; dropped if a batch fails.
import type { Db } from '../store/database.js'

export interface SessionState {
  fCntUp: number | null
  session: number
}

/** A counter this far below the last one is a restart, not a late frame. */
export const COUNTER_RESET_GAP = 16384

export class SessionTracker {
  private states = new Map<number, SessionState>()
  private readonly load

  constructor(db: Db) {
    this.load = db.prepare('SELECT fcnt_up, session FROM devices WHERE id = ?')
  }

  get(deviceId: number): SessionState {
    let s = this.states.get(deviceId)
    if (!s) {
      const row = this.load.get(deviceId) as { fcnt_up: number | null; session: number } | undefined
      s = { fCntUp: row?.fcnt_up ?? null, session: row?.session ?? 0 }
      this.states.set(deviceId, s)
    }
    return s
  }

  /** Session of a frame a network server delivered: a big drop of the counter starts a new one. */
  placeNetworkServerFrame(deviceId: number, fCnt: number): { session: number } {
    const s = this.get(deviceId)
    if (s.fCntUp !== null && s.fCntUp - fCnt > COUNTER_RESET_GAP) return { session: s.session + 1 }
    return { session: s.session }
  }

  accepted(deviceId: number, session: number, fCnt: number): void {
    const s = this.get(deviceId)
    if (session !== s.session) this.states.set(deviceId, { fCntUp: fCnt, session })
    else if (s.fCntUp === null || fCnt > s.fCntUp) s.fCntUp = fCnt
  }

  reset(): void {
    this.states.clear()
  }
}

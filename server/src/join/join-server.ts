// OTAA joins answered by reeflink (LoRaWAN 1.0.4, join server + network server in one): the
// pipeline's LoRaWAN stage hands every de-duplicated Join-request here, inside the ingest batch.
//
//   device (DevEUI + JoinEUI) → AppKey MIC → DevNonce above the last one → JoinNonce + 1 →
//   DevAddr → Join-accept + session keys → new session stored in the batch's transaction →
//   after the de-duplication window (every gateway's copy heard), the accept goes out through
//   the best gateway at uplink tmst + JOIN_ACCEPT_DELAY1 (5 s), or RX2 (6 s) when RX1 has passed.
//
// A refused Join-request is a rejection value (rejected_uplinks + pipeline counters), never an
// exception. Nothing here logs or returns key material. docs/otaa.md.
import { scheduleClassA, rankGateways, type ClassAGateways, type ClassAResult } from '../downlink/class-a.js'
import { REGIONS, type RegionParams } from '../downlink/region.js'
import type { GatewayReception, PhyUplink } from '../ingest/types.js'
import { buildJoinAccept, deriveSessionKeys, joinRequestMicValid, MAX_JOIN_NONCE } from '../lorawan/join-crypto.js'
import { inPrefix, netIdPrefix, pickDevAddr, type DevAddrPrefix } from '../lorawan/join-devaddr.js'
import type { JoinRequestFrame } from '../lorawan/frame-fields.js'
import type { Rejection } from '../pipeline/batch-writer.js'
import type { PhyResult } from '../pipeline/ingest-service.js'
import type { FleetRegistry } from '../pipeline/registry.js'
import type { Db } from '../store/database.js'
import { OtaaStore, type OtaaDevice } from './otaa-store.js'

export interface JoinLogger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
}

export interface JoinServerOptions {
  db: Db
  /** Key-encryption key of stored device keys (REEFLINK_KEY_ENCRYPTION_KEY), or null. */
  kek: Buffer | null
  /** Where accepts go: the Semtech UDP server (null while it is not running, or disabled). */
  gateways: () => ClassAGateways | null
  /** NetID sent in accepts and used in the key derivation; default 0x000000. */
  netId?: number
  /** DevAddr range for allocated addresses; default the NetID's own prefix (00000000/7 for NetID 0). */
  devAddrPrefix?: DevAddrPrefix
  /** Default EU868. */
  region?: RegionParams
  /** The new session's radio settings, as the downlink scheduler will use them: DLSettings RX2
   *  data rate (default the region's, EU868 DR0), RX1DROffset (default 0), RxDelay (default 1 s). */
  rx2DataRate?: number
  rx1DrOffset?: number
  rxDelayS?: number
  /** The pipeline's de-duplication window: the accept waits for it, so every gateway's copy counts. */
  dedupWindowMs?: number
  log?: JoinLogger
  now?: () => number
}

/** What the pipeline's LoRaWAN stage needs from a join server. */
export interface JoinRequestHandler {
  /** The first copy of a Join-request (well-formed, 23 bytes). */
  handleJoinRequest(frame: JoinRequestFrame, up: PhyUplink, dedupId: string, ctx: { registry: FleetRegistry }): PhyResult
  /** Another gateway's copy of a de-duplicated frame: a candidate gateway for a pending accept. */
  copyHeard(dedupId: string, reception: GatewayReception): void
}
// A failed ingest batch needs no call here: an accept is only sent once its join is found
// committed in the store (isCommitted), after the batch's transaction has ended.

export interface JoinCounters {
  accepted: number
  sent: number
  /** Accepts that could not be sent (no gateway route, too late, socket error, batch rolled back). */
  notSent: number
}

interface PendingAccept {
  receptions: GatewayReception[]
  receivedAtMs: number
  phy: Buffer
  deviceId: number
  devEui: string
  devAddr: string
  devNonce: number
  joinNonce: number
  timer: ReturnType<typeof setTimeout>
}

/** Margin after the de-duplication window before the accept is planned. */
const AFTER_WINDOW_MS = 20

export class JoinServer implements JoinRequestHandler {
  readonly counters: JoinCounters = { accepted: 0, sent: 0, notSent: 0 }
  private readonly store: OtaaStore
  private readonly netId: number
  private readonly prefix: DevAddrPrefix
  private readonly region: RegionParams
  private readonly pending = new Map<string, PendingAccept>()
  private readonly inFlight = new Set<Promise<void>>()
  private readonly now: () => number

  constructor(private readonly options: JoinServerOptions) {
    this.store = new OtaaStore(options.db, options.kek)
    this.netId = options.netId ?? 0
    this.prefix = options.devAddrPrefix ?? netIdPrefix(this.netId)
    this.region = options.region ?? REGIONS.EU868
    this.now = options.now ?? Date.now
  }

  handleJoinRequest(frame: JoinRequestFrame, up: PhyUplink, dedupId: string, ctx: { registry: FleetRegistry }): PhyResult {
    const reject = (reason: string, detail: string, deviceId: number | null = null): PhyResult => ({
      kind: 'rejected',
      rejection: { receivedAtMs: up.receivedAtMs, source: up.source, reason, detail, deviceId, gatewayId: up.reception.gatewayId, bytes: up.phyPayload } satisfies Rejection,
    })
    const who = `join request from DevEUI ${frame.devEui} (JoinEUI ${frame.joinEui}, DevNonce ${frame.devNonce})`
    const device = this.store.find(frame.devEui)
    if (!device || device.joinEui !== frame.joinEui) {
      return reject('unknown_device', device ? `${who}: the device's JoinEUI is ${device.joinEui}` : `${who}: no OTAA device has this DevEUI`, device?.deviceId ?? null)
    }
    if (!device.appKey) return reject('key_unavailable', `${who}: the AppKey cannot be read (${device.keyProblem})`, device.deviceId)
    if (!joinRequestMicValid(up.phyPayload, device.appKey)) return reject('mic_invalid', `${who}: MIC does not verify with the device's AppKey`, device.deviceId)
    if (device.lastDevNonce !== null && frame.devNonce <= device.lastDevNonce) {
      this.options.log?.warn({ devEui: frame.devEui, devNonce: frame.devNonce, lastDevNonce: device.lastDevNonce, gateway: up.reception.gatewayId }, 'OTAA join request replayed: DevNonce not above the last one')
      return reject('join_replay', `${who}: DevNonce is not above the last accepted ${device.lastDevNonce}`, device.deviceId)
    }
    const joinNonce = device.joinNonce + 1
    if (joinNonce > MAX_JOIN_NONCE) return reject('join_nonce_exhausted', `${who}: JoinNonce would pass 2^24-1; give the device a new AppKey`, device.deviceId)
    const gateways = this.options.gateways()
    if (!gateways || rankGateways([up.reception], (id) => gateways.canSendTo(id)).length === 0) {
      // Nothing changes: the device tries again with its next DevNonce.
      return reject('join_no_route', `${who}: gateway ${up.reception.gatewayId} cannot send the accept (no Semtech UDP downlink route: PULL_DATA, tmst)`, device.deviceId)
    }
    const devAddr = this.devAddrFor(device)
    if (!devAddr) return reject('devaddr_exhausted', `${who}: no free DevAddr in the configured prefix`, device.deviceId)

    const keys = deriveSessionKeys(device.appKey, joinNonce, this.netId, frame.devNonce)
    const phy = buildJoinAccept(device.appKey, {
      joinNonce,
      netId: this.netId,
      devAddr,
      rx1DrOffset: this.options.rx1DrOffset ?? 0,
      rx2DataRate: this.options.rx2DataRate ?? this.region.rx2.dataRate,
      rxDelayS: this.options.rxDelayS ?? 1,
    })
    // In the batch's transaction: the session and the nonces commit with the batch, or not at all.
    this.store.commit({ deviceId: device.deviceId, devEui: device.devEui, devAddr, nwkSKey: keys.nwkSKey, appSKey: keys.appSKey, devNonce: frame.devNonce, joinNonce, atMs: up.receivedAtMs })
    // The registry reloads (and the pipeline's counters with it) before the next batch.
    ctx.registry.invalidate()
    this.counters.accepted++
    const timer = setTimeout(() => this.sendAccept(dedupId), (this.options.dedupWindowMs ?? 200) + AFTER_WINDOW_MS)
    this.pending.set(dedupId, { receptions: [up.reception], receivedAtMs: up.receivedAtMs, phy, deviceId: device.deviceId, devEui: device.devEui, devAddr, devNonce: frame.devNonce, joinNonce, timer })
    return { kind: 'joined', deviceId: device.deviceId }
  }

  copyHeard(dedupId: string, reception: GatewayReception): void {
    const p = this.pending.get(dedupId)
    if (p && !p.receptions.some((r) => r.gatewayId === reception.gatewayId)) p.receptions.push(reception)
  }

  /** Drops accepts not sent yet and waits for those being sent (shutdown). */
  async close(): Promise<void> {
    for (const p of this.pending.values()) clearTimeout(p.timer)
    this.pending.clear()
    await Promise.all(this.inFlight)
  }

  /** The manifest's DevAddr; else the current one while it is in the prefix and still unique; else a fresh one. */
  private devAddrFor(device: OtaaDevice): string | null {
    if (device.fixedDevAddr) return device.fixedDevAddr
    const current = device.currentDevAddr
    if (current && inPrefix(current, this.prefix) && !this.store.devAddrTaken(current, device.deviceId)) return current
    return pickDevAddr(this.prefix, (a) => this.store.devAddrTaken(a, device.deviceId))
  }

  private sendAccept(dedupId: string): void {
    const p = this.pending.get(dedupId)
    if (!p) return
    this.pending.delete(dedupId)
    const send = this.trySend(p).finally(() => this.inFlight.delete(send))
    this.inFlight.add(send)
  }

  private async trySend(p: PendingAccept): Promise<void> {
    const log = { devEui: p.devEui, devAddr: p.devAddr, devNonce: p.devNonce, joinNonce: p.joinNonce }
    // The batch's transaction has ended by now (it is synchronous): if it rolled back, the join
    // is not stored and the device must not get keys the server does not have.
    if (!this.store.isCommitted(p.deviceId, p.devNonce, p.joinNonce)) {
      this.counters.notSent++
      this.options.log?.warn(log, 'OTAA join accept not sent: its ingest batch was not committed')
      return
    }
    const gateways = this.options.gateways()
    let r: ClassAResult
    if (!gateways) r = { ok: false, error: { code: 'send-failed', detail: 'the Semtech UDP server is not running' } }
    else {
      r = await scheduleClassA(gateways, { receptions: p.receptions, receivedAtMs: p.receivedAtMs }, p.phy, {
        rx1DelayS: this.region.joinAcceptDelay1S,
        region: this.region,
        now: this.now,
      })
    }
    if (r.ok) {
      this.counters.sent++
      this.options.log?.info({ ...log, gateway: r.gatewayId, window: r.window, token: r.token, gateways: p.receptions.length }, 'OTAA join accepted')
    } else {
      this.counters.notSent++
      this.options.log?.warn({ ...log, code: r.error.code, gateways: p.receptions.length }, `OTAA join accept not sent: ${r.error.detail}`)
    }
  }
}

// The Class A downlink scheduler for ABP devices whose session keys reeflink holds: after an
// uplink is stored (IngestService onAccepted), wait for the de-duplication window so every
// gateway's copy is known, then answer through the best gateway (./class-a.ts) with the
// device's next pending queue item and/or the ACK its confirmed uplink asked for.
//
//   uplink stored ─▶ ACK bit? → last confirmed downlink acked; no ACK → unacked ones retried
//                 ─▶ pending item or confirmed uplink? ─(dedup window)─▶ receptions from the store
//                 ─▶ FCntDown reserved + item 'sent' (one transaction) ─▶ PHYPayload ─▶ PULL_RESP
//   TX_ACK error (TOO_LATE, COLLISION_PACKET…) ─▶ item back to pending (retried at the next uplink)
//
// Never throws into the pipeline; keys never reach a log line.
import type { TxAckRecord } from '../ingest/semtech/gateways.js'
import type { GatewayReception } from '../ingest/types.js'
import type { AcceptedFrame } from '../pipeline/frame-stages.js'
import type { Db } from '../store/database.js'
import { planClassA, scheduleClassA, type ClassAGateways, type ClassAOptions } from './class-a.js'
import { buildDataDownlink } from './frame.js'
import type { DownlinkStore, PendingDownlink } from './queue.js'
import { dataRateIndex, REGIONS, type RegionParams } from './region.js'

/** An accepted uplink after its batch committed, with the id it was stored under. */
export interface StoredUplink {
  uplinkId: number
  frame: AcceptedFrame
}

export interface DownlinkSchedulerOptions {
  db: Db
  store: DownlinkStore
  /** The Semtech UDP server (null when UDP is off: nothing is sent). */
  gateways: ClassAGateways | null
  region?: RegionParams
  rx1DelayS?: number
  rx1DrOffset?: number
  rx2?: { frequencyHz: number; dataRate: string }
  window?: ClassAOptions['window']
  powerDbm?: number
  /** Wait after the first copy before choosing the gateway: the dedup window. Default 200. */
  dedupWaitMs?: number
  /** Transmissions of one item before it fails. Default 5. */
  maxAttempts?: number
  logger?: { info(o: object, msg: string): void; warn(o: object, msg: string): void }
  now?: () => number
}

/** Counters for /metrics (read at scrape time). */
export interface DownlinkCounts {
  /**
   * PULL_RESPs handed to a gateway, by kind: data (a queue item) or ack (an empty ACK); mqtt:
   * items handed to a network server over MQTT (./network-server.ts).
   */
  sent: { data: number; ack: number; mqtt: number }
  /** TX_ACKs: accepted, and errors by the gateway's code (TOO_LATE, COLLISION_PACKET…). */
  txAckOk: number
  txAckErrors: Record<string, number>
  /** Items acknowledged by devices, and items given up. */
  acked: number
  failed: number
  /** Answers not sent, by reason (no-gateway, too-late, too-large, send-failed…). */
  notSent: Record<string, number>
}

const MAX_TRACKED_TOKENS = 4096
const MTYPE_CONFIRMED_UP = 4

export class DownlinkScheduler {
  readonly counts: DownlinkCounts = { sent: { data: 0, ack: 0, mqtt: 0 }, txAckOk: 0, txAckErrors: {}, acked: 0, failed: 0, notSent: {} }
  /** PULL_RESP token → the item it carried (null for an empty ACK), until its TX_ACK. */
  private readonly inFlight = new Map<number, { itemId: number | null; devEui: string }>()
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
  private readonly answering = new Set<Promise<void>>()
  private readonly region: RegionParams
  private readonly now: () => number
  private readonly maxAttempts: number
  private readonly receptionsOf
  private closed = false

  private readonly o: DownlinkSchedulerOptions

  constructor(options: DownlinkSchedulerOptions) {
    this.o = { ...options }
    this.region = options.region ?? REGIONS.EU868
    this.now = options.now ?? Date.now
    this.maxAttempts = options.maxAttempts ?? 5
    this.receptionsOf = options.db.prepare('SELECT receptions FROM uplinks WHERE id = ?')
  }

  /** Sets where answers go (the Semtech UDP server, once it listens). */
  useGateways(gateways: ClassAGateways | null): void {
    this.o.gateways = gateways
  }

  /** The pipeline's hook: called once per committed batch with its accepted uplinks. */
  onAccepted(uplinks: readonly StoredUplink[]): void {
    if (this.closed) return
    const open = this.o.store.devicesWithOpenItems()
    for (const u of uplinks) {
      try {
        this.onUplink(u, open)
      } catch (e) {
        this.o.logger?.warn({ err: (e as Error).message, uplinkId: u.uplinkId }, 'downlink: could not handle an uplink')
      }
    }
  }

  private onUplink({ uplinkId, frame }: StoredUplink, devicesWithOpenItems: ReadonlySet<number>): void {
    const { device, phyPayload } = frame
    // Only frames reeflink checked itself (it holds the keys) and heard through Semtech gateways.
    if (phyPayload === null || frame.source !== 'semtech-udp' || device.activation !== 'abp' || !device.devAddr || !device.nwkSKey || !device.appSKey) return
    if (phyPayload.length < 12) return
    const confirmedUp = (phyPayload[0] as number) >> 5 === MTYPE_CONFIRMED_UP
    // Nothing queued or awaiting an ACK for this device, and no ACK asked for: the common case.
    if (!confirmedUp && !devicesWithOpenItems.has(device.id)) return
    const ackBit = ((phyPayload[5] as number) & 0x20) !== 0
    if (ackBit) {
      const acked = this.o.store.ackConfirmed(device.id, this.now())
      if (acked !== null) this.counts.acked++
    }
    // A confirmed downlink not acknowledged by this uplink was missed: send it again.
    for (const id of this.o.store.unackedConfirmed(device.id, frame.receivedAtMs)) {
      if (this.o.store.retryOrFail(id, 'no ACK from the device', this.maxAttempts) === 'failed') this.counts.failed++
    }
    const hasPending = this.o.store.pending(device.id, 1).length > 0
    if (!confirmedUp && !hasPending) return
    if (!this.o.gateways) return this.notSent('udp-disabled')
    const t = setTimeout(() => {
      this.timers.delete(t)
      const p = this.answer(uplinkId, frame, confirmedUp).catch((e: Error) => this.o.logger?.warn({ err: e.message, devEui: device.devEui }, 'downlink: answer failed'))
      this.answering.add(p)
      void p.finally(() => this.answering.delete(p))
    }, this.o.dedupWaitMs ?? 200)
    this.timers.add(t)
  }

  private async answer(uplinkId: number, frame: AcceptedFrame, ack: boolean): Promise<void> {
    const gateways = this.o.gateways
    if (this.closed || !gateways) return
    const { device } = frame
    const devAddr = device.devAddr!.toLowerCase()
    const keys = { nwkSKey: device.nwkSKey!, appSKey: device.appSKey! }
    // Every gateway's reception, late copies included (merged into the stored uplink).
    const row = this.receptionsOf.get(uplinkId) as { receptions: string } | undefined
    const receptions: GatewayReception[] = row ? JSON.parse(row.receptions) : frame.receptions
    const uplink = { receptions, receivedAtMs: frame.receivedAtMs }
    const classA: ClassAOptions = {
      region: this.region,
      now: this.now,
      ...(this.o.rx1DelayS !== undefined ? { rx1DelayS: this.o.rx1DelayS } : {}),
      ...(this.o.rx1DrOffset !== undefined ? { rx1DrOffset: this.o.rx1DrOffset } : {}),
      ...(this.o.rx2 ? { rx2: this.o.rx2 } : {}),
      ...(this.o.window ? { window: this.o.window } : {}),
      ...(this.o.powerDbm !== undefined ? { powerDbm: this.o.powerDbm } : {}),
    }
    // Where and how it would go, to check the item fits the window's data rate.
    const plan = planClassA(uplink, Buffer.alloc(13), (id) => gateways.canSendTo(id), classA)
    if (!plan.ok) return this.notSent(plan.error.code, { devEui: device.devEui, detail: plan.error.detail })
    const maxBytes = this.maxPayload(String(plan.txpk.datr))
    const queued = this.o.store.pending(device.id, 2)
    let item: PendingDownlink | undefined = queued[0]
    if (item && item.payload.length > maxBytes) {
      this.notSent('too-large', { devEui: device.devEui, item: item.id, bytes: item.payload.length, max: maxBytes, datr: plan.txpk.datr })
      item = undefined
    }
    if (!item && !ack) return
    const fCntDown = this.o.store.reserveTransmission(device.id, devAddr, item?.id ?? null, plan.gatewayId, this.now())
    const phy = buildDataDownlink(
      {
        devAddr,
        fCntDown,
        confirmed: item?.confirmed ?? false,
        ack,
        fPending: item !== undefined && queued.length > 1,
        fPort: item ? item.fPort : null,
        payload: item ? item.payload : Buffer.alloc(0),
      },
      keys,
    )
    const sent = await scheduleClassA(gateways, uplink, phy, classA)
    if (!sent.ok) {
      this.notSent(sent.error.code, { devEui: device.devEui, detail: sent.error.detail })
      if (item && this.o.store.retryOrFail(item.id, sent.error.code, this.maxAttempts) === 'failed') this.counts.failed++
      return
    }
    if (item) this.counts.sent.data++
    else this.counts.sent.ack++
    this.track(sent.token, { itemId: item?.id ?? null, devEui: device.devEui })
    this.o.logger?.info(
      { devEui: device.devEui, item: item?.id ?? null, fPort: item?.fPort ?? null, fCntDown, ack, gateway: sent.gatewayId, window: sent.window, tmst: sent.txpk.tmst, freq: sent.txpk.freq, datr: sent.txpk.datr },
      'downlink: sent',
    )
  }

  /** The Semtech server's TX_ACK callback. */
  onTxAck(ack: TxAckRecord): void {
    const sent = this.inFlight.get(ack.token)
    if (!sent) return
    this.inFlight.delete(ack.token)
    if (ack.accepted) {
      this.counts.txAckOk++
      return
    }
    const error = ack.error ?? 'UNKNOWN'
    this.counts.txAckErrors[error] = (this.counts.txAckErrors[error] ?? 0) + 1
    this.o.logger?.warn({ devEui: sent.devEui, item: sent.itemId, gateway: ack.gatewayEui, error }, 'downlink: gateway refused it (TX_ACK), retried at the next uplink')
    if (sent.itemId !== null && this.o.store.retryOrFail(sent.itemId, `TX_ACK ${error}`, this.maxAttempts) === 'failed') this.counts.failed++
  }

  /** Answers in progress settle; pending timers are dropped. */
  async close(): Promise<void> {
    this.closed = true
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    await Promise.all([...this.answering])
  }

  private maxPayload(datr: string): number {
    const dr = dataRateIndex(this.region, datr)
    return dr === undefined ? 0 : (this.region.maxPayloadBytes[dr] ?? 0)
  }

  private track(token: number, v: { itemId: number | null; devEui: string }): void {
    if (this.inFlight.size >= MAX_TRACKED_TOKENS) {
      const oldest = this.inFlight.keys().next()
      if (!oldest.done) this.inFlight.delete(oldest.value)
    }
    this.inFlight.set(token, v)
  }

  private notSent(reason: string, detail?: object): void {
    this.counts.notSent[reason] = (this.counts.notSent[reason] ?? 0) + 1
    if (detail) this.o.logger?.warn({ reason, ...detail }, 'downlink: not sent')
  }
}

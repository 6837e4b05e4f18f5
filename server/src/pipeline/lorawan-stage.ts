// The pipeline's LoRaWAN stage for raw frames (Semtech UDP, ChirpStack Gateway Bridge):
// de-duplicate → find the device session by DevAddr → MIC and 32-bit counter → decrypt.
// Copies of a frame heard by several gateways become one stored uplink carrying every
// gateway's reception; a frame that fails any check is a rejection value with a reason.
import { Deduplicator, processDataFrame, readUplinkFrame, type LorawanRejectionCode } from '../lorawan/index.js'
import type { PhyUplink } from '../ingest/types.js'
import type { AcceptedFrame } from './frame-stages.js'
import type { PhyProcessor, PhyResult } from './ingest-service.js'
import type { Rejection } from './batch-writer.js'
import type { JoinRequestHandler } from '../join/join-server.js'
import { FifoMap } from '../lorawan/fifo-map.js'

/** Rejection reasons recorded for raw frames (rejected_uplinks.reason). */
const REASON: Partial<Record<LorawanRejectionCode, string>> = { mic_mismatch: 'mic_invalid' }

/** How many dedup ids → stored uplink ids are remembered, so late copies find their frame. */
const REMEMBERED_UPLINKS = 100_000

export class LorawanStage implements PhyProcessor {
  private dedup: Deduplicator
  /** Oldest forgotten first; a FifoMap because evicting through Map.keys() costs O(holes) (fifo-map.ts). */
  private readonly storedByDedupId = new FifoMap<string, number>()
  private lastFlushMs = 0

  /** `joins`: the OTAA join server (server/src/join); without it Join-requests are rejected. */
  constructor(private readonly options: { dedupWindowMs?: number; joins?: JoinRequestHandler } = {}) {
    this.dedup = new Deduplicator({ windowMs: options.dedupWindowMs })
  }

  process(up: PhyUplink, ctx: Parameters<PhyProcessor['process']>[1]): PhyResult {
    const d = this.dedup.add(up)
    // Groups are only kept to recognise copies; nothing downstream waits for flush(). Flushing
    // walks the open groups, so do it once per window, not per frame.
    if (up.receivedAtMs - this.lastFlushMs >= (this.options.dedupWindowMs ?? 200)) {
      this.dedup.flush(up.receivedAtMs)
      this.lastFlushMs = up.receivedAtMs
    }
    if (!d.first) {
      this.options.joins?.copyHeard(d.dedupId, up.reception)
      const uplinkId = this.storedByDedupId.get(d.dedupId)
      if (uplinkId !== undefined) {
        ctx.writer.addReceptions(uplinkId, [up.reception])
        return { kind: 'duplicate', uplinkId }
      }
      // The first copy was rejected (and recorded): this one adds nothing.
      return { kind: 'duplicate', uplinkId: -1 }
    }
    const rejection = (reason: string, detail: string, deviceId: number | null = null): PhyResult => ({
      kind: 'rejected',
      rejection: { receivedAtMs: up.receivedAtMs, source: up.source, reason, detail, deviceId, gatewayId: up.reception.gatewayId, bytes: up.phyPayload } satisfies Rejection,
    })

    const frame = readUplinkFrame(up.phyPayload)
    if (frame.ok === false) return rejection(frame.error.code === 'join_request' ? 'join_request' : frame.error.code, frame.error.message)
    if (frame.value.kind !== 'data-up') {
      if (this.options.joins) return this.options.joins.handleJoinRequest(frame.value, up, d.dedupId, ctx)
      return rejection('join_request', 'OTAA join requests are handled by the network server, not by reeflink')
    }
    const devAddr = frame.value.devAddr.toLowerCase()
    const candidates = ctx.registry.devicesByAddr(devAddr).filter((dev) => dev.nwkSKey && dev.appSKey)
    if (candidates.length === 0) return rejection('unknown_device', `no ABP device has DevAddr ${devAddr}`)

    // Several devices may share a DevAddr: the one whose key verifies the MIC owns the frame.
    let last: { code: LorawanRejectionCode; message: string; deviceId: number } | null = null
    for (const device of candidates) {
      const state = ctx.sessions.get(device.id)
      const r = processDataFrame(up.phyPayload, { devAddr, nwkSKey: device.nwkSKey!, appSKey: device.appSKey!, lastFCntUp: state.fCntUp, resetsFCnt: device.relaxedFCnt })
      if (r.ok === false) {
        if (r.error.code === 'replay' && r.error.fCnt !== undefined) {
          // The same frame again after the dedup memory: stored once.
          const existing = ctx.writer.existing(device.id, state.session, r.error.fCnt)
          if (existing) return { kind: 'duplicate', uplinkId: existing.id }
        }
        last = { code: r.error.code, message: r.error.message, deviceId: device.id }
        if (r.error.code === 'mic_mismatch') continue
        break
      }
      const a = r.value
      const accepted: AcceptedFrame = {
        device,
        session: a.fCntReset ? state.session + 1 : state.session,
        fCnt: a.fCnt,
        fPort: a.fPort ?? 0,
        payload: a.payload,
        receivedAtMs: up.receivedAtMs,
        receptions: [up.reception],
        source: up.source,
        phyPayload: up.phyPayload,
        dedupId: d.dedupId,
        ...(a.fOptsCommands.length || a.fPort0Commands.length ? { macCommands: [...a.fOptsCommands, ...a.fPort0Commands] } : {}),
      }
      return { kind: 'accepted', frame: accepted }
    }
    return rejection(REASON[last!.code] ?? last!.code, last!.message, candidates.length === 1 ? last!.deviceId : null)
  }

  stored(dedupId: string, uplinkId: number): void {
    this.storedByDedupId.set(dedupId, uplinkId)
    if (this.storedByDedupId.size > REMEMBERED_UPLINKS) this.storedByDedupId.shift()
  }

  /** After a failed batch: its uplinks were not stored, so forget everything about them. */
  reset(): void {
    this.storedByDedupId.clear()
    this.dedup = new Deduplicator({ windowMs: this.options.dedupWindowMs })
  }
}

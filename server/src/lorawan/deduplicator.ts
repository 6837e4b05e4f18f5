// Multi-gateway de-duplication. Every gateway in range forwards the same frame; the copies are
// byte-identical PHYPayloads that arrive within a few hundred ms of each other. The ingest
// pipeline de-duplicates first, before any crypto, and carries one dedup id along
// (ChirpStack's deduplicationId; its default window is also 200 ms).
//
// Pull, not push: `add()` files a copy and says whether it opened a group; `flush(nowMs)` hands
// back the groups whose window has closed. The caller owns the clock and the timer
// (`nextFlushAtMs()`), so a batching pipeline flushes at its own batch boundaries, tests drive
// time with plain numbers, and the dedup id returned by `add()` lets a source's acknowledgement
// wait for the durable write of the group its copy joined. See docs/lorawan.md.

import { randomUUID } from 'node:crypto'
import type { GatewayReception, PhyUplink, UplinkSourceKind } from '../ingest/types.js'
import { FifoMap } from './fifo-map.js'

export const DEFAULT_DEDUP_WINDOW_MS = 200
export const DEFAULT_LATE_MEMORY_MS = 60_000
export const DEFAULT_MAX_REMEMBERED = 100_000

export interface DeduplicatorOptions {
  /** Copies arriving within this many ms of the first one join its group. Default 200. */
  windowMs?: number
  /**
   * How long an emitted group's frame is remembered, so a copy arriving after its window (slow
   * backhaul, or a LoRaWAN 1.0 NbTrans repetition, which is byte-identical) is reported `late`
   * instead of starting a second group. Default 60 000.
   */
  lateMemoryMs?: number
  /** Bound on remembered emitted frames (oldest forgotten first), so a flood cannot grow memory. */
  maxRemembered?: number
  /** Dedup id source; default crypto.randomUUID. */
  newId?: () => string
}

/** One frame, with every gateway's reception of it. */
export interface DedupedUplink {
  dedupId: string
  phyPayload: Buffer
  /** receivedAtMs of the first copy (server clock). */
  firstReceivedAtMs: number
  /** The way in of the first copy. */
  source: UplinkSourceKind
  /** One per gateway id, in arrival order (a gateway's repeated copy is counted, not repeated). */
  receptions: GatewayReception[]
  /** All copies filed in the window, repeats from one gateway included. */
  copies: number
}

export type AddOutcome =
  /** Opened a new group: this frame will come out of flush() once. */
  | { status: 'first'; first: true; dedupId: string }
  /** Joined the open group of an identical frame. */
  | { status: 'duplicate'; first: false; dedupId: string }
  /** Identical to a frame already flushed: not filed (the group is gone); dedupId is that group's. */
  | { status: 'late'; first: false; dedupId: string }

interface OpenGroup {
  uplink: DedupedUplink
  closesAtMs: number
  gateways: Set<string>
}

export class Deduplicator {
  private readonly windowMs: number
  private readonly lateMemoryMs: number
  private readonly maxRemembered: number
  private readonly newId: () => string
  /** Keyed by the PHYPayload bytes as a latin1 string (one char per byte). */
  private readonly open = new Map<string, OpenGroup>()
  /** Flushed frames: key -> dedup id and when to forget it, in flush order (oldest found in O(1)). */
  private readonly flushed = new FifoMap<string, { dedupId: string; forgetAtMs: number }>()

  constructor(options: DeduplicatorOptions = {}) {
    this.windowMs = nonNegative(options.windowMs, DEFAULT_DEDUP_WINDOW_MS, 'windowMs')
    this.lateMemoryMs = nonNegative(options.lateMemoryMs, DEFAULT_LATE_MEMORY_MS, 'lateMemoryMs')
    this.maxRemembered = nonNegative(options.maxRemembered, DEFAULT_MAX_REMEMBERED, 'maxRemembered')
    this.newId = options.newId ?? randomUUID
  }

  /** Files one gateway's copy of a frame. */
  add(uplink: PhyUplink): AddOutcome {
    const key = uplink.phyPayload.toString('latin1')
    const group = this.open.get(key)
    if (group !== undefined) {
      group.uplink.copies++
      if (!group.gateways.has(uplink.reception.gatewayId)) {
        group.gateways.add(uplink.reception.gatewayId)
        group.uplink.receptions.push(uplink.reception)
      }
      return { status: 'duplicate', first: false, dedupId: group.uplink.dedupId }
    }
    const seen = this.flushed.get(key)
    if (seen !== undefined) return { status: 'late', first: false, dedupId: seen.dedupId }

    const dedupId = this.newId()
    this.open.set(key, {
      uplink: {
        dedupId,
        phyPayload: uplink.phyPayload,
        firstReceivedAtMs: uplink.receivedAtMs,
        source: uplink.source,
        receptions: [uplink.reception],
        copies: 1,
      },
      closesAtMs: uplink.receivedAtMs + this.windowMs,
      gateways: new Set([uplink.reception.gatewayId]),
    })
    return { status: 'first', first: true, dedupId }
  }

  /** Groups whose window has closed by `nowMs`, in the order they were opened. */
  flush(nowMs: number): DedupedUplink[] {
    return this.emit(nowMs, false)
  }

  /** Every open group, window closed or not (shutdown, or a source that must ack now). */
  flushAll(nowMs: number): DedupedUplink[] {
    return this.emit(nowMs, true)
  }

  /** When the earliest open group closes, or null when none is open: when to call flush next. */
  nextFlushAtMs(): number | null {
    let next: number | null = null
    for (const group of this.open.values()) if (next === null || group.closesAtMs < next) next = group.closesAtMs
    return next
  }

  get openGroups(): number {
    return this.open.size
  }

  private emit(nowMs: number, all: boolean): DedupedUplink[] {
    this.forget(nowMs)
    const out: DedupedUplink[] = []
    for (const [key, group] of this.open) {
      if (!all && group.closesAtMs > nowMs) continue
      this.open.delete(key)
      this.remember(key, group.uplink.dedupId, nowMs)
      out.push(group.uplink)
    }
    return out
  }

  private remember(key: string, dedupId: string, nowMs: number): void {
    if (this.maxRemembered === 0 || this.lateMemoryMs === 0) return
    // A key remembered again becomes the newest (FifoMap.set), as delete + set on a Map.
    this.flushed.set(key, { dedupId, forgetAtMs: nowMs + this.lateMemoryMs })
    while (this.flushed.size > this.maxRemembered) this.flushed.shift()
  }

  private forget(nowMs: number): void {
    // Insertion order is flush order and forgetAtMs grows with it, so stop at the first keeper.
    for (;;) {
      const oldest = this.flushed.oldest()
      if (oldest === undefined || oldest[1].forgetAtMs > nowMs) return
      this.flushed.shift()
    }
  }
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`Deduplicator option ${name} must be a finite number >= 0`)
  return value
}

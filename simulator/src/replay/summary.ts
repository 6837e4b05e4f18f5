// The replay summary: counts per buoy and in total, computed from the ledger so the two can never
// disagree. "Lost by design" are frames no gateway forwarded (a fault, range, a gateway down);
// "rejected by design" are frames forwarded that the MIC check must refuse.
import { DATASTREAMS, frameFate, type BuoyCounters, type Datastream, type FrameLoss, type FrameRecord, type ReplayLedger, type SampleFate } from './ledger.js';
import type { OutputCounters } from './uplink-output.js';

export interface FrameTotals {
  /** Frames the buoys transmitted (status included). */
  sent: number;
  statusFrames: number;
  delivered: number;
  lostByDesign: number;
  lostByReason: Record<FrameLoss, number>;
  /** Corrupted or wrong keys: forwarded, to be rejected by the MIC check. */
  rejectedByDesign: number;
  corrupted: number;
  wrongKeys: number;
  counterNotIncreasing: number;
  /** Extra copies injected by the duplicate fault. */
  duplicates: number;
  /** Frames forwarded late (delay fault or store-and-forward). */
  delayed: number;
  /** Gateway copies (several gateways may hear one frame). */
  receptions: number;
  /** Datagrams / publishes carrying frames. */
  forwards: number;
  /** Frames with at least one acknowledged datagram / publish. */
  acknowledged: number;
  /** Datagrams / publishes never acknowledged. */
  unacknowledged: number;
  /** Samples in transmitted frames (a sample retried under confirmed uplinks counts each time). */
  samplesSent: number;
  samplesDelivered: number;
}

export interface BuoySummary extends FrameTotals {
  counters: BuoyCounters;
  samples: Partial<Record<Datastream, Partial<Record<SampleFate, number>>>>;
}

export interface ReplaySummary {
  fleet: string;
  target: string;
  seed: number | string;
  from: string;
  to: string;
  /** Virtual speed (Infinity: as fast as acknowledged). */
  speed: number;
  wallMs: number;
  aborted: boolean;
  totals: FrameTotals;
  buoys: Record<string, BuoySummary>;
  output: OutputCounters;
  gateways: Record<string, unknown> | undefined;
}

function emptyTotals(): FrameTotals {
  return {
    sent: 0,
    statusFrames: 0,
    delivered: 0,
    lostByDesign: 0,
    lostByReason: { 'packet-loss': 0, 'out-of-range': 0, 'gateway-down': 0 },
    rejectedByDesign: 0,
    corrupted: 0,
    wrongKeys: 0,
    counterNotIncreasing: 0,
    duplicates: 0,
    delayed: 0,
    receptions: 0,
    forwards: 0,
    acknowledged: 0,
    unacknowledged: 0,
    samplesSent: 0,
    samplesDelivered: 0,
  };
}

function add(t: FrameTotals, u: FrameTotals): void {
  for (const k of Object.keys(t) as (keyof FrameTotals)[]) {
    if (k === 'lostByReason') for (const r of Object.keys(t.lostByReason) as FrameLoss[]) t.lostByReason[r] += u.lostByReason[r];
    else (t[k] as number) += u[k] as number;
  }
}

function count(t: FrameTotals, f: FrameRecord): void {
  t.sent++;
  if (f.kind === 'status') t.statusFrames++;
  t.samplesSent += f.sampleCount;
  const fate = frameFate(f);
  if (fate === 'delivered') {
    t.delivered++;
    t.samplesDelivered += f.sampleCount;
  } else if (fate === 'lost') {
    t.lostByDesign++;
    if (f.lost) t.lostByReason[f.lost]++;
  } else if (fate === 'counter-not-increasing') t.counterNotIncreasing++;
  if (f.corrupted) t.corrupted++;
  if (f.wrongKeys && f.heardBy.length > 0) t.wrongKeys++;
  if (f.heardBy.length > 0 && (f.corrupted || f.wrongKeys)) t.rejectedByDesign++;
  t.duplicates += f.duplicates;
  if (f.delayedMs > 0) t.delayed++;
  t.receptions += f.heardBy.length;
  t.forwards += f.forwards;
  if (f.acked > 0) t.acknowledged++;
  t.unacknowledged += f.unacknowledged;
}

/** Frame totals per buoy, in one pass over the ledger. */
export function frameTotalsByBuoy(ledger: ReplayLedger): Map<string, FrameTotals> {
  const out = new Map<string, FrameTotals>();
  for (const f of ledger.frames) {
    let t = out.get(f.buoyId);
    if (!t) {
      t = emptyTotals();
      out.set(f.buoyId, t);
    }
    count(t, f);
  }
  return out;
}

export function summarize(
  ledger: ReplayLedger,
  run: Omit<ReplaySummary, 'totals' | 'buoys'>,
): ReplaySummary {
  const buoys: Record<string, BuoySummary> = {};
  const totals = emptyTotals();
  const byBuoy = frameTotalsByBuoy(ledger);
  for (const [id, counters] of ledger.buoys) {
    const t = byBuoy.get(id) ?? emptyTotals();
    add(totals, t);
    const samples: BuoySummary['samples'] = {};
    for (const d of DATASTREAMS) {
      const fates = ledger.sampleFates(id, d);
      if (Object.keys(fates).length > 0) samples[d] = fates;
    }
    buoys[id] = { ...t, counters: { ...counters }, samples };
  }
  return { ...run, totals, buoys };
}

// Between a buoy's antenna and the gateways' backhaul: the link model decides who hears a frame,
// then the run's faults act on it (packet loss, corruption, delay, duplicates, gateway outages).
// Every decision is drawn from a per-buoy, per-fault random stream, so a run is reproducible and
// changing one fault's probability leaves the others' draws unchanged.
import type { BuoyTransmission } from '../buoy/virtual-buoy.js';
import type { Fleet, GatewaySpec } from '../fleet/fleet-types.js';
import { distanceKm, linkBudget } from '../radio/link-model.js';
import { seededRandom, type Random } from '../random/seeded-random.js';
import type { BuoyFaults, FaultPlan, GatewayFaults } from './fault-plan.js';
import type { FrameLoss } from './ledger.js';
import type { Reception } from './uplink-output.js';

const TMST_WRAP = 2 ** 32;

interface BuoyStreams {
  loss: Random;
  shadowing: Random;
  corrupt: Random;
  delay: Random;
  duplicate: Random;
}

export interface RadioOutcome {
  receptions: Reception[];
  /** The reception the duplicate fault forwards a second time. */
  duplicateOf: Reception | undefined;
  /**
   * What a confirmed uplink's buoy learns: true when an intact frame reached the network server
   * at once (heard by a gateway whose backhaul is up, not delayed), so an ACK could come back.
   */
  acknowledged: boolean;
}

export interface RadioChannelOptions {
  seed: number | string;
  fromMs: number;
  /** Log-normal shadowing, dB. */
  shadowingDb: number;
}

export class RadioChannel {
  private readonly streams = new Map<string, BuoyStreams>();
  private readonly tmstOffset = new Map<string, number>();

  constructor(
    private readonly fleet: Fleet,
    private readonly plan: FaultPlan,
    private readonly options: RadioChannelOptions,
  ) {
    for (const g of fleet.gateways) this.tmstOffset.set(g.id, seededRandom(options.seed, 'gateway', g.id, 'tmst').int(TMST_WRAP));
  }

  private streamsOf(buoyId: string): BuoyStreams {
    let s = this.streams.get(buoyId);
    if (!s) {
      const r = (label: string) => seededRandom(this.options.seed, 'radio', buoyId, label);
      s = { loss: r('loss'), shadowing: r('shadowing'), corrupt: r('corrupt'), delay: r('delay'), duplicate: r('duplicate') };
      this.streams.set(buoyId, s);
    }
    return s;
  }

  private outage(gatewayId: string, atMs: number): NonNullable<GatewayFaults['outages']>[number] | undefined {
    return this.plan.gateways?.[gatewayId]?.outages?.find((o) => atMs >= o.from && atMs < o.to);
  }

  /** True while the gateway cannot reach the server (down, or backhaul out). */
  gatewayOffline(gatewayId: string, atMs: number): boolean {
    return this.outage(gatewayId, atMs) !== undefined;
  }

  tmst(gateway: GatewaySpec, atMs: number): number {
    return (this.tmstOffset.get(gateway.id)! + (atMs - this.options.fromMs) * 1000) % TMST_WRAP;
  }

  receive(tx: BuoyTransmission, faults: BuoyFaults): RadioOutcome {
    const s = this.streamsOf(tx.frame.buoyId);
    const frame = tx.frame;
    const at = frame.rxTimeMs;
    const none = (lost: FrameLoss): RadioOutcome => {
      frame.lost = lost;
      return { receptions: [], duplicateOf: undefined, acknowledged: false };
    };
    if (s.loss.chance(faults.packetLoss ?? 0)) return none('packet-loss');

    const receptions: Reception[] = [];
    let anyDown = false;
    for (const g of this.fleet.gateways) {
      const link = linkBudget(
        {
          distanceKm: distanceKm(tx, g),
          txPowerDbm: tx.txPowerDbm,
          txAntennaGainDbi: tx.antennaGainDbi,
          rxAntennaGainDbi: g.antennaGainDbi,
          gatewayAltitudeM: g.altitudeM,
          spreadingFactor: tx.rate.sf,
          shadowingDb: this.options.shadowingDb,
        },
        s.shadowing,
      );
      const outage = this.outage(g.id, at);
      if (outage?.mode === 'down') {
        anyDown ||= link.heard;
        continue;
      }
      if (!link.heard) continue;
      // Store-and-forward: the gateway keeps what it hears while its backhaul is out.
      const forwardAtMs = outage?.mode === 'backhaul' ? outage.to : at;
      receptions.push({ gateway: g, rssiDbm: link.rssiDbm, snrDb: link.snrDb, tmst: this.tmst(g, at), forwardAtMs });
    }
    if (receptions.length === 0) return none(anyDown ? 'gateway-down' : 'out-of-range');

    frame.heardBy = receptions.map((r) => r.gateway.id);
    if (s.corrupt.chance(faults.corrupt ?? 0)) {
      frame.corrupted = true;
      frame.phyPayload = flipBits(frame.phyPayload, s.corrupt);
    }
    const delay = faults.delay;
    if (delay && s.delay.chance(delay.probability)) {
      const ms = Math.round(s.delay.between(1, delay.maxS) * 1000);
      for (const r of receptions) r.forwardAtMs += ms;
    }
    frame.delayedMs = Math.max(...receptions.map((r) => r.forwardAtMs - at));
    let duplicateOf: Reception | undefined;
    if (s.duplicate.chance(faults.duplicate ?? 0)) {
      duplicateOf = receptions[s.duplicate.int(receptions.length)];
      frame.duplicates++;
    }
    const acknowledged = !frame.corrupted && !frame.wrongKeys && receptions.some((r) => r.forwardAtMs === at);
    return { receptions, duplicateOf, acknowledged };
  }
}

/** One to three bit flips anywhere in the frame (the radio CRC is assumed to pass). */
function flipBits(phy: Buffer, random: Random): Buffer {
  const out = Buffer.from(phy);
  const flips = 1 + random.int(3);
  for (let i = 0; i < flips; i++) {
    const bit = random.int(out.length * 8);
    out[bit >> 3] = out[bit >> 3]! ^ (0x80 >> (bit & 7));
  }
  // Two flips of the same bit would cancel: make sure the frame really differs.
  if (out.equals(phy)) out[out.length - 1] = out[out.length - 1]! ^ 0x01;
  return out;
}

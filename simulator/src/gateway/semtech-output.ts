// The UDP output of a replay: one SemtechUdpGateway per fleet gateway, each copy of a frame a
// PUSH_DATA with one rxpk. The frame record is the datagram's tag, so acks land in the ledger.
import { loraDatr } from '../radio/eu868-channels.js';
import type { Fleet, GatewaySpec } from '../fleet/fleet-types.js';
import type { FrameRecord } from '../replay/ledger.js';
import type { ForwardAction, OutputCounters, Reception, UplinkOutput } from '../replay/uplink-output.js';
import type { BuoyTransmission } from '../buoy/virtual-buoy.js';
import { SemtechUdpGateway, type GatewayCounters, type UdpTarget } from './semtech-gateway.js';
import { gpsTimeMs, rxpkTime, statTime, type Rxpk } from './semtech-protocol.js';

export interface SemtechOutputOptions {
  target: UdpTarget;
  maxInFlight?: number;
  ackTimeoutMs?: number;
  maxRetries?: number;
  keepaliveMs?: number;
  /** First PUSH_DATA token per gateway (from the seed). */
  firstToken: (gatewayId: string) => number;
}

export function buildRxpk(tx: BuoyTransmission, reception: Reception): Rxpk {
  const phy = tx.frame.phyPayload;
  return {
    time: rxpkTime(tx.frame.rxTimeMs),
    tmms: gpsTimeMs(tx.frame.rxTimeMs),
    tmst: reception.tmst,
    freq: tx.channel.frequencyHz / 1e6,
    chan: tx.channel.chan,
    rfch: tx.channel.rfch,
    stat: 1,
    modu: 'LORA',
    datr: loraDatr(tx.rate),
    codr: '4/5',
    rssi: reception.rssiDbm,
    lsnr: reception.snrDb,
    size: phy.length,
    data: phy.toString('base64'),
  };
}

/** A JSON number as JSON.stringify writes it (non-finite numbers become null). */
function jsonNumber(x: number): string {
  return Number.isFinite(x) ? String(x) : 'null';
}

/**
 * The PUSH_DATA body of one copy, byte for byte JSON.stringify({ rxpk: [buildRxpk(tx, reception)] }),
 * from parts cached per transmission: every gateway's copy shares the time, radio settings and
 * base64 payload; only tmst, rssi and lsnr differ.
 */
export class RxpkJsonWriter {
  private tx: BuoyTransmission | undefined;
  private phy: Buffer | undefined;
  private head = '';
  private middle = '';
  private tail = '';

  write(tx: BuoyTransmission, reception: Reception): string {
    const phy = tx.frame.phyPayload;
    if (tx !== this.tx || phy !== this.phy) {
      this.tx = tx;
      this.phy = phy;
      this.head = `{"rxpk":[{"time":"${rxpkTime(tx.frame.rxTimeMs)}","tmms":${jsonNumber(gpsTimeMs(tx.frame.rxTimeMs))},"tmst":`;
      this.middle =
        `,"freq":${jsonNumber(tx.channel.frequencyHz / 1e6)},"chan":${jsonNumber(tx.channel.chan)},"rfch":${jsonNumber(tx.channel.rfch)}` +
        `,"stat":1,"modu":"LORA","datr":${JSON.stringify(loraDatr(tx.rate))},"codr":"4/5","rssi":`;
      this.tail = `,"size":${phy.length},"data":"${phy.toString('base64')}"}]}`;
    }
    return this.head + jsonNumber(reception.tmst) + this.middle + jsonNumber(reception.rssiDbm) + ',"lsnr":' + jsonNumber(reception.snrDb) + this.tail;
  }
}

interface StatWindow {
  rxnb: number;
  rxok: number;
  rxfw: number;
}

export class SemtechUdpOutput implements UplinkOutput {
  readonly kind = 'semtech-udp';
  private readonly gateways = new Map<string, SemtechUdpGateway<FrameRecord | undefined>>();
  private readonly specs = new Map<string, GatewaySpec>();
  private readonly window = new Map<string, StatWindow>();
  private statMessages = 0;
  private readonly json = new RxpkJsonWriter();

  constructor(fleet: Fleet, options: SemtechOutputOptions) {
    for (const g of fleet.gateways) {
      this.specs.set(g.id, g);
      this.window.set(g.id, { rxnb: 0, rxok: 0, rxfw: 0 });
      this.gateways.set(
        g.id,
        new SemtechUdpGateway<FrameRecord | undefined>({
          eui: g.eui,
          target: options.target,
          ...(options.maxInFlight === undefined ? {} : { maxInFlight: options.maxInFlight }),
          ...(options.ackTimeoutMs === undefined ? {} : { ackTimeoutMs: options.ackTimeoutMs }),
          ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
          ...(options.keepaliveMs === undefined ? {} : { keepaliveMs: options.keepaliveMs }),
          firstToken: options.firstToken(g.id),
          // Stat messages carry no frame.
          onAck: (frame) => {
            if (frame) frame.acked++;
          },
          onGiveUp: (frame) => {
            if (frame) frame.unacknowledged++;
          },
        }),
      );
    }
  }

  async start(): Promise<void> {
    for (const g of this.gateways.values()) await g.start();
  }

  plan(tx: BuoyTransmission, receptions: Reception[], duplicateOf: Reception | undefined, duplicateGapMs: number): ForwardAction[] {
    const actions: ForwardAction[] = receptions.map((r) => ({ atMs: r.forwardAtMs, tx, frame: tx.frame, receptions: [r], duplicate: false }));
    if (duplicateOf) actions.push({ atMs: duplicateOf.forwardAtMs + duplicateGapMs, tx, frame: tx.frame, receptions: [duplicateOf], duplicate: true });
    for (const r of receptions) {
      const w = this.window.get(r.gateway.id)!;
      w.rxnb++;
      w.rxok++;
    }
    return actions;
  }

  /** Returns a promise only when the gateway's window is full (see SemtechUdpGateway.pushJson). */
  send(action: ForwardAction): Promise<void> | undefined {
    const reception = action.receptions[0]!;
    const gateway = this.gateways.get(reception.gateway.id)!;
    action.frame.forwards++;
    this.window.get(reception.gateway.id)!.rxfw++;
    return gateway.pushJson(this.json.write(action.tx, reception), action.frame);
  }

  /** A stat message from every gateway, as the packet forwarder sends every stat_interval. */
  async sendGatewayStats(atMs: number, offline: (gatewayId: string) => boolean = () => false): Promise<void> {
    for (const [id, gateway] of this.gateways) {
      if (offline(id)) continue;
      const spec = this.specs.get(id)!;
      const w = this.window.get(id)!;
      const c = gateway.counters;
      const ackr = c.pushSent === 0 ? 100 : Math.round((1000 * c.pushAcked) / c.pushSent) / 10;
      await gateway.push(
        {
          stat: { time: statTime(atMs), lati: spec.latitude, long: spec.longitude, alti: Math.round(spec.altitudeM), rxnb: w.rxnb, rxok: w.rxok, rxfw: w.rxfw, ackr, dwnb: c.downlinks, txnb: 0 },
        },
        undefined,
      );
      this.statMessages++;
      this.window.set(id, { rxnb: 0, rxok: 0, rxfw: 0 });
    }
  }

  inFlight(): number {
    let n = 0;
    for (const g of this.gateways.values()) n += g.pending;
    return n;
  }

  async drain(): Promise<void> {
    await Promise.all([...this.gateways.values()].map((g) => g.drain()));
  }

  async close(): Promise<void> {
    await Promise.all([...this.gateways.values()].map((g) => g.close()));
  }

  counters(): OutputCounters {
    const out: OutputCounters = { sent: 0, acknowledged: 0, unacknowledged: 0, retransmissions: 0, maxInFlight: 0, droppedByNetworkServer: 0, statMessages: this.statMessages };
    for (const g of this.gateways.values()) {
      out.sent += g.counters.pushSent;
      out.acknowledged += g.counters.pushAcked;
      out.unacknowledged += g.counters.unacknowledged;
      out.retransmissions += g.counters.retransmissions;
      out.maxInFlight = Math.max(out.maxInFlight, g.counters.maxInFlight);
    }
    return out;
  }

  gatewayCounters(): Record<string, GatewayCounters> {
    return Object.fromEntries([...this.gateways.entries()].map(([id, g]) => [id, { ...g.counters }]));
  }
}

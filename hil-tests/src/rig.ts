// The whole HIL rig: NetCDF records → calibration inverses → simulated sensors → firmware on its
// target (real application + real LoRaWAN MAC; the DeviceScript VM by default, or a board behind
// `devs devtools`: RigOptions.target) → pipe radio → this harness's air → Semtech UDP forwarder →
// a real `reeflink serve` → SensorThings API.
//
// Time: the VM runs in real time; what is compressed is the sampling interval (`intervalS`,
// 5 s by default, standing for the records' 10 minutes). Record k is served from the moment the
// rig advances to it until the next advance (every `intervalS`), so each sample the firmware
// takes carries one record's counts, and the rig knows the wall-clock window in which it was
// served. rxpk.time is the wall clock at the end of the frame's airtime (+ `epochShiftMs`), so the
// server's phenomenonTime (= reception time − the sample's age) falls in that window.
import { decodeUplink, encodeDownlink, type ConfigDownlink, type Uplink as UplinkMessage } from '@reeflink/codecs';
import type { AirTransmission } from '@reeflink/devices';
import { buildDownlink, parseLoRaWanUplink, type ParsedUplink } from './lorawan.ts';
import { rawFor, type PhysicalRecord } from './fleet.ts';
import { SemtechForwarder, type GatewayDownlink, type Reception } from './forwarder.ts';
import { runReeflink, startServer, type RunningServer } from './server.ts';
import { VirtualBuoy, type AbpKeys, type OtaaKeys, type RawReadings } from './virtual-buoy.ts';
import type { BuiltFirmware } from './firmware.ts';
import type { BuoyTarget } from './target.ts';

export interface Heard {
  tx: AirTransmission;
  rx: Reception;
  /** Forwarded to the server (false while the rig drops frames). */
  forwarded: boolean;
  acked: boolean;
  uplink: ParsedUplink;
  /** The application message, decoded with the keys (null for MAC-only frames or codec errors). */
  message: UplinkMessage | null;
}

export interface ServedRecord {
  index: number;
  record: PhysicalRecord;
  raw: RawReadings;
  fromMs: number;
  /** Until the next record was served (null while it is still served). */
  untilMs: number | null;
}

export interface RigOptions {
  firmware: BuiltFirmware;
  /** Where the firmware runs (./target.ts); default the DeviceScript VM. */
  target?: BuoyTarget;
  manifest: unknown;
  /** ABP keys; for an OTAA buoy, the session keys once it has joined (the OTAA test sets them). */
  keys: AbpKeys;
  /** Provision the VM for OTAA instead of ABP (hil-tests/test/otaa-join.test.ts). */
  otaa?: OtaaKeys;
  gatewayEui: string;
  records: PhysicalRecord[];
  intervalS?: number;
  holdS?: number;
  dataRate?: number;
  rssi?: number;
  lsnr?: number;
  epochShiftMs?: number;
  /** PULL_DATA keep-alive period of the gateway, ms. Default 2000. */
  pullIntervalMs?: number;
}

/** A downlink the server scheduled through the rig's gateway, and whether a receive window took it. */
export interface ServerDownlink extends GatewayDownlink {
  delivered: boolean;
  /** Wall clock when the window that took it opened. */
  windowOpenedAtMs?: number;
}

/** How far a receive window may open from a downlink's due time and still take it (VM latency). */
const WINDOW_TOLERANCE_MS = 900;

export class HilRig {
  server!: RunningServer;
  buoy!: VirtualBuoy;
  forwarder!: SemtechForwarder;
  readonly heard: Heard[] = [];
  readonly served: ServedRecord[] = [];
  /** Downlinks reeflink serve sent through the gateway (PULL_RESP), in order. */
  readonly serverDownlinks: ServerDownlink[] = [];
  /** While true, frames on the air are not forwarded (the gateway hears nothing). */
  dropFrames = false;
  private next = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly waiters: (() => void)[] = [];
  private readonly pending: Promise<unknown>[] = [];

  constructor(readonly o: RigOptions) {}

  get intervalS(): number {
    return this.o.intervalS ?? 5;
  }

  async start(): Promise<void> {
    this.server = await startServer(this.o.manifest);
    this.forwarder = new SemtechForwarder(this.o.gatewayEui, this.server.udpPort);
    // A real gateway: PULL_DATA keep-alives give the server its downlink route; what it sends
    // goes on the air for the receive window that opens when the txpk is due.
    this.forwarder.onDownlink = (d) => this.onServerDownlink(d);
    this.forwarder.startPulling(this.o.pullIntervalMs ?? 2000);
    await this.forwarder.pulled();
    const first = this.serveNext();
    this.buoy = new VirtualBuoy({
      firmware: this.o.firmware,
      ...(this.o.target ? { target: this.o.target } : {}),
      keys: this.o.keys,
      ...(this.o.otaa ? { otaa: this.o.otaa } : {}),
      intervalS: this.intervalS,
      holdS: this.o.holdS,
      dataRate: this.o.dataRate,
      initial: first,
      onTransmit: (tx) => this.onTransmit(tx),
    });
    await this.buoy.start();
    this.timer = setInterval(() => this.advance(), this.intervalS * 1000);
  }

  private serveNext(): RawReadings {
    const now = Date.now();
    const last = this.served[this.served.length - 1];
    if (last) last.untilMs = now;
    const index = this.next % this.o.records.length;
    this.next++;
    const record = this.o.records[index]!;
    const raw = rawFor(record);
    this.served.push({ index, record, raw, fromMs: now, untilMs: null });
    return raw;
  }

  /** Serves the next record (the timer does this every interval). */
  advance(): void {
    const raw = this.serveNext();
    this.buoy?.set(raw);
  }

  /** Stops advancing: the current record stays served (used before a sensor fault, or at the end). */
  holdRecords(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  resumeRecords(): void {
    if (!this.timer) this.timer = setInterval(() => this.advance(), this.intervalS * 1000);
  }

  private onTransmit(tx: AirTransmission): void {
    const rx: Reception = { timeMs: Math.round(tx.endedAtMs) + (this.o.epochShiftMs ?? 0), rssi: this.o.rssi ?? -97, lsnr: this.o.lsnr ?? 6.5 };
    const uplink = parseLoRaWanUplink(tx.phy, this.o.keys);
    let message: UplinkMessage | null = null;
    if (uplink.fPort !== null && uplink.fPort > 0 && uplink.payload) {
      const d = decodeUplink(Array.from(uplink.payload), uplink.fPort);
      if (d.ok) message = d.value;
    }
    const h: Heard = { tx, rx, forwarded: !this.dropFrames, acked: false, uplink, message };
    this.heard.push(h);
    if (h.forwarded) {
      const p = this.forwarder.forward(tx, rx).then((ok) => {
        h.acked = ok;
      });
      this.pending.push(p);
    }
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves with the first heard frame (from index `from`) that satisfies `pred`; rejects after timeoutMs. */
  waitHeard(pred: (h: Heard) => boolean, timeoutMs: number, from = 0): Promise<Heard> {
    return new Promise((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms (${this.heard.length} heard)\n${this.consoleTail()}`)), timeoutMs);
      const check = () => {
        for (let i = from; i < this.heard.length; i++) {
          if (pred(this.heard[i]!)) {
            clearTimeout(deadline);
            resolve(this.heard[i]!);
            return;
          }
        }
        this.waiters.push(check);
      };
      check();
    });
  }

  private onServerDownlink(d: GatewayDownlink): void {
    const sd: ServerDownlink = { ...d, delivered: false };
    this.serverDownlinks.push(sd);
    this.buoy?.air.queueDownlink({
      phy: d.phy,
      rssiDbm: -90,
      snrDb: 7,
      // The window the txpk aims at: same frequency and SF, opening when the gateway transmits.
      accept: (w) => {
        const ok = !sd.delivered && w.frequencyHz === d.frequencyHz && w.sf === d.sf && Math.abs(w.openedAtMs - d.dueMs) <= WINDOW_TOLERANCE_MS;
        if (ok) {
          sd.delivered = true;
          sd.windowOpenedAtMs = w.openedAtMs;
        }
        return ok;
      },
    });
  }

  /**
   * Queues a downlink in the server's store with `reeflink downlink <devEui> …args` (the CLI, on
   * the running server's database), as an operator would; the server sends it after the next
   * uplink. Returns the CLI's output; throws when it fails.
   */
  async enqueueDownlink(devEui: string, args: string[]): Promise<string> {
    const { code, output } = await runReeflink(['downlink', devEui, ...args, '--database', this.server.database]);
    if (code !== 0) throw new Error(`reeflink downlink ${args.join(' ')} exited ${code}:\n${output}`);
    return output;
  }

  private fCntDown = 0;

  /**
   * Queues a configuration downlink (fPort 10) straight into the buoy's next receive window,
   * bypassing the server (the rig plays the network server; FCntDown from its own counter, so do
   * not mix with server downlinks on one rig). `enqueueDownlink` goes through reeflink serve.
   */
  queueConfig(config: Omit<ConfigDownlink, 'type'>): void {
    const enc = encodeDownlink({ type: 'config', ...config });
    if (!enc.ok) throw new Error(`config downlink does not encode: ${enc.error.message}`);
    this.fCntDown++;
    this.buoy.air.queueDownlink({ phy: buildDownlink(this.o.keys, this.fCntDown, enc.value.fPort, enc.value.bytes), rssiDbm: -90, snrDb: 7 });
  }

  /** Polls `pred` (rig state, not time) until it holds; rejects after timeoutMs with the VM console. */
  async until(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms\n${this.consoleTail()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The firmware console's last 40 lines (and the target's diagnostics), for failure messages. */
  private consoleTail(): string {
    return this.buoy.consoleText(40);
  }

  /** Waits until every forwarded frame got its PUSH_ACK (or gave up). */
  async flushed(): Promise<void> {
    await Promise.all(this.pending);
  }

  /** The record whose counts these are, if any was served. */
  recordOf(raw: Partial<RawReadings>): ServedRecord | undefined {
    return this.served.find((s) => s.raw.temperatureRaw === raw.temperatureRaw && (raw.pressureRaw === undefined || s.raw.pressureRaw === raw.pressureRaw));
  }

  async stop(): Promise<void> {
    this.holdRecords();
    await this.buoy?.stop();
    this.forwarder?.close();
    await this.server?.stop();
  }
}

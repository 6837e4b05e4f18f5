// The Node side of the pipe radio (devices/src/radio/pipe-radio.ts + jacdac-pipe.ts): a Jacdac
// Serial service (class 0x11bae5c3) on the harness's bus that plays the air for the firmware's
// LoRaWAN MAC. The VM's `ds.Serial("loraPipe")` role binds to it; fragments arrive as the Serial
// "send" command (0x80) and answers go back as its "received" report (0x80). Message layout:
// src/radio/pipe-protocol.ts (imported, so both ends share one definition) and
// docs/lorawan-mac.md "Pipe radio".
//
// What it does with each message:
//   TX    → `onTransmit` hears the PHYPayload (with the wall-clock time its airtime ended), then
//           TX_DONE after the frame's airtime (`realAirtime`, default on: the MAC times RX1 from it).
//   RX    → a window opens: the first downlink queued with `queueDownlink` that is due goes back
//           at once in RX_DONE; else RX_DONE "nothing" when the window's timeout has passed.
//   SLEEP → counted.
import { JDServiceServer, Packet, SRV_SERIAL } from 'jacdac-ts';
import { loraAirtimeMs } from '../src/radio/airtime.ts';
import {
  decodeRx,
  decodeTx,
  encodeRxDone,
  encodeTxDone,
  fragment,
  MSG_RX,
  MSG_SLEEP,
  MSG_TX,
  Reassembler,
  type PipeRx,
  type PipeTx,
} from '../src/radio/pipe-protocol.ts';

/** Serial "send" command and "received" report (jacdac-spec services/serial.md). */
const SERIAL_SEND = 0x80;
const SERIAL_RECEIVED = 0x80;

export interface AirTransmission {
  /** PHYPayload as the MAC built it. */
  phy: Buffer;
  frequencyHz: number;
  sf: number;
  bandwidthHz: number;
  codingRate: number;
  powerDbm: number;
  /** Time on air (AN1200.13, explicit header, CRC on, 8-symbol preamble), ms. */
  airtimeMs: number;
  /** Wall clock (Date.now()) when the harness got the TX message, and when its airtime ended. */
  startedAtMs: number;
  endedAtMs: number;
  /** Index of this transmission since the air started (0, 1, …). */
  index: number;
}

export interface AirWindow extends PipeRx {
  /** Wall clock when the device asked for the window. */
  openedAtMs: number;
}

export interface QueuedDownlink {
  phy: Buffer;
  rssiDbm?: number;
  snrDb?: number;
  /** Deliver in a window whose frequency / SF match (default: any window). */
  accept?: (w: AirWindow) => boolean;
}

export interface PipeAirOptions {
  /** Wait the frame's airtime before TX_DONE (true: real timing, as a radio would). Default true. */
  realAirtime?: boolean;
  /** Called for every frame the device transmits (before TX_DONE). */
  onTransmit?: (tx: AirTransmission) => void;
  /** Called when a receive window opens (after any queued downlink is chosen). */
  onWindow?: (w: AirWindow, delivered: boolean) => void;
}

export class PipeAir extends JDServiceServer {
  readonly transmissions: AirTransmission[] = [];
  readonly windows: AirWindow[] = [];
  sleeps = 0;
  /** Messages that did not decode, and fragments lost or reordered. */
  malformed = 0;
  private readonly reassembler = new Reassembler();
  private readonly downlinks: QueuedDownlink[] = [];
  private msgId = 0;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private closed = false;

  constructor(private readonly opts: PipeAirOptions = {}) {
    super(SRV_SERIAL);
    this.addCommand(SERIAL_SEND, (pkt: Packet) => this.onFragment(pkt.data));
  }

  get droppedFragments(): number {
    return this.reassembler.dropped;
  }

  /** Queues a downlink for the next matching receive window. */
  queueDownlink(d: QueuedDownlink): void {
    this.downlinks.push(d);
  }

  /** Stops answering (pending TX_DONE / RX_DONE timers are cancelled). */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(ms: number, f: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) f();
    }, Math.max(0, ms));
    this.timers.add(t);
  }

  private onFragment(data: Uint8Array): void {
    const msg = this.reassembler.push(Array.from(data));
    if (msg === null) return;
    switch (msg[0]) {
      case MSG_TX: {
        const tx = decodeTx(msg);
        if (tx === null) this.malformed++;
        else this.onTx(tx);
        break;
      }
      case MSG_RX: {
        const rx = decodeRx(msg);
        if (rx === null) this.malformed++;
        else this.onRx(rx);
        break;
      }
      case MSG_SLEEP:
        this.sleeps++;
        break;
      default:
        this.malformed++;
    }
  }

  /**
   * While true the air is dead to the device: TX gets no TX_DONE (the MAC reports a
   * transport_error and the application keeps the samples queued), RX windows get no RX_DONE.
   * Frames sent meanwhile are counted in `unanswered`, not heard.
   */
  mute = false;
  unanswered = 0;
  /** Every TX message (heard or not): wall-clock start, airtime, whether it was answered. */
  readonly attempts: { startedAtMs: number; airtimeMs: number; answered: boolean }[] = [];

  private onTx(tx: PipeTx): void {
    const attempt = { startedAtMs: Date.now(), airtimeMs: loraAirtimeMs(tx.frame.length, tx.sf, tx.bandwidthHz, tx.codingRate, 8, true, true), answered: !this.mute };
    this.attempts.push(attempt);
    if (this.mute) {
      this.unanswered++;
      return;
    }
    const airtimeMs = loraAirtimeMs(tx.frame.length, tx.sf, tx.bandwidthHz, tx.codingRate, 8, true, true);
    const startedAtMs = Date.now();
    const wait = this.opts.realAirtime === false ? 0 : airtimeMs;
    const t: AirTransmission = {
      phy: Buffer.from(tx.frame),
      frequencyHz: tx.frequencyHz,
      sf: tx.sf,
      bandwidthHz: tx.bandwidthHz,
      codingRate: tx.codingRate,
      powerDbm: tx.powerDbm,
      airtimeMs,
      startedAtMs,
      endedAtMs: startedAtMs + wait,
      index: this.transmissions.length,
    };
    this.later(wait, () => {
      this.transmissions.push(t);
      this.opts.onTransmit?.(t);
      this.post(encodeTxDone(tx.seq, airtimeMs * 1000));
    });
  }

  private onRx(rx: PipeRx): void {
    if (this.mute) {
      this.unanswered++;
      return;
    }
    const w: AirWindow = { ...rx, openedAtMs: Date.now() };
    this.windows.push(w);
    const i = this.downlinks.findIndex((d) => d.accept === undefined || d.accept(w));
    if (i >= 0) {
      const d = this.downlinks.splice(i, 1)[0]!;
      this.opts.onWindow?.(w, true);
      this.post(encodeRxDone({ seq: rx.seq, frame: Array.from(d.phy), rssiDbm: d.rssiDbm ?? -90, snrDb: d.snrDb ?? 7 }));
      return;
    }
    this.opts.onWindow?.(w, false);
    this.later(rx.timeoutMs, () => this.post(encodeRxDone({ seq: rx.seq, frame: null, rssiDbm: 0, snrDb: 0 })));
  }

  private post(msg: number[]): void {
    this.msgId = (this.msgId + 1) & 0xff;
    for (const f of fragment(this.msgId, msg)) {
      void this.sendPacketAsync(Packet.from(SERIAL_RECEIVED, Uint8Array.from(f)));
    }
  }
}

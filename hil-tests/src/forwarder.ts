// The gateway of the HIL rig: every PHYPayload the firmware transmits on the pipe radio goes to
// the server as a Semtech UDP packet forwarder would send it (PUSH_DATA with one rxpk, PROTOCOL.md
// §4): `time` is the harness's reception time (the end of the frame's airtime, optionally shifted
// onto another epoch), `tmst` a microsecond counter, frequency and data rate from the TX message,
// RSSI and SNR as the test sets them. Each PUSH_DATA waits for its PUSH_ACK.
//
// Downlinks, as a real gateway takes them (PROTOCOL.md §5–6): PULL_DATA every `pullIntervalMs`
// (the server keeps the source address as the downlink route), PULL_ACK counted; each PULL_RESP's
// txpk is checked like a concentrator's just-in-time queue would: its `tmst` on the same µs
// counter as rxpk.tmst (wall clock µs, 32-bit) must still be ahead by `minLeadMs`, else TX_ACK
// TOO_LATE; otherwise TX_ACK with no error and the PHYPayload goes to `onDownlink` with the
// wall-clock time it is due on the air, its frequency and spreading factor (the rig hands it to
// the air for the receive window that opens then).
import { createSocket, type Socket } from 'node:dgram';
import type { AirTransmission } from '@reeflink/devices';

/** A downlink the server scheduled through this gateway. */
export interface GatewayDownlink {
  phy: Buffer;
  frequencyHz: number;
  sf: number;
  bandwidthHz: number;
  /** Wall clock (epoch ms) at which the gateway transmits it (txpk.tmst on the rxpk counter). */
  dueMs: number;
  txpk: Record<string, unknown>;
}

/** The forwarder's µs counter (rxpk.tmst / txpk.tmst): the wall clock in µs, 32-bit. */
export const tmstAt = (wallMs: number): number => Math.round(wallMs * 1000) >>> 0;

export interface Reception {
  /** Reception time reported in rxpk.time, epoch ms. */
  timeMs: number;
  rssi: number;
  lsnr: number;
}

export class SemtechForwarder {
  private readonly socket: Socket;
  private token = 1;
  private readonly waiting = new Map<number, () => void>();
  pushed = 0;
  acked = 0;
  pullAcks = 0;
  /** Every PULL_RESP, with the TX_ACK error it was answered with ('' = accepted). */
  readonly downlinks: (GatewayDownlink & { txAckError: string })[] = [];
  /** Called for every downlink the gateway accepts (TX_ACK without error). */
  onDownlink: ((d: GatewayDownlink) => void) | null = null;
  /** A PULL_RESP must arrive at least this long before its tmst (concentrator JIT margin). */
  minLeadMs = 20;
  private pullTimer: ReturnType<typeof setInterval> | null = null;

  constructor(
    readonly eui: string,
    private readonly port: number,
    private readonly host = '127.0.0.1',
  ) {
    this.socket = createSocket('udp4');
    this.socket.on('message', (msg) => {
      // PUSH_ACK: version, token (2), identifier 1.
      if (msg.length >= 4 && msg[3] === 1) {
        const t = msg.readUInt16BE(1);
        this.waiting.get(t)?.();
        this.waiting.delete(t);
      }
      if (msg.length >= 4 && msg[3] === 4) this.pullAcks++;
      if (msg.length >= 4 && msg[3] === 3) this.onPullResp(msg);
    });
  }

  private header(type: number, token: number): Buffer {
    const header = Buffer.alloc(12);
    header[0] = 2;
    header.writeUInt16BE(token, 1);
    header[3] = type;
    Buffer.from(this.eui, 'hex').copy(header, 4);
    return header;
  }

  /** Starts PULL_DATA keep-alives (one now, then every pullIntervalMs; real forwarders: 5–10 s). */
  startPulling(pullIntervalMs = 5000): void {
    if (this.pullTimer) return;
    const pull = () => this.socket.send(this.header(2, this.token++ & 0xffff), this.port, this.host);
    pull();
    this.pullTimer = setInterval(pull, pullIntervalMs);
  }

  /** Resolves once the server answered a PULL_DATA (the downlink route is known). */
  async pulled(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pullAcks === 0) {
      if (Date.now() > deadline) throw new Error('no PULL_ACK from the server');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private onPullResp(msg: Buffer): void {
    const token = msg.readUInt16BE(1);
    let txpk: Record<string, any>;
    try {
      txpk = JSON.parse(msg.subarray(4).toString('utf8')).txpk;
    } catch {
      return this.txAck(token, 'UNKNOWN');
    }
    const m = /^SF(\d+)BW(\d+)$/.exec(String(txpk.datr));
    const phy = Buffer.from(String(txpk.data ?? ''), 'base64');
    const now = Date.now();
    // Signed distance on the 32-bit µs counter from now to tmst.
    const aheadMs = txpk.imme === true ? 0 : ((Number(txpk.tmst) - tmstAt(now)) | 0) / 1000;
    const d: GatewayDownlink = {
      phy,
      frequencyHz: Math.round(Number(txpk.freq) * 1e6),
      sf: m ? Number(m[1]) : 0,
      bandwidthHz: m ? Number(m[2]) * 1000 : 0,
      dueMs: now + aheadMs,
      txpk,
    };
    const error = !m || txpk.modu !== 'LORA' || txpk.ipol !== true ? 'TX_FREQ' : txpk.imme !== true && aheadMs < this.minLeadMs ? 'TOO_LATE' : '';
    this.downlinks.push({ ...d, txAckError: error });
    this.txAck(token, error);
    if (error === '') this.onDownlink?.(d);
  }

  private txAck(token: number, error: string): void {
    const body = error === '' ? Buffer.alloc(0) : Buffer.from(JSON.stringify({ txpk_ack: { error } }));
    this.socket.send(Buffer.concat([this.header(5, token), body]), this.port, this.host);
  }

  /** Forwards one transmission; resolves true on PUSH_ACK. */
  forward(tx: AirTransmission, rx: Reception, timeoutMs = 5000): Promise<boolean> {
    const token = this.token++ & 0xffff;
    const bw = Math.round(tx.bandwidthHz / 1000);
    const rxpk = {
      time: new Date(rx.timeMs).toISOString(),
      tmst: tmstAt(tx.endedAtMs),
      freq: tx.frequencyHz / 1e6,
      chan: 0,
      rfch: 0,
      stat: 1,
      modu: 'LORA',
      datr: `SF${tx.sf}BW${bw}`,
      codr: `4/${tx.codingRate}`,
      rssi: rx.rssi,
      lsnr: rx.lsnr,
      size: tx.phy.length,
      data: tx.phy.toString('base64'),
    };
    const header = Buffer.alloc(12);
    header[0] = 2;
    header.writeUInt16BE(token, 1);
    header[3] = 0;
    Buffer.from(this.eui, 'hex').copy(header, 4);
    const packet = Buffer.concat([header, Buffer.from(JSON.stringify({ rxpk: [rxpk] }))]);
    this.pushed++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(token);
        resolve(false);
      }, timeoutMs);
      this.waiting.set(token, () => {
        clearTimeout(timer);
        this.acked++;
        resolve(true);
      });
      this.socket.send(packet, this.port, this.host);
    });
  }

  close(): void {
    if (this.pullTimer) clearInterval(this.pullTimer);
    this.pullTimer = null;
    this.socket.close();
  }
}

// The gateway of the HIL rig: every PHYPayload the firmware transmits on the pipe radio goes to
// the server as a Semtech UDP packet forwarder would send it (PUSH_DATA with one rxpk, PROTOCOL.md
// §4): `time` is the harness's reception time (the end of the frame's airtime, optionally shifted
// onto another epoch), `tmst` a microsecond counter, frequency and data rate from the TX message,
// RSSI and SNR as the test sets them. Each PUSH_DATA waits for its PUSH_ACK.
import { createSocket, type Socket } from 'node:dgram';
import type { AirTransmission } from '@reeflink/devices';

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
    });
  }

  /** Forwards one transmission; resolves true on PUSH_ACK. */
  forward(tx: AirTransmission, rx: Reception, timeoutMs = 5000): Promise<boolean> {
    const token = this.token++ & 0xffff;
    const bw = Math.round(tx.bandwidthHz / 1000);
    const rxpk = {
      time: new Date(rx.timeMs).toISOString(),
      tmst: Math.round(tx.endedAtMs * 1000) >>> 0,
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
    this.socket.close();
  }
}

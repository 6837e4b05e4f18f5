// The Node side of the pipe radio (harness/pipe-air.ts) without a VM: fragments in as Serial
// "send" commands, answers out as "received" reports, decoded with the device's own
// src/radio/pipe-protocol.ts. The VM end to end is hil-tests/test/virtual-buoy.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { Packet } from 'jacdac-ts';
import { PipeAir, type AirTransmission } from '../harness/pipe-air.ts';
import { decodeRxDone, decodeTxDone, encodeRx, encodeSleep, encodeTx, fragment, Reassembler } from '../src/radio/pipe-protocol.ts';

class TestAir extends PipeAir {
  readonly out: number[][] = [];
  private readonly r = new Reassembler();
  override async sendPacketAsync(pkt: Packet): Promise<void> {
    const m = this.r.push(Array.from(pkt.data));
    if (m !== null) this.out.push(m);
  }
  deliver(msgId: number, msg: number[]): void {
    for (const f of fragment(msgId, msg)) {
      const pkt = Packet.from(0x80, Uint8Array.from(f)) as Packet & { isCommand: boolean };
      pkt.isCommand = true;
      void (this as unknown as { handlePacket(p: Packet): Promise<void> }).handlePacket(pkt);
    }
  }
}

async function until(pred: () => boolean): Promise<void> {
  while (!pred()) await new Promise((r) => setTimeout(r, 5));
}

const TX = { seq: 7, frequencyHz: 868_100_000, sf: 7, bandwidthHz: 125_000, codingRate: 5, powerDbm: 14 };
const RX = { seq: 8, frequencyHz: 868_100_000, sf: 7, bandwidthHz: 125_000, codingRate: 5, timeoutMs: 20, maxLength: 64 };

describe('PipeAir', () => {
  let air: TestAir;
  afterEach(() => air?.close());

  it('hears a transmitted frame (two fragments) and answers TX_DONE with its airtime', async () => {
    const heard: AirTransmission[] = [];
    air = new TestAir({ realAirtime: false, onTransmit: (t) => heard.push(t) });
    const frame = Array.from({ length: 230 }, (_, i) => i & 0xff);
    air.deliver(1, encodeTx({ ...TX, frame }));
    await until(() => air.out.length === 1);
    expect(heard).toHaveLength(1);
    expect([...heard[0]!.phy]).toEqual(frame);
    expect(heard[0]).toMatchObject({ frequencyHz: 868_100_000, sf: 7, bandwidthHz: 125_000, powerDbm: 14, index: 0 });
    const done = decodeTxDone(air.out[0]!)!;
    expect(done.seq).toBe(7);
    expect(done.airtimeUs / 1000).toBeCloseTo(heard[0]!.airtimeMs, 2);
  });

  it('answers a receive window with a queued downlink, then with nothing once the window times out', async () => {
    air = new TestAir({ realAirtime: false });
    air.queueDownlink({ phy: Buffer.from([0x60, 1, 2, 3]), rssiDbm: -88.5, snrDb: 6.25 });
    air.deliver(2, encodeRx(RX));
    await until(() => air.out.length === 1);
    expect(decodeRxDone(air.out[0]!)).toEqual({ seq: 8, frame: [0x60, 1, 2, 3], rssiDbm: -88.5, snrDb: 6.25 });
    air.deliver(3, encodeRx({ ...RX, seq: 9 }));
    await until(() => air.out.length === 2);
    expect(decodeRxDone(air.out[1]!)).toMatchObject({ seq: 9, frame: null });
    air.deliver(4, encodeSleep(10));
    await until(() => air.sleeps === 1);
    expect(air.malformed).toBe(0);
  });

  it('while muted, answers nothing and counts the attempts', async () => {
    air = new TestAir({ realAirtime: false });
    air.mute = true;
    air.deliver(5, encodeTx({ ...TX, frame: [1, 2, 3] }));
    air.deliver(6, encodeRx(RX));
    await until(() => air.unanswered === 2);
    expect(air.out).toEqual([]);
    expect(air.attempts).toHaveLength(1);
    expect(air.attempts[0]!.answered).toBe(false);
  });
});

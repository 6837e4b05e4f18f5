// The MAC (src/lorawan/mac.ts) end to end in Node: a scripted radio on a virtual clock, and
// lora-packet playing the network server (it checks our uplinks and builds the downlinks).
import loraPacketModule from 'lora-packet';
import { describe, expect, it } from 'vitest';
import { NO_PAUSE } from '../src/crypto/pace.ts';
import { LoRaWanMac, type MacOptions } from '../src/lorawan/mac.ts';
import { subBandChannels } from '../src/lorawan/region.ts';
import { EU868 } from '../src/lorawan/regions/eu868.ts';
import { US915 } from '../src/lorawan/regions/us915.ts';
import { MemoryStore } from '../src/lorawan/store.ts';
import { TEST_APPKEY, TEST_APPSKEY, TEST_DEVADDR, TEST_DEVEUI, TEST_JOINEUI, TEST_NWKSKEY } from '../src/lorawan/vectors.ts';
import { uplinkAirtimeMs } from '../src/radio/airtime.ts';
import type { RxFrame, RxWindow } from '../src/radio/radio.ts';
import { type AirFrame, ScriptedRadio } from '../src/radio/scripted-radio.ts';
import { VirtualClock } from '../src/radio/virtual-clock.ts';

// lora-packet's typings declare an ES default export, but its CommonJS build replaces
// module.exports with the API object, which is what Node's default import then is.
const lp = loraPacketModule as unknown as typeof loraPacketModule.default;
type Packet = ReturnType<typeof lp.fromWire>;
const H = (s: string) => Buffer.from(s, 'hex');
const msb = (fCnt: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(fCnt >>> 16);
  return b;
};

/** A network server's view of one device session: checks uplinks, builds downlinks (lora-packet). */
class Network {
  fCntDown = 0;
  uplinks: { packet: Packet; fCnt: number; air: AirFrame; payload: Buffer }[] = [];
  constructor(
    public devAddr: string,
    public nwkSKey: Buffer,
    public appSKey: Buffer,
  ) {}

  /** Parses and authenticates an uplink, rebuilding the 32-bit FCnt from the last one. */
  receive(air: AirFrame) {
    const packet = lp.fromWire(Buffer.from(air.bytes));
    expect(packet.DevAddr!.toString('hex')).toBe(this.devAddr);
    const last = this.uplinks.length ? this.uplinks[this.uplinks.length - 1]!.fCnt : 0;
    let fCnt = (last & ~0xffff) + packet.getFCnt()!;
    if (fCnt < last) fCnt += 0x10000;
    expect(lp.verifyMIC(packet, this.nwkSKey, undefined, msb(fCnt)), 'uplink MIC').toBe(true);
    const payload = packet.getFPort() === null ? Buffer.alloc(0) : lp.decrypt(packet, this.appSKey, this.nwkSKey, msb(fCnt));
    const u = { packet, fCnt, air, payload };
    this.uplinks.push(u);
    return u;
  }

  downlink(o: { fPort?: number; payload?: string; fOpts?: string; confirmed?: boolean; ack?: boolean; fCnt?: number; devAddr?: string; nwkSKey?: Buffer }): number[] {
    const fCnt = o.fCnt ?? this.fCntDown++;
    const devAddr = H(o.devAddr ?? this.devAddr);
    const nwkSKey = o.nwkSKey ?? this.nwkSKey;
    const mType = o.confirmed ? 'Confirmed Data Down' : 'Unconfirmed Data Down';
    if (o.fPort === undefined) {
      // lora-packet cannot build a frame without FPort (FOpts only): assemble it, let lora-packet sign it.
      const fOpts = H(o.fOpts ?? '');
      const head = Buffer.from([o.confirmed ? 0xa0 : 0x60, devAddr[3]!, devAddr[2]!, devAddr[1]!, devAddr[0]!, 0x80 | (o.ack ? 0x20 : 0) | fOpts.length, fCnt & 0xff, (fCnt >> 8) & 0xff]);
      const p = lp.fromWire(Buffer.concat([head, fOpts, Buffer.alloc(4)]));
      lp.recalculateMIC(p, nwkSKey, undefined, msb(fCnt));
      return [...p.getPHYPayload()!];
    }
    const p = lp.fromFields(
      {
        MType: mType,
        DevAddr: devAddr,
        FCtrl: { ACK: !!o.ack, ADR: true },
        FCnt: fCnt & 0xffff,
        FOpts: H(o.fOpts ?? ''),
        FPort: o.fPort,
        payload: H(o.payload ?? ''),
      },
      this.appSKey,
      nwkSKey,
      undefined,
      msb(fCnt),
    );
    return [...p.getPHYPayload()!];
  }
}

function abpStore(): MemoryStore {
  const s = new MemoryStore();
  s.values = {
    lw_devaddr: JSON.stringify(TEST_DEVADDR),
    lw_nwkskey: JSON.stringify(TEST_NWKSKEY),
    lw_appskey: JSON.stringify(TEST_APPSKEY),
  };
  return s;
}

function setup(store: MemoryStore, opts: Partial<MacOptions> = {}) {
  const clock = new VirtualClock(1000, NO_PAUSE);
  const radio = new ScriptedRadio(clock);
  const lines: string[] = [];
  let seed = 1;
  const mac = new LoRaWanMac({
    region: EU868,
    radio,
    clock,
    store,
    random: () => ((seed = (seed * 16807) % 2147483647) / 2147483647),
    log: (l) => lines.push(l),
    ...opts,
  });
  return { clock, radio, mac, lines };
}

const abpNetwork = () => new Network(TEST_DEVADDR, H(TEST_NWKSKEY), H(TEST_APPSKEY));
const isRx1 = (w: RxWindow, up: AirFrame) => w.frequencyHz === up.config.frequencyHz;
const frame = (bytes: number[]): RxFrame => ({ bytes, rssiDbm: -80, snrDb: 7.4 });

describe('ABP uplinks', () => {
  it('sends what lora-packet verifies and decrypts, FCnt counting from 0', async () => {
    const { radio, mac } = setup(abpStore());
    const net = abpNetwork();
    expect(await mac.start()).toBe(true);
    for (let i = 0; i < 3; i++) await mac.send({ fPort: 5, payload: [1, 2, 3, i], confirmed: false });
    expect(radio.sent).toHaveLength(3);
    radio.sent.forEach((air, i) => {
      const u = net.receive(air);
      expect(u.fCnt).toBe(i);
      expect(u.packet.getFPort()).toBe(5);
      expect([...u.payload]).toEqual([1, 2, 3, i]);
      expect(u.packet.getMType()).toBe('Unconfirmed Data Up');
      expect(u.packet.getFCtrlADR()).toBe(true);
      // EU868 default: DR0 = SF12/125 kHz on one of the three default channels, 16 dBm EIRP − 2.15 dBi.
      expect(air.config).toMatchObject({ sf: 12, bandwidthHz: 125000, codingRate: 5, powerDbm: 13 });
      expect([868100000, 868300000, 868500000]).toContain(air.config.frequencyHz);
    });
    expect(mac.stats()).toMatchObject({ uplinksSent: 3, transmissions: 3, fCntUp: 3 });
  });

  it('opens RX1 on the uplink channel one second after TX end, RX2 at 869.525 MHz SF12 one second later', async () => {
    const { radio, mac } = setup(abpStore());
    await mac.send({ fPort: 1, payload: [1], confirmed: false });
    const end = radio.sent[0]!.endMs;
    const [rx1, rx2] = radio.windows;
    expect(rx1!.frequencyHz).toBe(radio.sent[0]!.config.frequencyHz);
    expect(rx1!.sf).toBe(12);
    expect(rx2!).toMatchObject({ frequencyHz: 869525000, sf: 12, bandwidthHz: 125000 });
    // LoRaMac-node's window: the receiver listens `timeoutSymbols` from openAtMs, so that with a
    // clock error of up to rxErrorMs (20 ms) it still sees MIN_RX_SYMBOLS (6) of the 8-symbol preamble.
    const tSym = 4096 / 125;
    for (const [w, delay] of [
      [rx1!, 1000],
      [rx2!, 2000],
    ] as const) {
      const preambleStart = end + delay;
      expect(w.openAtMs - 20).toBeLessThanOrEqual(preambleStart + 2 * tSym);
      expect(w.openAtMs + 20 + w.timeoutSymbols * tSym).toBeGreaterThanOrEqual(preambleStart + 6 * tSym);
    }
    expect(rx2!.openAtMs - rx1!.openAtMs).toBe(1000);
  });

  it('waits for the 1 % duty cycle of the 868.0-868.6 MHz band between frames', async () => {
    const { clock, radio, mac } = setup(abpStore());
    await mac.send({ fPort: 1, payload: new Array(40).fill(0), confirmed: false });
    await mac.send({ fPort: 1, payload: new Array(40).fill(0), confirmed: false });
    const [a, b] = radio.sent;
    const airtime = uplinkAirtimeMs(53, 12, 125000);
    expect(a!.endMs - a!.startMs).toBeCloseTo(airtime, 6);
    expect(b!.startMs - a!.endMs).toBeGreaterThanOrEqual(airtime * 99 - 1e-6);
    expect(mac.nextTransmitAt()).toBeGreaterThan(clock.now());
  });

  it('refuses a payload above the data rate limit and FPorts outside 1..223, without sending', async () => {
    const { radio, mac } = setup(abpStore());
    expect(mac.maxPayload()).toBe(51);
    expect(await mac.sendFrame({ fPort: 1, payload: new Array(52).fill(0), confirmed: false })).toMatchObject({ ok: false, error: { code: 'payload_too_large' } });
    expect(await mac.sendFrame({ fPort: 0, payload: [], confirmed: false })).toMatchObject({ ok: false, error: { code: 'invalid_port' } });
    expect(await mac.sendFrame({ fPort: 224, payload: [], confirmed: false })).toMatchObject({ ok: false, error: { code: 'invalid_port' } });
    await expect(mac.send({ fPort: 1, payload: new Array(52).fill(0), confirmed: false })).rejects.toThrow(/^payload_too_large/);
    expect(mac.lastError()!.code).toBe('payload_too_large');
    expect(radio.sent).toHaveLength(0);
  });

  it('names the missing or malformed setting', async () => {
    const none = setup(new MemoryStore());
    expect(await none.mac.start()).toBe(false);
    expect(none.mac.lastError()).toMatchObject({ code: 'invalid_setting' });
    const s = abpStore();
    s.values.lw_nwkskey = JSON.stringify('44024241ed4ce9a68c6a8bc055233f');
    const short = setup(s);
    expect(await short.mac.start()).toBe(false);
    expect(short.mac.lastError()!.message).toContain('lw_nwkskey must be 32 hex digits');
    const n = abpStore();
    n.values.lw_devaddr = JSON.stringify(26011234); // an unquoted .env value
    const num = setup(n);
    expect(await num.mac.start()).toBe(false);
    expect(num.mac.lastError()!.message).toContain('quoted hex string');
  });
});

describe('FCntUp across resets (write-ahead reservation)', () => {
  it('never reuses a counter after a reset at any point, and skips at most one block', async () => {
    const store = abpStore();
    const used: number[] = [];
    const net = abpNetwork();
    for (let boot = 0; boot < 6; boot++) {
      const { radio, mac } = setup(store, { fcntReserveBlock: 4 });
      const n = boot + 1; // uplinks before the "reset" (no suspend)
      for (let i = 0; i < n; i++) await mac.send({ fPort: 1, payload: [boot, i], confirmed: false });
      for (const air of radio.sent) used.push(net.receive(air).fCnt);
    }
    expect(new Set(used).size).toBe(used.length);
    for (let i = 1; i < used.length; i++) {
      expect(used[i]!).toBeGreaterThan(used[i - 1]!);
      expect(used[i]! - used[i - 1]!).toBeLessThanOrEqual(4);
    }
  });

  it('persists before transmitting: a failed write sends nothing', async () => {
    const store = abpStore();
    const { radio, mac } = setup(store);
    store.failWrites = true;
    const r = await mac.sendFrame({ fPort: 1, payload: [1], confirmed: false });
    expect(r).toMatchObject({ ok: false, error: { code: 'storage_error' } });
    expect(radio.sent).toHaveLength(0);
  });

  it('suspend() before deep sleep stores the exact counter: nothing skipped after wake-up', async () => {
    const store = abpStore();
    const net = abpNetwork();
    for (let wake = 0; wake < 5; wake++) {
      const { radio, mac } = setup(store);
      await mac.send({ fPort: 1, payload: [wake], confirmed: false });
      expect(await mac.suspend()).toBe(true);
      expect(net.receive(radio.sent[0]!).fCnt).toBe(wake);
    }
    // One write to reserve, one to record the exact value, per wake-up.
    expect(store.writes).toBe(10);
  });

  it('one flash write per 16 uplinks while awake', async () => {
    const store = abpStore();
    const { mac } = setup(store);
    for (let i = 0; i < 32; i++) await mac.send({ fPort: 1, payload: [i], confirmed: false });
    expect(store.writes).toBe(2);
  });

  it('counters stored for other keys do not apply', async () => {
    const store = abpStore();
    store.values.lw_fcntup = JSON.stringify({ s: 'abp:01020304', n: '000000100' });
    const { radio, mac } = setup(store);
    await mac.send({ fPort: 1, payload: [1], confirmed: false });
    expect(abpNetwork().receive(radio.sent[0]!).fCnt).toBe(0);
  });
});

describe('downlinks', () => {
  it('delivers an application downlink from RX1 and keeps FCntDown', async () => {
    const { radio, mac } = setup(abpStore());
    const net = abpNetwork();
    radio.responder = (w, up) => {
      if (!isRx1(w, up)) return null;
      net.receive(up);
      return frame(net.downlink({ fPort: 7, payload: 'c0ffee' }));
    };
    const dl = await mac.send({ fPort: 1, payload: [1], confirmed: false });
    expect(dl).toEqual({ fPort: 7, payload: [0xc0, 0xff, 0xee], rssiDbm: -80, snrDb: 7.4 });
    expect(radio.windows).toHaveLength(1); // RX2 not opened after a good RX1 frame
    expect(mac.stats()).toMatchObject({ downlinksReceived: 1, lastRssiDbm: -80, lastSnrDb: 7.4 });
  });

  it('drops a replayed downlink and a frame for another device, and still listens in RX2', async () => {
    // DR5: an SF12 frame in RX1 would still be on the air when RX2 opens.
    const { radio, mac } = setup(abpStore(), { dataRate: 5 });
    const net = abpNetwork();
    const first = net.downlink({ fPort: 7, payload: '01' });
    let n = 0;
    radio.responder = (w, up) => {
      if (isRx1(w, up)) return frame(n++ === 0 ? first : first); // the same frame twice: the second is a replay
      return frame(net.downlink({ fPort: 8, payload: '02' }));
    };
    expect(await mac.send({ fPort: 1, payload: [1], confirmed: false })).toMatchObject({ fPort: 7 });
    const second = await mac.send({ fPort: 1, payload: [2], confirmed: false });
    expect(second).toMatchObject({ fPort: 8, payload: [2] });
    expect(mac.stats().downlinksDropped).toBe(1);

    const other = setup(abpStore(), { dataRate: 5 });
    other.radio.responder = (w, up) => (isRx1(w, up) ? frame(net.downlink({ fPort: 7, devAddr: '26011bdb' })) : null);
    expect(await other.mac.send({ fPort: 1, payload: [1], confirmed: false })).toBeNull();
    expect(other.radio.windows).toHaveLength(2);
  });

  it('confirmed uplink: retries with the same FCnt until an ACK, and ACKs a confirmed downlink', async () => {
    const { radio, mac } = setup(abpStore(), { confirmedAttempts: 4 });
    const net = abpNetwork();
    let tx = 0;
    radio.responder = (w, up) => {
      if (!isRx1(w, up)) return null;
      tx++;
      return tx < 3 ? null : frame(net.downlink({ ack: true, confirmed: true, fPort: 3, payload: 'aa' }));
    };
    const r = await mac.sendFrame({ fPort: 1, payload: [9], confirmed: true });
    expect(r.ok && r.value).toMatchObject({ acked: true, transmissions: 3, fCnt: 0 });
    const fcnts = radio.sent.map((a) => net.receive(a).packet.getFCnt());
    expect(fcnts).toEqual([0, 0, 0]);
    expect(net.uplinks[0]!.packet.getMType()).toBe('Confirmed Data Up');
    // Retransmissions wait RETRANSMIT_TIMEOUT (1..3 s) after RX2.
    expect(radio.sent[1]!.startMs - radio.listenedAt[1]!).toBeGreaterThanOrEqual(1000);
    // The confirmed downlink is acknowledged by the next uplink.
    radio.responder = null;
    await mac.send({ fPort: 1, payload: [10], confirmed: false });
    expect(net.receive(radio.sent[3]!).packet.getFCtrlACK()).toBe(true);
  });

  it('confirmed uplink without any answer: gives up after the attempts, acked false', async () => {
    const { radio, mac } = setup(abpStore());
    const r = await mac.sendFrame({ fPort: 1, payload: [9], confirmed: true });
    expect(r.ok && r.value).toMatchObject({ acked: false, transmissions: 3 });
    expect(radio.sent).toHaveLength(3);
  });
});

describe('MAC commands (answers decoded from the next uplink by lora-packet)', () => {
  async function exchange(fOpts: string, opts: { port0?: boolean; snr?: number } = {}, macOpts: Partial<MacOptions> = {}) {
    const ctx = setup(abpStore(), macOpts);
    const net = abpNetwork();
    let first = true;
    ctx.radio.responder = (w, up) => {
      if (!first || !isRx1(w, up)) return null;
      first = false;
      const bytes = opts.port0 ? net.downlink({ fPort: 0, payload: fOpts }) : net.downlink({ fOpts });
      return { bytes, rssiDbm: -100, snrDb: opts.snr ?? 5 };
    };
    await ctx.mac.send({ fPort: 1, payload: [1], confirmed: false });
    await ctx.mac.send({ fPort: 1, payload: [2], confirmed: false });
    const up = net.receive(ctx.radio.sent[0]!) && net.receive(ctx.radio.sent[1]!);
    return { ...ctx, net, answers: up.packet.FOpts!.toString('hex') };
  }

  it('LinkADRReq: applies DR5, TXPower 2, channels 0-2 and answers 0x07', async () => {
    const { answers, mac, radio } = await exchange('03520700' + '01');
    expect(answers).toBe('0307');
    expect(mac.currentParams()).toMatchObject({ dr: 5, txPowerIndex: 2, nbTrans: 1 });
    expect(radio.sent[1]!.config).toMatchObject({ sf: 7, powerDbm: 9 });
  });

  it('LinkADRReq: refuses an undefined channel (ChMask bit 5) and changes nothing', async () => {
    const { answers, mac } = await exchange('03522000' + '01');
    expect(answers).toBe('0304'); // mask KO, and no channel of that mask carries DR5 (LoRaMac-node gives the same)
    expect(mac.currentParams().dr).toBe(0);
  });

  it('LinkADRReq block in an FPort 0 frame: one answer per command, the same status', async () => {
    const { answers, mac } = await exchange('0350ffff' + '60' + '03530700' + '02', { port0: true });
    expect(answers).toBe('03070307');
    expect(mac.currentParams()).toMatchObject({ dr: 5, txPowerIndex: 3, nbTrans: 2, mask: [7] });
  });

  it('LinkADRReq with ADR off: keeps DR and power, takes the mask', async () => {
    const { answers, mac } = await exchange('03520300' + '01', {}, { adr: false });
    expect(answers).toBe('0307');
    expect(mac.currentParams()).toMatchObject({ dr: 0, txPowerIndex: 0, mask: [3] });
  });

  it('DevStatusReq: battery and SNR margin (6-bit two\'s complement)', async () => {
    const { answers } = await exchange('06', { snr: -7.6 }, { battery: () => 200 });
    expect(answers).toBe('06c8' + (-8 & 0x3f).toString(16).padStart(2, '0'));
  });

  it('RXParamSetupReq: applies RX2 DR3 at 869.525 MHz and RX1 offset 1; the answer is sticky until a downlink', async () => {
    const { answers, mac, radio, net } = await exchange('05' + '13' + 'd2ad84');
    expect(answers).toBe('0507');
    expect(mac.currentParams()).toMatchObject({ rx1DrOffset: 1, rx2Dr: 3, rx2FrequencyHz: 869525000 });
    // RX2 of the second uplink already uses SF9.
    expect(radio.windows[radio.windows.length - 1]).toMatchObject({ sf: 9, frequencyHz: 869525000 });
    // Still repeated in the third uplink; gone after a downlink.
    radio.responder = (w, up) => (isRx1(w, up) ? frame(net.downlink({ fPort: 2, payload: '00' })) : null);
    await mac.send({ fPort: 1, payload: [3], confirmed: false });
    await mac.send({ fPort: 1, payload: [4], confirmed: false });
    expect(net.receive(radio.sent[2]!).packet.FOpts!.toString('hex')).toBe('0507');
    expect(net.receive(radio.sent[3]!).packet.FOpts!.toString('hex')).toBe('');
  });

  it('RXParamSetupReq with a frequency outside EU868: channel NACK, nothing applied', async () => {
    const { answers, mac } = await exchange('05' + '13' + '000000');
    expect(answers).toBe('0506');
    expect(mac.currentParams().rx2Dr).toBe(0);
  });

  it('RXTimingSetupReq: RX1 moves to 3 s after TX end (sticky answer)', async () => {
    const { answers, radio } = await exchange('0803');
    expect(answers).toBe('08');
    const end = radio.sent[1]!.endMs;
    const rx1 = radio.windows[radio.windows.length - 2]!;
    expect(Math.abs(rx1.openAtMs - (end + 3000))).toBeLessThan(100);
  });

  it('NewChannelReq: adds 867.1 MHz DR0-5 as channel 3; refuses to touch default channel 0', async () => {
    const { answers, mac } = await exchange('07' + '03' + '184f84' + '50' + '07' + '00' + '184f84' + '50');
    expect(answers).toBe('0703' + '0700');
    const p = mac.currentParams();
    expect(p.channels[3]).toEqual({ frequencyHz: 867100000, minDr: 0, maxDr: 5, rx1FrequencyHz: 0 });
    expect(p.mask[0]).toBe(0b1111);
  });

  it('DutyCycleReq: 1/2^4 aggregated; DlChannelReq: RX1 frequency of channel 0 (sticky)', async () => {
    const { answers, mac } = await exchange('0404' + '0a' + '00' + '184f84');
    expect(answers).toBe('0a03' + '04'); // sticky answers go first
    expect(mac.currentParams().maxDutyCycle).toBe(4);
    expect(mac.currentParams().channels[0]!.rx1FrequencyHz).toBe(867100000);
  });

  it('LinkCheck: the request goes out, the answer lands in stats', async () => {
    const ctx = setup(abpStore());
    const net = abpNetwork();
    ctx.mac.requestLinkCheck();
    ctx.radio.responder = (w, up) => {
      if (!isRx1(w, up)) return null;
      expect(net.receive(up).packet.FOpts!.toString('hex')).toBe('02');
      return frame(net.downlink({ fOpts: '020c02' }));
    };
    await ctx.mac.send({ fPort: 1, payload: [1], confirmed: false });
    expect(ctx.mac.stats().lastLinkCheck).toEqual({ marginDb: 12, gatewayCount: 2 });
  });

  it('an unknown command stops parsing; TxParamSetupReq gets no answer in EU868', async () => {
    const { answers } = await exchange('0900' + '06' + '7f01' + '06');
    expect(answers).toBe('06ff' + '05');
  });

  it('persists MAC parameters: a rebooted buoy keeps the network\'s settings', async () => {
    const store = abpStore();
    const ctx = setup(store);
    const net = abpNetwork();
    ctx.radio.responder = (w, up) => (isRx1(w, up) ? frame(net.downlink({ fOpts: '03520700' + '01' + '0513' + 'd2ad84' })) : null);
    await ctx.mac.send({ fPort: 1, payload: [1], confirmed: false });
    const again = setup(store);
    await again.mac.start();
    expect(again.mac.currentParams()).toMatchObject({ dr: 5, txPowerIndex: 2, rx2Dr: 3, rx1DrOffset: 1 });
  });

  it('maxPayload leaves room for the pending FOpts', async () => {
    const ctx = setup(abpStore());
    ctx.mac.requestLinkCheck();
    expect(ctx.mac.maxPayload()).toBe(50);
    expect(ctx.mac.airtimeMs(10)).toBeCloseTo(uplinkAirtimeMs(24, 12, 125000), 6);
  });
});

describe('OTAA', () => {
  function otaaStore(): MemoryStore {
    const s = new MemoryStore();
    s.values = { lw_appkey: JSON.stringify(TEST_APPKEY), lw_deveui: JSON.stringify(TEST_DEVEUI), lw_joineui: JSON.stringify(TEST_JOINEUI) };
    return s;
  }

  /** The join server: answers Join-requests with lora-packet Join-accepts, JoinNonce counting up. */
  function joinServer(radio: ScriptedRadio, o: { joinNonce: number; answerAttempt?: number; rx2?: boolean; cfList?: string }) {
    const seen: { devNonce: number; at: AirFrame }[] = [];
    const sessions: Network[] = [];
    radio.responder = (w, up) => {
      const req = lp.fromWire(Buffer.from(up.bytes));
      if (req.getMType() !== 'Join Request') {
        sessions[sessions.length - 1]!.receive(up);
        return null;
      }
      if ((o.rx2 ?? false) === isRx1(w, up)) return null;
      expect(lp.verifyMIC(req, undefined, H(TEST_APPKEY))).toBe(true);
      expect(req.AppEUI!.toString('hex')).toBe(TEST_JOINEUI);
      expect(req.DevEUI!.toString('hex')).toBe(TEST_DEVEUI);
      const devNonce = req.DevNonce!.readUInt16BE(0);
      seen.push({ devNonce, at: up });
      if (seen.length < (o.answerAttempt ?? 1)) return null;
      const nonce = Buffer.alloc(3);
      nonce.writeUIntBE(o.joinNonce, 0, 3);
      const ja = lp.fromFields(
        { MType: 'Join Accept', AppNonce: nonce, NetID: H('000013'), DevAddr: H('260b1234'), DLSettings: 0x03, RxDelay: 1, ...(o.cfList ? { CFList: H(o.cfList) } : {}) },
        undefined,
        undefined,
        H(TEST_APPKEY),
      );
      const k = lp.generateSessionKeys(H(TEST_APPKEY), H('000013'), nonce, req.DevNonce!);
      sessions.push(new Network('260b1234', k.NwkSKey, k.AppSKey));
      return frame([...ja.getPHYPayload()!]);
    };
    return { seen, sessions };
  }

  it('joins (Join-accept in RX1 5 s after the request), then sends frames lora-packet decrypts with the derived keys', async () => {
    const store = otaaStore();
    const { radio, mac } = setup(store);
    const js = joinServer(radio, { joinNonce: 1, cfList: '184f84e85684b85e84886684586e8400' });
    expect(await mac.start()).toBe(true);
    expect(js.seen.map((s) => s.devNonce)).toEqual([0]);
    const rx1 = radio.windows[0]!;
    expect(Math.abs(rx1.openAtMs - (radio.sent[0]!.endMs + 5000))).toBeLessThan(100);
    expect(mac.currentParams()).toMatchObject({ rx2Dr: 3, rx1DrOffset: 0 });
    expect(mac.currentParams().channels.slice(3, 8).map((c) => c!.frequencyHz)).toEqual([867100000, 867300000, 867500000, 867700000, 867900000]);
    await mac.send({ fPort: 2, payload: [0xab], confirmed: false });
    expect([...js.sessions[0]!.uplinks[0]!.payload]).toEqual([0xab]);
    expect(js.sessions[0]!.uplinks[0]!.fCnt).toBe(0);
    expect(mac.stats().joins).toBe(1);
  });

  it('retries at lower data rates, a new DevNonce each time, and takes a Join-accept from RX2', async () => {
    const { radio, mac } = setup(otaaStore(), { dataRate: 5 });
    const js = joinServer(radio, { joinNonce: 7, answerAttempt: 3, rx2: true });
    expect(await mac.start()).toBe(true);
    expect(js.seen.map((s) => s.devNonce)).toEqual([0, 1, 2]);
    expect(radio.sent.map((a) => a.config.sf)).toEqual([7, 8, 9]);
  });

  it('keeps the session across reboots (no new join), and DevNonce across joins', async () => {
    const store = otaaStore();
    const a = setup(store);
    joinServer(a.radio, { joinNonce: 1 });
    await a.mac.start();
    await a.mac.send({ fPort: 2, payload: [1], confirmed: false });
    const b = setup(store);
    const jsB = joinServer(b.radio, { joinNonce: 2 });
    expect(await b.mac.start()).toBe(true);
    expect(jsB.seen).toHaveLength(0);
    // A fresh join (session forgotten) uses the next DevNonce and refuses an old JoinNonce.
    delete store.values.lw_session;
    const c = setup(store);
    const jsC = joinServer(c.radio, { joinNonce: 1 });
    expect(await c.mac.start()).toBe(false);
    expect(c.mac.lastError()!.code).toBe('join_failed');
    expect(jsC.seen[0]!.devNonce).toBe(1);
    expect(c.lines.some((l) => l.includes('join_nonce_replay'))).toBe(true);
  });

  it('gives up after the configured attempts', async () => {
    const { radio, mac } = setup(otaaStore(), { joinAttempts: 2 });
    expect(await mac.start()).toBe(false);
    expect(mac.lastError()!.code).toBe('join_failed');
    expect(radio.sent).toHaveLength(2);
  });
});

describe('US915', () => {
  it('uses the configured sub-band, DR0 = SF10, RX1 on 923.3 + 0.6·(ch mod 8) MHz at DR10, RX2 923.3 MHz DR8', async () => {
    const { radio, mac } = setup(abpStore(), { region: US915, enabledChannels: subBandChannels(2) });
    await mac.send({ fPort: 1, payload: new Array(11).fill(1), confirmed: false });
    const air = radio.sent[0]!;
    const ch = Math.round((air.config.frequencyHz - 902300000) / 200000);
    expect(ch).toBeGreaterThanOrEqual(8);
    expect(ch).toBeLessThanOrEqual(15);
    expect(air.config).toMatchObject({ sf: 10, bandwidthHz: 125000, powerDbm: 27 });
    expect(radio.windows[0]).toMatchObject({ frequencyHz: 923300000 + 600000 * (ch % 8), sf: 10, bandwidthHz: 500000 });
    expect(radio.windows[1]).toMatchObject({ frequencyHz: 923300000, sf: 12, bandwidthHz: 500000 });
    expect(mac.maxPayload()).toBe(11);
  });

  it('LinkADRReq ChMaskCntl 7 then 0: only channels 8-15 and none of the 500 kHz ones', async () => {
    const ctx = setup(abpStore(), { region: US915, enabledChannels: subBandChannels(2) });
    const net = abpNetwork();
    ctx.radio.responder = (w, up) => (w.frequencyHz !== 923300000 || w.sf !== 12 ? frame(net.downlink({ fOpts: '03300000' + '70' + '0330' + '00ff' + '00' })) : null);
    await ctx.mac.send({ fPort: 1, payload: [1], confirmed: false });
    expect(ctx.mac.currentParams().mask).toEqual([0xff00, 0, 0, 0, 0]);
    ctx.radio.responder = null;
    await ctx.mac.send({ fPort: 1, payload: [1], confirmed: false });
    expect(net.receive(ctx.radio.sent[1]!).packet.FOpts!.toString('hex')).toBe('03070307');
  });
});

// Frames: our builder and parser (src/lorawan, shared with the VM) against lora-packet 0.9.3, the
// library the server ingests with. Pinned vectors both ways, then random frames both ways.
import fc from 'fast-check';
import loraPacketModule from 'lora-packet';
import { describe, expect, it } from 'vitest';
import { Aes128 } from '../src/crypto/aes128.ts';
import { Cmac } from '../src/crypto/cmac.ts';
import { NO_PAUSE } from '../src/crypto/pace.ts';
import { openDownlink } from '../src/lorawan/downlink.ts';
import { buildUplink, parseDataFrame, sessionCrypto } from '../src/lorawan/frame.ts';
import { buildJoinRequest, deriveSessionKeys, openJoinAccept } from '../src/lorawan/join.ts';
import {
  DATA_FRAME_VECTORS,
  JOIN_ACCEPT_VECTORS,
  JOIN_REQUEST_VECTORS,
  TEST_APPKEY,
  TEST_APPSKEY,
  TEST_DEVADDR,
  TEST_DEVEUI,
  TEST_JOINEUI,
  TEST_NWKSKEY,
} from '../src/lorawan/vectors.ts';

// lora-packet's typings declare an ES default export, but its CommonJS build replaces
// module.exports with the API object, which is what Node's default import then is.
const lp = loraPacketModule as unknown as typeof loraPacketModule.default;
const H = (s: string) => Buffer.from(s, 'hex');
const bytes = (s: string) => [...H(s)];
const hex = (b: ArrayLike<number>) => Buffer.from(Array.from(b)).toString('hex');
const DEVADDR = parseInt(TEST_DEVADDR, 16);
const keys = sessionCrypto(bytes(TEST_NWKSKEY), bytes(TEST_APPSKEY));
/** lora-packet wants the upper 16 bits of FCnt as 2 bytes in over-the-air (little-endian) order. */
const msb = (fCnt: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(fCnt >>> 16);
  return b;
};

function loraPacketDataFrame(v: (typeof DATA_FRAME_VECTORS)[number]): string {
  const mType = `${v.confirmed ? 'Confirmed' : 'Unconfirmed'} Data ${v.uplink ? 'Up' : 'Down'}`;
  const p = lp.fromFields(
    {
      MType: mType,
      DevAddr: H(TEST_DEVADDR),
      FCtrl: { ADR: v.adr, ADRACKReq: v.adrAckReq, ACK: v.ack, FPending: v.framePending },
      FCnt: v.fCnt & 0xffff,
      FOpts: H(v.fOpts),
      FPort: v.fPort,
      payload: H(v.payload),
    },
    H(TEST_APPSKEY),
    H(TEST_NWKSKEY),
    undefined,
    msb(v.fCnt),
  );
  return p.getPHYPayload()!.toString('hex');
}

describe('pinned vectors are what lora-packet builds', () => {
  it.each(DATA_FRAME_VECTORS.map((v) => [v.name, v] as const))('%s', (_n, v) => {
    expect(loraPacketDataFrame(v)).toBe(v.hex);
  });

  it.each(JOIN_REQUEST_VECTORS.map((v) => [v.devNonce, v] as const))('Join-request, DevNonce %i', (_n, v) => {
    const dn = Buffer.alloc(2);
    dn.writeUInt16BE(v.devNonce);
    const p = lp.fromFields({ MType: 'Join Request', AppEUI: H(TEST_JOINEUI), DevEUI: H(TEST_DEVEUI), DevNonce: dn }, undefined, undefined, H(TEST_APPKEY));
    expect(p.getPHYPayload()!.toString('hex')).toBe(v.hex);
  });

  it.each(JOIN_ACCEPT_VECTORS.map((v) => [v.name, v] as const))('%s', (_n, v) => {
    const nonce = Buffer.alloc(3);
    nonce.writeUIntBE(v.joinNonce, 0, 3);
    const netId = Buffer.alloc(3);
    netId.writeUIntBE(v.netId, 0, 3);
    const p = lp.fromFields(
      {
        MType: 'Join Accept',
        AppNonce: nonce,
        NetID: netId,
        DevAddr: H(v.devAddr),
        DLSettings: v.dlSettings,
        RxDelay: v.rxDelay,
        ...(v.cfList ? { CFList: H(v.cfList) } : {}),
      },
      undefined,
      undefined,
      H(TEST_APPKEY),
    );
    expect(p.getPHYPayload()!.toString('hex')).toBe(v.hex);
    if (v.nwkSKey) {
      const dn = Buffer.alloc(2);
      dn.writeUInt16BE(v.devNonce);
      const k = lp.generateSessionKeys(H(TEST_APPKEY), netId, nonce, dn);
      expect([k.NwkSKey.toString('hex'), k.AppSKey.toString('hex')]).toEqual([v.nwkSKey, v.appSKey]);
    }
  });
});

describe('our code on the pinned vectors', () => {
  it.each(DATA_FRAME_VECTORS.filter((v) => v.uplink).map((v) => [v.name, v] as const))('builds uplink: %s', (_n, v) => {
    const frame = buildUplink(keys, {
      confirmed: v.confirmed,
      devAddr: DEVADDR,
      fCnt: v.fCnt,
      adr: v.adr,
      adrAckReq: v.adrAckReq,
      ack: v.ack,
      fOpts: bytes(v.fOpts),
      fPort: v.fPort,
      payload: bytes(v.payload),
    });
    expect(hex(frame)).toBe(v.hex);
  });

  it.each(DATA_FRAME_VECTORS.filter((v) => !v.uplink).map((v) => [v.name, v] as const))('opens downlink: %s', async (_n, v) => {
    const r = await openDownlink(keys, DEVADDR, v.fCnt - 1, bytes(v.hex), NO_PAUSE);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.fCnt).toBe(v.fCnt);
    expect(r.value.confirmed).toBe(v.confirmed);
    expect(r.value.ack).toBe(v.ack);
    expect(r.value.framePending).toBe(v.framePending);
    expect(r.value.fPort).toBe(v.fPort);
    if (v.fPort === 0) expect(hex(r.value.commands)).toBe(v.payload);
    else {
      expect(hex(r.value.payload)).toBe(v.payload);
      expect(hex(r.value.commands)).toBe(v.fOpts);
    }
  });

  it('rebuilds FCntDown across the 16-bit boundary (65537 after 65535)', async () => {
    const v = DATA_FRAME_VECTORS.find((x) => x.fCnt === 65537)!;
    const r = await openDownlink(keys, DEVADDR, 65535, bytes(v.hex), NO_PAUSE);
    expect(r.ok && r.value.fCnt).toBe(65537);
  });

  it('refuses a replayed downlink, a wrong DevAddr and an uplink', async () => {
    const v = DATA_FRAME_VECTORS.find((x) => !x.uplink && x.fCnt === 5)!;
    const replay = await openDownlink(keys, DEVADDR, 5, bytes(v.hex), NO_PAUSE);
    expect(!replay.ok && replay.error.code).toBe('counter_replay');
    const older = await openDownlink(keys, DEVADDR, 9, bytes(v.hex), NO_PAUSE);
    expect(!older.ok && older.error.code).toBe('mic_mismatch');
    const other = await openDownlink(keys, DEVADDR + 1, -1, bytes(v.hex), NO_PAUSE);
    expect(!other.ok && other.error.code).toBe('wrong_address');
    const up = await openDownlink(keys, DEVADDR, -1, bytes(DATA_FRAME_VECTORS[0]!.hex), NO_PAUSE);
    expect(!up.ok && up.error.code).toBe('unexpected_frame_type');
  });

  it('refuses every single-bit corruption of a downlink', async () => {
    const v = bytes(DATA_FRAME_VECTORS.find((x) => !x.uplink && x.fCnt === 5)!.hex);
    for (let bit = 0; bit < v.length * 8; bit++) {
      const c = v.slice();
      c[bit >> 3]! ^= 1 << (bit & 7);
      const r = await openDownlink(keys, DEVADDR, 4, c, NO_PAUSE);
      expect(r.ok, `bit ${bit}`).toBe(false);
    }
  });

  it('rejects frames lora-packet would half-parse (short, FOptsLen past the end, major ≠ 0)', () => {
    expect(parseDataFrame(bytes('60da1b0126840500')).ok).toBe(false); // 8 bytes: lora-packet takes the MIC from the header
    expect(parseDataFrame(bytes('60da1b01268f0500aabbccdd')).ok).toBe(false); // FOptsLen 15 in a 12-byte frame
    expect(parseDataFrame(bytes('61da1b012600050001020304')).ok).toBe(false); // MHDR major 1
    expect(parseDataFrame(bytes('60da1b012600050001020304')).ok).toBe(true);
  });

  it.each(JOIN_REQUEST_VECTORS.map((v) => [v.devNonce, v] as const))('builds the Join-request, DevNonce %i', (_n, v) => {
    expect(hex(buildJoinRequest(new Cmac(bytes(TEST_APPKEY)), bytes(TEST_JOINEUI), bytes(TEST_DEVEUI), v.devNonce))).toBe(v.hex);
  });

  it.each(JOIN_ACCEPT_VECTORS.map((v) => [v.name, v] as const))('opens %s and derives lora-packet\'s keys', (_n, v) => {
    const aes = new Aes128(bytes(TEST_APPKEY));
    const r = openJoinAccept(aes, new Cmac(bytes(TEST_APPKEY)), bytes(v.hex));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.joinNonce).toBe(v.joinNonce);
    expect(r.value.netId).toBe(v.netId);
    expect(r.value.devAddr).toBe(parseInt(v.devAddr, 16));
    expect((r.value.rx1DrOffset << 4) | r.value.rx2DataRate).toBe(v.dlSettings);
    expect(r.value.rxDelaySeconds).toBe(v.rxDelay);
    expect(r.value.cfList === null ? '' : hex(r.value.cfList)).toBe(v.cfList);
    if (v.nwkSKey) {
      const k = deriveSessionKeys(aes, v.joinNonce, v.netId, v.devNonce);
      expect([hex(k.nwkSKey), hex(k.appSKey)]).toEqual([v.nwkSKey, v.appSKey]);
    }
    const bad = bytes(v.hex);
    bad[5]! ^= 0x40;
    const rb = openJoinAccept(aes, new Cmac(bytes(TEST_APPKEY)), bad);
    expect(!rb.ok && rb.error.code).toBe('mic_mismatch');
  });
});

const key16 = fc.uint8Array({ minLength: 16, maxLength: 16 });

describe('random frames both ways', () => {
  it('lora-packet verifies and decrypts every uplink we build (any keys, 32-bit FCnt, FOpts, payload)', () => {
    fc.assert(
      fc.property(
        key16,
        key16,
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 1, max: 223 }),
        fc.uint8Array({ maxLength: 242 }),
        fc.uint8Array({ maxLength: 15 }),
        fc.boolean(),
        (nwk, app, devAddr, fCnt, fPort, payload, fOpts, confirmed) => {
          const k = sessionCrypto(nwk, app);
          const frame = buildUplink(k, { confirmed, devAddr, fCnt, adr: true, adrAckReq: false, ack: false, fOpts: [...fOpts], fPort, payload: [...payload] });
          const p = lp.fromWire(Buffer.from(frame));
          expect(p.getMType()).toBe(confirmed ? 'Confirmed Data Up' : 'Unconfirmed Data Up');
          expect(p.DevAddr!.readUInt32BE(0)).toBe(devAddr);
          expect(p.getFCnt()).toBe(fCnt & 0xffff);
          expect(lp.verifyMIC(p, Buffer.from(nwk), undefined, msb(fCnt))).toBe(true);
          expect(hex(lp.decrypt(p, Buffer.from(app), Buffer.from(nwk), msb(fCnt)))).toBe(hex(payload));
          expect(hex(p.FOpts!)).toBe(hex(fOpts));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('we authenticate and decrypt every downlink lora-packet builds', async () => {
    await fc.assert(
      fc.asyncProperty(
        key16,
        key16,
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xfffffffe }),
        fc.integer({ min: 1, max: 223 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.boolean(),
        async (nwk, app, devAddr, fCnt, fPort, payload, confirmed) => {
          const addr = Buffer.alloc(4);
          addr.writeUInt32BE(devAddr);
          const p = lp.fromFields(
            { MType: confirmed ? 'Confirmed Data Down' : 'Unconfirmed Data Down', DevAddr: addr, FCnt: fCnt & 0xffff, FPort: fPort, payload: Buffer.from(payload) },
            Buffer.from(app),
            Buffer.from(nwk),
            undefined,
            msb(fCnt),
          );
          // The device last accepted a counter up to 60 000 below this one, in the same or the previous 64k span.
          const last = Math.max(-1, fCnt - 1 - (fCnt % 60000));
          const r = await openDownlink(sessionCrypto(nwk, app), devAddr, last, [...p.getPHYPayload()!], NO_PAUSE);
          expect(r.ok).toBe(true);
          if (r.ok) {
            expect(r.value.fCnt).toBe(fCnt);
            expect(hex(r.value.payload)).toBe(hex(payload));
            expect(r.value.confirmed).toBe(confirmed);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the parser never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        const r = parseDataFrame(b);
        if (r.ok) expect(8 + r.value.fOpts.length + (r.value.fPort === null ? 0 : 1) + r.value.encryptedPayload.length + 4).toBe(b.length);
      }),
      { numRuns: 2000 },
    );
  });
});

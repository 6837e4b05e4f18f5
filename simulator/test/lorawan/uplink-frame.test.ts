// LoRaWAN frames with the 32-bit counter: lora-packet verifies and decrypts them only with the
// upper 16 bits in little-endian order (the mistake the notes warn about breaks both).
import { describe, expect, it } from 'vitest';
import { buildUplinkFrame, fCntMsBytes, loraPacket, sessionKeys } from '../../src/index.js';

const keys = sessionKeys('01de0001', '000102030405060708090a0b0c0d0e01', '0f0e0d0c0b0a09080706050403020101');

describe('uplink frames', () => {
  it('carries FCnt low bits on air and the high bits in MIC and cipher', () => {
    for (const fCnt of [0, 1, 65535, 65536, 70000, 0x12345678, 0xffffffff]) {
      const phy = buildUplinkFrame(keys, { fCnt, fPort: 1, payload: Uint8Array.of(0x17, 1, 2, 3), confirmed: false });
      const p = loraPacket.fromWire(phy);
      expect(p.getFCnt()).toBe(fCnt & 0xffff);
      expect(p.getMType()).toBe('Unconfirmed Data Up');
      expect(p.DevAddr!.toString('hex')).toBe('01de0001');
      // The reference, written here: the upper 16 bits, little-endian (LoRaWAN 1.0.x B0/A blocks).
      const littleEndian = Buffer.alloc(2);
      littleEndian.writeUInt16LE(fCnt >>> 16);
      expect(fCntMsBytes(fCnt)).toEqual(littleEndian);
      expect(loraPacket.verifyMIC(p, keys.nwkSKey, undefined, littleEndian)).toBe(true);
      expect([...loraPacket.decrypt(p, keys.appSKey, keys.nwkSKey, littleEndian)]).toEqual([0x17, 1, 2, 3]);
      const bigEndian = Buffer.alloc(2);
      bigEndian.writeUInt16BE(fCnt >>> 16);
      if (!bigEndian.equals(littleEndian)) expect(loraPacket.verifyMIC(p, keys.nwkSKey, undefined, bigEndian)).toBe(false);
    }
  });

  it('marks confirmed uplinks and refuses counters outside 32 bits', () => {
    const phy = buildUplinkFrame(keys, { fCnt: 5, fPort: 2, payload: Uint8Array.of(1), confirmed: true });
    expect(loraPacket.fromWire(phy).getMType()).toBe('Confirmed Data Up');
    expect(() => buildUplinkFrame(keys, { fCnt: 2 ** 32, fPort: 1, payload: Uint8Array.of(1), confirmed: false })).toThrow(RangeError);
  });
});

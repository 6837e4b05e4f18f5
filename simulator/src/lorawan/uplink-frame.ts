// LoRaWAN 1.0.x ABP data uplinks. The frame counter is the full 32-bit counter: the low 16 bits
// go in FCnt, the high 16 bits enter the MIC and the encryption as FCntMSBytes in over-the-air
// little-endian order (big-endian silently breaks both past 65 535).
//
// Frames are built on node:crypto (frame-crypto.ts); lora-packet stays the reference: the
// lora-packet build below is what the tests compare every byte with, and the benchmark baseline.
import { encodeDataUplink } from './frame-crypto.js';
import { loraPacket } from './lora-packet.js';

export interface SessionKeys {
  devAddr: Buffer;
  nwkSKey: Buffer;
  appSKey: Buffer;
}

export interface UplinkFields {
  fCnt: number;
  fPort: number;
  payload: Uint8Array;
  confirmed: boolean;
}

/** Session keys from fleet hex text. DevAddr is given big-endian, as printed. */
export function sessionKeys(devAddrHex: string, nwkSKeyHex: string, appSKeyHex: string): SessionKeys {
  return { devAddr: Buffer.from(devAddrHex, 'hex'), nwkSKey: Buffer.from(nwkSKeyHex, 'hex'), appSKey: Buffer.from(appSKeyHex, 'hex') };
}

/** The high 16 bits of a 32-bit frame counter in the byte order the MIC and cipher use. */
export function fCntMsBytes(fCnt: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE((fCnt >>> 16) & 0xffff);
  return b;
}

/** PHYPayload of an (un)confirmed data uplink: MHDR | DevAddr | FCtrl | FCnt | FPort | FRMPayload | MIC. */
export function buildUplinkFrame(keys: SessionKeys, fields: UplinkFields): Buffer {
  return encodeDataUplink({ devAddr: keys.devAddr, nwkSKey: keys.nwkSKey, appSKey: keys.appSKey, fCnt: fields.fCnt, fPort: fields.fPort, payload: fields.payload, confirmed: fields.confirmed });
}

/** The same frame built by lora-packet (pure-JS AES): the reference for tests and benchmarks. */
export function buildUplinkFrameWithLoraPacket(keys: SessionKeys, fields: UplinkFields): Buffer {
  if (!Number.isInteger(fields.fCnt) || fields.fCnt < 0 || fields.fCnt > 0xffffffff) throw new RangeError(`fCnt must be a 32-bit unsigned integer, got ${fields.fCnt}`);
  const packet = loraPacket.fromFields(
    {
      MType: fields.confirmed ? 'Confirmed Data Up' : 'Unconfirmed Data Up',
      DevAddr: keys.devAddr,
      FCtrl: { ADR: false, ADRACKReq: false, ACK: false },
      FCnt: fields.fCnt & 0xffff,
      FPort: fields.fPort,
      payload: Buffer.from(fields.payload),
    },
    keys.appSKey,
    keys.nwkSKey,
    undefined,
    fCntMsBytes(fields.fCnt),
  );
  const phy = packet.getPHYPayload();
  if (!phy) throw new Error('lora-packet produced no PHYPayload');
  return phy;
}

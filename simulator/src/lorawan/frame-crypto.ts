// LoRaWAN 1.0.x data uplinks on node:crypto (OpenSSL's AES), byte for byte what lora-packet
// builds (a test checks fixed vectors and random frames against lora-packet's fromFields), at a
// small fraction of the cost: lora-packet runs AES in pure JS (crypto-js) and creates a cipher
// per CMAC block, which made frame building most of a replay's CPU time.
//
//   PHYPayload = MHDR | DevAddr | FCtrl | FCnt | FPort | FRMPayload | MIC   (multi-byte fields little-endian)
//   FRMPayload (TS001-1.0.4 §4.3.3): payload XOR S, S = AES(K, A1) | AES(K, A2) | …,
//     Ai = 0x01 | 0x00 x4 | Dir | DevAddr | FCntUp (32 bits) | 0x00 | i;  K = AppSKey, or NwkSKey for FPort 0
//   MIC (§4.4): AES-CMAC(NwkSKey, B0 | MHDR | MACPayload)[0..3],
//     B0 = 0x49 | 0x00 x4 | Dir | DevAddr | FCntUp (32 bits) | 0x00 | len(MHDR | MACPayload)
//
// Each key gets two long-lived OpenSSL contexts: AES-128-ECB (the block function: one update()
// call for the whole keystream) and AES-128-CBC with a zero IV for the CMAC. A CBC context
// carries its chaining value from one update() to the next; XOR-ing the last ciphertext block
// into the next message's first block cancels it, so every MIC is a fresh CBC-MAC in one call.
// This module is the simulator's own (the server verifies with its own code), so a mistake on
// one side cannot hide the same mistake on the other.
import { createCipheriv, type Cipher } from 'node:crypto';

const BLOCK = 16;
const RB = 0x87;
/** MHDR | DevAddr | FCtrl | FCnt | FPort. */
const HEADER = 9;
const MIC_LENGTH = 4;
/** Largest FRMPayload: a PHYPayload is at most 255 bytes, and len(msg) in B0 is one byte. */
export const MAX_FRM_PAYLOAD = 255 - HEADER - MIC_LENGTH;

const MTYPE_UNCONFIRMED_UP = 2;
const MTYPE_CONFIRMED_UP = 4;

interface KeyContext {
  /** A copy of the key bytes: the cache entry is rebuilt if the caller's buffer changed. */
  key: Buffer;
  ecb: Cipher;
  cbc: Cipher;
  /** CBC chaining value left by the previous update() (zero IV to begin with). */
  chain: Buffer;
  k1: Buffer;
  k2: Buffer;
}

const contexts = new WeakMap<Buffer, KeyContext>();

/** Doubling in GF(2^128) (RFC 4493 §2.3): one bit left, XOR Rb when the top bit falls out. */
function double(block: Buffer): Buffer {
  const out = Buffer.alloc(BLOCK);
  for (let i = 0; i < BLOCK; i++) out[i] = ((block[i]! << 1) | (i + 1 < BLOCK ? block[i + 1]! >>> 7 : 0)) & 0xff;
  if (block[0]! & 0x80) out[BLOCK - 1]! ^= RB;
  return out;
}

function context(key: Buffer): KeyContext {
  const cached = contexts.get(key);
  if (cached && cached.key.equals(key)) return cached;
  if (key.length !== BLOCK) throw new RangeError(`AES-128 keys are 16 bytes, got ${key.length}`);
  const ecb = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
  const cbc = createCipheriv('aes-128-cbc', key, Buffer.alloc(BLOCK)).setAutoPadding(false);
  const l = ecb.update(Buffer.alloc(BLOCK));
  const k1 = double(l);
  const c: KeyContext = { key: Buffer.from(key), ecb, cbc, chain: Buffer.alloc(BLOCK), k1, k2: double(k1) };
  contexts.set(key, c);
  return c;
}

/** AES-128-CMAC (RFC 4493) of `message`, 16 bytes. */
export function aesCmac(key: Buffer, message: Uint8Array): Buffer {
  const c = context(key);
  const n = message.length;
  const blocks = n === 0 ? 1 : Math.ceil(n / BLOCK);
  const complete = n > 0 && n % BLOCK === 0;
  const input = Buffer.alloc(blocks * BLOCK);
  input.set(message);
  if (!complete) input[n] = 0x80;
  const subkey = complete ? c.k1 : c.k2;
  const last = (blocks - 1) * BLOCK;
  for (let i = 0; i < BLOCK; i++) {
    input[last + i]! ^= subkey[i]!;
    input[i]! ^= c.chain[i]!;
  }
  const out = c.cbc.update(input);
  const mac = out.subarray(out.length - BLOCK);
  mac.copy(c.chain);
  return Buffer.from(mac);
}

function writeBlockHeader(out: Buffer, offset: number, first: number, devAddr: Buffer, fCnt: number): void {
  out[offset] = first;
  out.fill(0, offset + 1, offset + 6); // 4 zero bytes, then Dir = 0 (uplink)
  for (let k = 0; k < 4; k++) out[offset + 6 + k] = devAddr[3 - k]!; // DevAddr, little-endian
  out.writeUInt32LE(fCnt, offset + 10);
  out[offset + 14] = 0;
}

export interface DataUplink {
  /** DevAddr as printed (big-endian), 4 bytes. */
  devAddr: Buffer;
  nwkSKey: Buffer;
  appSKey: Buffer;
  /** Full 32-bit uplink counter: the low 16 bits go on air, all 32 into cipher and MIC. */
  fCnt: number;
  fPort: number;
  payload: Uint8Array;
  confirmed: boolean;
}

/** PHYPayload of an (un)confirmed LoRaWAN 1.0.x data uplink, no FOpts, FCtrl 0. */
export function encodeDataUplink(f: DataUplink): Buffer {
  if (!Number.isInteger(f.fCnt) || f.fCnt < 0 || f.fCnt > 0xffffffff) throw new RangeError(`fCnt must be a 32-bit unsigned integer, got ${f.fCnt}`);
  if (!Number.isInteger(f.fPort) || f.fPort < 0 || f.fPort > 255) throw new RangeError(`fPort must be 0…255, got ${f.fPort}`);
  if (f.devAddr.length !== 4) throw new RangeError(`DevAddr is 4 bytes, got ${f.devAddr.length}`);
  const n = f.payload.length;
  if (n > MAX_FRM_PAYLOAD) throw new RangeError(`FRMPayload is at most ${MAX_FRM_PAYLOAD} bytes, got ${n}`);
  const msgLength = HEADER + n;

  // B0 | MHDR | MACPayload, the MIC's input; the frame is bytes 16… of it plus the MIC.
  const micInput = Buffer.allocUnsafe(BLOCK + msgLength);
  writeBlockHeader(micInput, 0, 0x49, f.devAddr, f.fCnt);
  micInput[15] = msgLength;
  micInput[16] = (f.confirmed ? MTYPE_CONFIRMED_UP : MTYPE_UNCONFIRMED_UP) << 5;
  for (let k = 0; k < 4; k++) micInput[17 + k] = f.devAddr[3 - k]!;
  micInput[21] = 0; // FCtrl: no ADR, no ACK, no FOpts
  micInput.writeUInt16LE(f.fCnt & 0xffff, 22);
  micInput[24] = f.fPort;

  if (n > 0) {
    const blocks = Math.ceil(n / BLOCK);
    const a = Buffer.allocUnsafe(blocks * BLOCK);
    for (let i = 0; i < blocks; i++) {
      writeBlockHeader(a, i * BLOCK, 0x01, f.devAddr, f.fCnt);
      a[i * BLOCK + 15] = i + 1;
    }
    const s = context(f.fPort === 0 ? f.nwkSKey : f.appSKey).ecb.update(a);
    for (let i = 0; i < n; i++) micInput[25 + i] = f.payload[i]! ^ s[i]!;
  }

  const mic = aesCmac(f.nwkSKey, micInput);
  const phy = Buffer.allocUnsafe(msgLength + MIC_LENGTH);
  micInput.copy(phy, 0, BLOCK);
  mic.copy(phy, msgLength, 0, MIC_LENGTH);
  return phy;
}

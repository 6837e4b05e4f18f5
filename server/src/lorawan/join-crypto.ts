// OTAA cryptography of LoRaWAN 1.0.x (TS001-1.0.4 §6.2), the network/join server side, on
// node:crypto. Pure functions; keys are 16-byte Buffers and never appear in a message.
//
//   Join-request = MHDR(0x00) | JoinEUI(8, LE) | DevEUI(8, LE) | DevNonce(2, LE) | MIC(4)
//     MIC = aes128_cmac(AppKey, MHDR | JoinEUI | DevEUI | DevNonce)[0..3]            (§6.2.4)
//   Join-accept  = MHDR(0x20) | aes128_decrypt(AppKey, JoinNonce(3) | NetID(3) | DevAddr(4) |
//                  DLSettings(1) | RxDelay(1) | [CFList(16)] | MIC(4))                 (§6.2.3)
//     MIC = aes128_cmac(AppKey, MHDR | JoinNonce | NetID | DevAddr | DLSettings | RxDelay | CFList)[0..3]
//     The server "encrypts" with AES *decryption* so that the device only needs AES encryption.
//   NwkSKey = aes128_encrypt(AppKey, 0x01 | JoinNonce | NetID | DevNonce | pad16)      (§6.2.5)
//   AppSKey = aes128_encrypt(AppKey, 0x02 | JoinNonce | NetID | DevNonce | pad16)
// All multi-byte fields little-endian on the air.

import { createDecipheriv, timingSafeEqual } from 'node:crypto'
import { aesCmac } from './aes-cmac.js'
import { JOIN_REQUEST_BYTES } from './frame-structure.js'
import { keyCiphers } from './key-ciphers.js'

/** MHDR of a Join-accept: MType 001, major 0. */
export const JOIN_ACCEPT_MHDR = 0x20
/** The 24-bit JoinNonce and NetID fields. */
export const MAX_JOIN_NONCE = 0xffffff
export const MAX_NET_ID = 0xffffff

/** True when the last 4 bytes of a 23-byte Join-request are its MIC under `appKey`. */
export function joinRequestMicValid(phy: Buffer, appKey: Buffer): boolean {
  if (phy.length !== JOIN_REQUEST_BYTES || appKey.length !== 16) return false
  const mic = aesCmac(appKey, phy.subarray(0, JOIN_REQUEST_BYTES - 4)).subarray(0, 4)
  return timingSafeEqual(mic, phy.subarray(JOIN_REQUEST_BYTES - 4))
}

export interface JoinAcceptFields {
  /** 0..2^24-1; a 1.0.4 device accepts only a JoinNonce above the last one it accepted. */
  joinNonce: number
  /** 0..2^24-1 (0x000000 and 0x000001 are for experimental / private networks). */
  netId: number
  /** DevAddr as 8 hex digits, most significant byte first. */
  devAddr: string
  /** DLSettings bits 6..4 (0..7). */
  rx1DrOffset: number
  /** DLSettings bits 3..0 (0..15): the RX2 data rate index. */
  rx2DataRate: number
  /** RxDelay in seconds, 0..15 (0 means 1 s). */
  rxDelayS: number
  /** 16 bytes of CFList, or omitted. */
  cfList?: Buffer
}

/** The plaintext body of a Join-accept: JoinNonce … CFList (12 or 28 bytes), without MHDR and MIC. */
function acceptBody(f: JoinAcceptFields): Buffer {
  const body = Buffer.alloc(12 + (f.cfList ? 16 : 0))
  body.writeUIntLE(f.joinNonce, 0, 3)
  body.writeUIntLE(f.netId, 3, 3)
  body.writeUInt32LE(Number.parseInt(f.devAddr, 16) >>> 0, 6)
  body[10] = ((f.rx1DrOffset & 0x07) << 4) | (f.rx2DataRate & 0x0f)
  body[11] = f.rxDelayS & 0x0f
  if (f.cfList) f.cfList.copy(body, 12)
  return body
}

/** Throws a RangeError naming the field (a programming error: the join server checks its inputs). */
function checkFields(f: JoinAcceptFields): void {
  const int = (v: number, max: number, name: string) => {
    if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`join accept ${name} must be an integer 0..${max}`)
  }
  int(f.joinNonce, MAX_JOIN_NONCE, 'joinNonce')
  int(f.netId, MAX_NET_ID, 'netId')
  int(f.rx1DrOffset, 7, 'rx1DrOffset')
  int(f.rx2DataRate, 15, 'rx2DataRate')
  int(f.rxDelayS, 15, 'rxDelayS')
  if (!/^[0-9a-fA-F]{8}$/.test(f.devAddr)) throw new RangeError('join accept devAddr must be 8 hex digits')
  if (f.cfList && f.cfList.length !== 16) throw new RangeError('join accept cfList must be 16 bytes')
}

/** The Join-accept PHYPayload (17 or 33 bytes), MIC'd and encrypted with `appKey`. */
export function buildJoinAccept(appKey: Buffer, fields: JoinAcceptFields): Buffer {
  checkFields(fields)
  const mhdr = Buffer.from([JOIN_ACCEPT_MHDR])
  const body = acceptBody(fields)
  const mic = aesCmac(appKey, Buffer.concat([mhdr, body])).subarray(0, 4)
  const plain = Buffer.concat([body, mic]) // 16 or 32 bytes: whole AES blocks
  const d = createDecipheriv('aes-128-ecb', appKey, null).setAutoPadding(false)
  return Buffer.concat([mhdr, d.update(plain), d.final()])
}

export interface SessionKeys {
  nwkSKey: Buffer
  appSKey: Buffer
}

/** LoRaWAN 1.0.x session keys from a join (§6.2.5). */
export function deriveSessionKeys(appKey: Buffer, joinNonce: number, netId: number, devNonce: number): SessionKeys {
  const blocks = Buffer.alloc(32)
  for (const [i, kind] of [0x01, 0x02].entries()) {
    const o = i * 16
    blocks[o] = kind
    blocks.writeUIntLE(joinNonce, o + 1, 3)
    blocks.writeUIntLE(netId, o + 4, 3)
    blocks.writeUInt16LE(devNonce, o + 7)
  }
  const out = keyCiphers(appKey).ecb.update(blocks)
  return { nwkSKey: Buffer.from(out.subarray(0, 16)), appSKey: Buffer.from(out.subarray(16, 32)) }
}
